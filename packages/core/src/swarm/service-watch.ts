import { type ContainerWatch, createContainerWatch } from '../agent/container-watch.js';
import type { ContainerSettings } from '../config/monitor-config.js';
import type { SwarmService } from '../ports/swarm-services.js';

/**
 * What the agent remembers about one Swarm service between looks. Its incident lives on `record`,
 * a `ContainerWatch` named after the service (ID and name), so the incident coordinator records,
 * logs and notifies it like any other, under the service's name.
 */
export interface ServiceWatch {
  readonly id: string;
  name: string;
  readonly record: ContainerWatch;
  /** The settings the service's name and labels give; null: not monitored (opted out, not selected). */
  settings: ContainerSettings | null | undefined;
  /** The last inspect. */
  service: SwarmService | undefined;
  /** When the next look is due (ms since the epoch). */
  lookAt: number;
  looking: boolean;
  /**
   * Tasks whose container just died, by task ID: until Swarm's task list shows them ended, the
   * service is looked at again soon, so a failure counts as soon as Swarm has recorded it. The
   * value is when the container died.
   */
  readonly awaitedTasks: Map<string, number>;
  /** The last decision logged, so a repeated one is not logged at every look. */
  lastDecisionKey: string | undefined;
  /** Failed tasks already logged, so each failure is said once (oldest dropped past a bound). */
  readonly reportedFailures: Set<string>;
  /** The newest failed task the incident's diagnosis was made from. */
  diagnosedTaskId: string | undefined;
  /** Automatic actions in the open incident, for the backoff. */
  attempts: { count: number; lastAt: number | null };
  /** Failures at or before this time are history for the open incident (our action, a rollback). */
  failuresCountFrom: number | null;
  /** Since when it has looked healthy without a break, with an open incident. */
  healthySince: number | undefined;
  /** The last health status recorded as a sample, so only changes are written. */
  lastSampleHealthy: boolean | undefined;
  /** Actions refused in the open incident, recorded once each. */
  readonly skipsRecorded: Set<string>;
  /** A failure of the service API for this service, logged once until it changes. */
  lastError: string | undefined;
}

export function createServiceWatch(id: string, name: string, now: number): ServiceWatch {
  return {
    id,
    name,
    record: createContainerWatch(id, name),
    settings: undefined,
    service: undefined,
    lookAt: now,
    looking: false,
    awaitedTasks: new Map(),
    lastDecisionKey: undefined,
    reportedFailures: new Set(),
    diagnosedTaskId: undefined,
    attempts: { count: 0, lastAt: null },
    failuresCountFrom: null,
    healthySince: undefined,
    lastSampleHealthy: undefined,
    skipsRecorded: new Set(),
    lastError: undefined,
  };
}
