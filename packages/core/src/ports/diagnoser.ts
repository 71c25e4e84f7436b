import type { ContainerBaseline } from '../domain/baseline.js';
import type { ContainerDetails, ContainerEventAction } from '../domain/container.js';
import type { Diagnosis } from '../domain/diagnosis.js';
import type { HealthVerdict } from '../domain/health.js';
import type { Incident } from '../domain/incident.js';

/** Everything known about a failing container, gathered before anyone diagnoses it. */
export interface DiagnosisContext {
  readonly incident: Incident;
  readonly container: ContainerDetails | null;
  readonly verdict: HealthVerdict;
  /** Health of each dependency by container name (`undefined` = not found). */
  readonly dependencies: Readonly<Record<string, 'healthy' | 'unhealthy' | 'missing'>>;
  /** Restarts by this agent within the last hour. */
  readonly recentRestarts: number;
  /** Last log lines, oldest first, bounded in bytes. Untrusted text. */
  readonly logTail: readonly string[];
  /** The lines around the first error in the log tail (bounded). Untrusted text. */
  readonly errorLines?: readonly string[];
  /** This container's recent engine events, oldest first. */
  readonly recentEvents?: readonly {
    readonly action: ContainerEventAction;
    readonly time: number;
    readonly exitCode?: number;
  }[];
  /** What is normal for this container (NESTED inner layer); only warmed-up metrics. */
  readonly baselines?: readonly ContainerBaseline[];
}

export interface Diagnoser {
  readonly name: string;
  diagnose(options: {
    readonly context: DiagnosisContext;
    readonly signal?: AbortSignal;
  }): Promise<Diagnosis>;
}
