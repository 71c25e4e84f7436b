import type {
  ApprovalRequest,
  ContainerBaseline,
  HealingActionRecord,
  HealthSample,
  HealthVerdict,
  Incident,
} from '@website-monitor/core';

export type {
  ApprovalRequest,
  ContainerBaseline,
  HealingActionRecord,
  HealthSample,
  HealthVerdict,
  Incident,
};

/** One line of `GET /monitor/status`. */
export interface StatusLine {
  readonly id: string;
  readonly name: string;
  readonly monitored: boolean;
  readonly state: string | null;
  readonly health: string | null;
  readonly lastCheckAt: number | null;
  readonly verdict: HealthVerdict | null;
  readonly incident: Incident | null;
  readonly restartsLeft: number | null;
  /** Marked `critical: true` (absent from an older agent: not critical). */
  readonly critical?: boolean;
  /** The container's host: present on every line of `?host=*`. */
  readonly host?: string;
}

export interface StatusResponse {
  readonly host: string;
  readonly generatedAt: number;
  readonly containers: readonly StatusLine[];
  /** `store` when the status of another host was read from the shared store. */
  readonly source?: string;
  /** With `source: 'store'`: when that host's agent last reported (ISO). */
  readonly lastSeenAt?: string;
  /** With `source: 'store'`: false once that host's agent stopped reporting. */
  readonly reporting?: boolean;
}

/** One host of `GET /monitor/hosts`: what its agent last reported to the shared store. */
export interface HostSummary {
  readonly host: string;
  readonly engineId: string | null;
  readonly engineName: string | null;
  readonly role: 'active' | 'standby';
  readonly agentVersion: string;
  /** ISO timestamps. */
  readonly startedAt: string;
  readonly lastSeenAt: string;
  /** False when the host's agent stopped reporting: what is shown is its last report. */
  readonly reporting: boolean;
  /** The agent serving this page. */
  readonly self: boolean;
  readonly containers: number;
  readonly unhealthy: number;
  readonly openIncidents: number;
}

export interface HostsResponse {
  readonly hosts: readonly HostSummary[];
  /** The host of the agent serving this page. */
  readonly self: string;
}

export interface IncidentsResponse {
  readonly incidents: readonly Incident[];
}

export interface ApprovalsResponse {
  readonly approvals: readonly ApprovalRequest[];
}

export interface ContainerMetricsResponse {
  readonly container: string;
  readonly samples: readonly HealthSample[];
  readonly baselines: readonly ContainerBaseline[];
}

/** What `POST /monitor/heal/{container}` answers: what the policy made of the request. */
export interface HealingOutcomeResponse {
  readonly kind: 'act' | 'wait' | 'ask_approval' | 'escalate' | 'skip' | 'manual';
  readonly reason: string;
  readonly changed: boolean;
}
