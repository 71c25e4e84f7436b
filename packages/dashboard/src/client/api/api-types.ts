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
}

export interface StatusResponse {
  readonly host: string;
  readonly generatedAt: number;
  readonly containers: readonly StatusLine[];
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
