/**
 * Debounced probe results with kubelet semantics (kubelet `pkg/kubelet/prober/worker.go`): a probe
 * keeps its reported result until the opposite outcome has been seen `failureThreshold` (to fail)
 * or `successThreshold` (to recover) times in a row. One blip neither opens nor closes an incident.
 * Like the kubelet, a fresh probe starts out passing.
 */
export interface ProbeCounter {
  readonly consecutiveFailures: number;
  readonly consecutiveSuccesses: number;
  /** The debounced result that verdicts report. */
  readonly failing: boolean;
}

export type ProbeOutcome = 'success' | 'failure';

export interface ProbeThresholds {
  readonly failureThreshold: number;
  readonly successThreshold: number;
}

export const initialProbeCounter: ProbeCounter = {
  consecutiveFailures: 0,
  consecutiveSuccesses: 0,
  failing: false,
};

/** The counter after one more reading. Thresholds below 1 behave as 1. */
export function recordProbeOutcome(
  counter: ProbeCounter,
  outcome: ProbeOutcome,
  thresholds: ProbeThresholds,
): ProbeCounter {
  if (outcome === 'failure') {
    const consecutiveFailures = counter.consecutiveFailures + 1;
    return {
      consecutiveFailures,
      consecutiveSuccesses: 0,
      failing: counter.failing || consecutiveFailures >= Math.max(1, thresholds.failureThreshold),
    };
  }
  const consecutiveSuccesses = counter.consecutiveSuccesses + 1;
  return {
    consecutiveFailures: 0,
    consecutiveSuccesses,
    failing: counter.failing && consecutiveSuccesses < Math.max(1, thresholds.successThreshold),
  };
}

/** The probes a container's verdict is debounced over, each counted on its own. */
export interface ProbeCounters {
  /**
   * The run of the container these counts belong to (its `startedAt`). Docker keeps the id across
   * a restart, so a new start time is what tells a new run, and a new run starts from fresh
   * counters, as kubelet resets its probe workers for a new container.
   */
  readonly startedAt: string | null;
  /**
   * Set once the HTTP probe has passed in this run: Docker's HEALTHCHECK `start_period` rule, where
   * a success during the start period ends it early and every later failure counts.
   */
  readonly startConfirmed: boolean;
  readonly http: ProbeCounter;
  readonly responseTime: ProbeCounter;
  readonly memory: ProbeCounter;
  readonly cpu: ProbeCounter;
}

export function initialProbeCounters(startedAt: string | null = null): ProbeCounters {
  return {
    startedAt,
    startConfirmed: false,
    http: initialProbeCounter,
    responseTime: initialProbeCounter,
    memory: initialProbeCounter,
    cpu: initialProbeCounter,
  };
}
