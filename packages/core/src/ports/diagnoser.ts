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

/**
 * Says what went wrong with a container and what to do about it. The built-in rules always run;
 * a `Diagnoser` given to the agent (Claude: `@website-monitor/claude-diagnoser`) is asked as
 * well. Its answer is advice: the policy still decides what may be done. The context is already
 * redacted; its log lines are untrusted text written by the container.
 *
 * @example
 * ```ts
 * import type { Diagnoser } from '@website-monitor/core';
 *
 * const oomDiagnoser: Diagnoser = {
 *   name: 'oom-only',
 *   async diagnose({ context }) {
 *     const oom = context.incident.oomKilled;
 *     return {
 *       diagnosis: oom ? 'killed for using too much memory' : 'not an OOM kill',
 *       cause: oom ? 'out_of_memory' : 'unknown',
 *       recommendedAction: oom ? 'restart_container' : 'manual',
 *       urgency: oom ? 'high' : 'low',
 *       confidence: oom ? 90 : 10,
 *       reasoning: 'the engine reported OOMKilled',
 *       source: 'model',
 *     };
 *   },
 * };
 * ```
 */
export interface Diagnoser {
  /** Shown in logs and stored with each diagnosis. */
  readonly name: string;
  diagnose(options: {
    readonly context: DiagnosisContext;
    readonly signal?: AbortSignal;
  }): Promise<Diagnosis>;
}
