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
  /** How the HTTP endpoint has been answering in this run, for the next probe's timeout. */
  readonly httpTiming: HttpProbeTiming;
}

/** See `planProbeTimeout`. */
export interface HttpProbeTiming {
  /**
   * The slowest recent answer in milliseconds, halved at every later answer: one outlier (a
   * run's first answer, say, or one slow request) fades within a few probes, while an endpoint
   * that is often slow keeps it high. Undefined until an answer came in this run.
   */
  readonly recentSlowestMs: number | undefined;
  /**
   * How long the probes in a row that got no answer (timed out) waited in all; undefined once an
   * answer came or a probe was refused.
   */
  readonly silentForMs: number | undefined;
}

export const initialHttpProbeTiming: HttpProbeTiming = { recentSlowestMs: undefined, silentForMs: undefined };

const slowestAnswerDecay = 0.5;

/** The timing after one more HTTP probe. */
export function recordHttpProbeTiming(
  timing: HttpProbeTiming,
  result: {
    readonly status: number | undefined;
    readonly responseTimeMs: number;
    readonly timedOut?: boolean;
  },
): HttpProbeTiming {
  if (result.status !== undefined) {
    const decayed = (timing.recentSlowestMs ?? 0) * slowestAnswerDecay;
    return { recentSlowestMs: Math.max(result.responseTimeMs, decayed), silentForMs: undefined };
  }
  if (result.timedOut !== true) return { ...timing, silentForMs: undefined };
  return { ...timing, silentForMs: (timing.silentForMs ?? 0) + result.responseTimeMs };
}

/**
 * A failure streak being confirmed: the HTTP probe (or the response time judged from it) failed at
 * least once in a row and has not yet reached its failure threshold. The next probe then comes at
 * the confirm interval rather than a full period.
 */
export function isConfirmingFailure(counters: ProbeCounters): boolean {
  const confirming = (counter: ProbeCounter) => counter.consecutiveFailures > 0 && !counter.failing;
  return confirming(counters.http) || confirming(counters.responseTime);
}

export function initialProbeCounters(startedAt: string | null = null): ProbeCounters {
  return {
    startedAt,
    startConfirmed: false,
    http: initialProbeCounter,
    responseTime: initialProbeCounter,
    memory: initialProbeCounter,
    cpu: initialProbeCounter,
    httpTiming: initialHttpProbeTiming,
  };
}
