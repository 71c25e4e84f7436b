import type { ContainerBaseline } from '../domain/baseline.js';
import type { HttpCheckResult } from '../domain/health.js';
import type { BaselineSnapshot } from '../learn/baseline-book.js';
import { isWarmedUp, standardDeviation } from '../learn/ewma-baseline.js';
import type { ProbeCounters } from './probe-counter.js';

/**
 * How long one HTTP probe waits, and why. `configured`: `health_check_timeout`. `learned`: cut
 * short because the wait is already far outside the endpoint's own learned response time.
 * `confirming_silence`: a confirmation after probes that got no answer, shortened so the silence
 * does not run far past the configured timeout.
 */
export interface ProbeTimeoutPlan {
  readonly timeoutMs: number;
  readonly configuredMs: number;
  readonly basis: 'configured' | 'learned' | 'confirming_silence';
  /** The endpoint's usual answer time (its learned mean), for `learned`. */
  readonly usualMs?: number;
  /** How long the probes before it waited in all without an answer, for `confirming_silence`. */
  readonly silentForMs?: number;
}

/**
 * The numbers behind `planProbeTimeout`.
 * - A learned cut waits `multiple` times the slow edge of normal (mean + `spreads` standard
 *   deviations, the spread floored at 5 % of the mean and 1 ms, as anomaly detection does), and
 *   never less than `floorMs`: an endpoint that answers in 20 ± 3 ms is given 1 s, one that
 *   answers in 400 ± 50 ms 3 s, one that answers in 2 s the configured 10 s.
 * - A confirmation of a silence waits what is left of the configured timeout, but never less
 *   than `silenceMultiple` times the slowest recent answer, nor less than `silenceFloorMs`.
 */
export const probeTimeoutRules = {
  floorMs: 1_000,
  multiple: 5,
  spreads: 4,
  silenceFloorMs: 500,
  silenceMultiple: 3,
} as const;

/**
 * The timeout of the next HTTP probe of a container.
 *
 * 1. `health_check_timeout`, while nothing better is known.
 * 2. Once the endpoint's response-time baseline is warmed up (NESTED inner layer), a wait far
 *    outside its own normal already says it is not answering: the probe is cut at
 *    `max(1 s, 5 x (mean + 4 sd))`, never later than the configured timeout. A hang is then
 *    judged in a few seconds, while an endpoint that is slow by nature keeps its whole timeout.
 * 3. A confirmation after probes that got no answer never lets the silence run past the
 *    configured timeout by more than a short wait: it waits what is left of that timeout, and at
 *    least `max(0.5 s, 3 x the slowest recent answer)`, enough for this endpoint to answer if it
 *    still does. So a hang with no baseline yet opens its incident within the configured timeout
 *    plus two short confirmations (instead of three whole timeouts), a hang cut by rule 2 within
 *    three cuts or that bound, whichever comes first; and one request stuck on a busy worker is
 *    followed by an answer that resets the count. Off when confirmations are not quick
 *    (`quickConfirmation: false`).
 */
export function planProbeTimeout(options: {
  readonly configuredMs: number;
  /** `BaselineBook.snapshot` of the container: only warmed-up baselines are used. */
  readonly baselines?: BaselineSnapshot;
  /** The container's counters as the previous evaluation left them. */
  readonly counters?: ProbeCounters;
  /**
   * False when failures are confirmed at the probe period (`confirm_interval_seconds` not below
   * it, kubelet's timing): then every probe waits its whole timeout, as kubelet's do. Default true.
   */
  readonly quickConfirmation?: boolean;
}): ProbeTimeoutPlan {
  const { configuredMs, baselines, counters } = options;
  let plan: ProbeTimeoutPlan = { timeoutMs: configuredMs, configuredMs, basis: 'configured' };

  const baseline = baselines?.baselines.find((learned) => learned.metric === 'response_time_ms');
  if (baseline !== undefined && isWarmedUp(baseline, baselines?.minSamples)) {
    const learnedMs = learnedTimeoutMs(baseline);
    if (learnedMs < configuredMs) {
      plan = { timeoutMs: learnedMs, configuredMs, basis: 'learned', usualMs: baseline.mean };
    }
  }

  const silentForMs = counters?.httpTiming.silentForMs;
  const confirming =
    options.quickConfirmation !== false &&
    counters !== undefined &&
    counters.http.consecutiveFailures > 0 &&
    !counters.http.failing;
  if (confirming && silentForMs !== undefined) {
    const slowest = counters.httpTiming.recentSlowestMs ?? 0;
    const shortMs = Math.max(probeTimeoutRules.silenceFloorMs, probeTimeoutRules.silenceMultiple * slowest);
    const confirmMs = Math.round(Math.max(configuredMs - silentForMs, shortMs));
    if (confirmMs < plan.timeoutMs) {
      plan = { timeoutMs: confirmMs, configuredMs, basis: 'confirming_silence', silentForMs };
    }
  }
  return plan;
}

function learnedTimeoutMs(baseline: ContainerBaseline): number {
  const spread = Math.max(standardDeviation(baseline), 0.05 * Math.abs(baseline.mean), 1);
  const slowEdge = baseline.mean + probeTimeoutRules.spreads * spread;
  return Math.round(Math.max(probeTimeoutRules.floorMs, probeTimeoutRules.multiple * slowEdge));
}

/**
 * A probe that timed out under a shortened plan says why it was not given the configured timeout,
 * in place of the prober's bare "timeout after 1000ms"; it is still a timeout failure. Other
 * results are returned as they are.
 */
export function explainProbeTimeout(result: HttpCheckResult, plan: ProbeTimeoutPlan): HttpCheckResult {
  if (result.timedOut !== true || result.status !== undefined || plan.basis === 'configured') return result;
  const waited = formatSeconds(plan.timeoutMs);
  const configured = formatSeconds(plan.configuredMs);
  const error =
    plan.basis === 'learned'
      ? `no answer in ${waited}; usually answers in ${Math.round(plan.usualMs ?? 0)} ms, so the ${configured} timeout was not waited out`
      : `still no answer in ${waited}, silent for ${formatSeconds((plan.silentForMs ?? 0) + plan.timeoutMs)} in all (timeout ${configured})`;
  return { ...result, error };
}

/** "0.5 s", "1.2 s", "10 s". */
function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return Number.isInteger(seconds) && seconds >= 10 ? `${seconds} s` : `${seconds.toFixed(1)} s`;
}
