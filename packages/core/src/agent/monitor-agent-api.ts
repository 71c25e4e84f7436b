import type { EventEmitter } from 'eventemitter3';
import type { MonitorConfig } from '../config/monitor-config.js';
import type { ApprovalRequest } from '../domain/healing-action.js';
import type { HealthVerdict } from '../domain/health.js';
import type { Incident } from '../domain/incident.js';
import type { HealingDecision } from '../policy/decide-healing.js';
import type { Store } from '../ports/store.js';
import type { AgentEvents } from './agent-events.js';

/** What became of a requested action: the policy's decision, and whether the container changed. */
export interface HealingRequestOutcome {
  readonly kind: HealingDecision['kind'];
  readonly reason: string;
  readonly changed: boolean;
}

/** Whether the agent itself is working: running, connected to the engine, passing over containers. */
export interface AgentHealth {
  readonly running: boolean;
  readonly startedAt: number | undefined;
  /** Whether the engine's event stream is connected now. */
  readonly engineConnected: boolean;
  /** When the last full list of containers succeeded. */
  readonly lastFullPassAt: number | undefined;
  readonly containers: number;
  readonly openIncidents: number;
}

/** One line per container for status displays and the REST API. */
export interface ContainerStatus {
  readonly id: string;
  readonly name: string;
  readonly monitored: boolean;
  /** Marked `critical: true` in its settings; false when not monitored. */
  readonly critical: boolean;
  readonly verdict: HealthVerdict | undefined;
  readonly incident: Incident | undefined;
  readonly restartsLeft: number | undefined;
}

/** The seed's `check_container_health` answer. */
export interface ContainerHealthAnswer {
  readonly healthy: boolean;
  readonly status: string;
  readonly metrics: HealthVerdict['metrics'];
  readonly verdict: HealthVerdict;
}

/**
 * What the REST API, the dashboard and the CLI need of a running agent. `WebsiteMonitorAgent`
 * implements it; depend on this, not on the class, so a test double or a remote agent can stand in.
 */
export interface MonitorAgentApi
  extends AsyncDisposable,
    Pick<EventEmitter<AgentEvents>, 'on' | 'once' | 'off'> {
  /** Names this agent's rows when several agents share one database. */
  readonly host: string;
  readonly store: Store;
  readonly config: MonitorConfig;
  /** Names of every registered healing action, built-in and plugin. */
  strategyNames(): readonly string[];

  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when no check, heal or write started by the agent is still running. */
  idle(): Promise<void>;

  checkContainerHealth(options: {
    readonly name: string;
    readonly healthEndpoint?: string;
  }): Promise<ContainerHealthAnswer>;
  checkAll(): Promise<HealthVerdict[]>;
  health(): AgentHealth;
  status(): ContainerStatus[];
  pendingApprovals(): readonly ApprovalRequest[];
  approve(options: { readonly id: string; readonly by: string }): Promise<HealingRequestOutcome>;
  reject(options: { readonly id: string; readonly by: string; readonly reason?: string }): Promise<void>;
  requestHealing(options: {
    readonly container: string;
    readonly action?: string;
    readonly reason: string;
    readonly by: string;
  }): Promise<HealingRequestOutcome>;
}
