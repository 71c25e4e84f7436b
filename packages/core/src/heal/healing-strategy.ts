import type { ContainerSettings, StrategyStep } from '../config/monitor-config.js';
import type { ContainerDetails } from '../domain/container.js';
import type { Diagnosis } from '../domain/diagnosis.js';
import type { Incident } from '../domain/incident.js';
import type { Clock } from '../ports/clock.js';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import type { Diagnoser, DiagnosisContext } from '../ports/diagnoser.js';
import type { Logger } from '../ports/logger.js';

/** What a healing strategy's `run` gets: the incident, the container, the ports, and its limits. */
export interface HealingContext {
  readonly incident: Incident;
  readonly container: ContainerDetails;
  readonly settings: ContainerSettings;
  /** The config step that chose this action (threshold, script...), when there was one. */
  readonly step: StrategyStep | undefined;
  readonly runtime: ContainerRuntime;
  readonly diagnoser: Diagnoser;
  readonly diagnosisContext: DiagnosisContext;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly stopTimeoutSeconds: number;
  readonly signal: AbortSignal;
}

/** What a healing strategy's `run` answers; a thrown error counts as `ok: false`. */
export interface HealingOutcome {
  readonly ok: boolean;
  /** What was done, for the incident record. */
  readonly detail: string;
  /** False when the action decided there was nothing to do (e.g. under threshold). */
  readonly changedContainer: boolean;
  /** Set by actions that diagnose (`diagnose_with_claude`); the agent stores it on the incident. */
  readonly diagnosis?: Diagnosis;
}

/**
 * A healing action. Built-ins and plugins register the same way, through `HealingStrategyRegistry`.
 * `run` must not act on anything but `context.container`.
 */
export interface HealingStrategy {
  readonly name: string;
  readonly description: string;
  /** True when running it restarts or stops the container (so it uses the restart budget). */
  readonly restartsContainer: boolean;
  /**
   * The action whose permission covers this one, because it does the same thing: a restart under
   * another name (`restart_if_above_threshold`) is allowed wherever `restart_container` is.
   */
  readonly allowedAs?: string;
  appliesTo?(incident: Incident): boolean;
  run(context: HealingContext): Promise<HealingOutcome>;
}
