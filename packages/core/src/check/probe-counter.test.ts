import { describe, expect, it } from 'vitest';
import {
  initialHttpProbeTiming,
  initialProbeCounter,
  initialProbeCounters,
  isConfirmingFailure,
  type ProbeCounter,
  type ProbeOutcome,
  type ProbeThresholds,
  recordHttpProbeTiming,
  recordProbeOutcome,
} from './probe-counter.js';

function run(outcomes: readonly ProbeOutcome[], thresholds: ProbeThresholds): boolean[] {
  let counter: ProbeCounter = initialProbeCounter;
  return outcomes.map((outcome) => {
    counter = recordProbeOutcome(counter, outcome, thresholds);
    return counter.failing;
  });
}

const F: ProbeOutcome = 'failure';
const S: ProbeOutcome = 'success';

describe('recordProbeOutcome', () => {
  it.each([
    ['fails only on the third failure in a row', [F, F, F], 3, 1, [false, false, true]],
    [
      'a success in between starts the failure count again',
      [F, F, S, F, F, F],
      3,
      1,
      [false, false, false, false, false, true],
    ],
    ['recovers at once with successThreshold 1', [F, F, S], 2, 1, [false, true, false]],
    [
      'stays failing until successThreshold successes in a row',
      [F, S, S, F, S, S, S],
      1,
      3,
      [true, true, true, true, true, true, false],
    ],
    ['a failure while recovering keeps it failing', [F, S, F, S], 1, 2, [true, true, true, true]],
    ['threshold 1 reacts to every reading', [F, S, F], 1, 1, [true, false, true]],
    ['thresholds below 1 behave as 1', [F, S], 0, 0, [true, false]],
  ])('%s', (_name, outcomes, failureThreshold, successThreshold, expected) => {
    expect(run(outcomes, { failureThreshold, successThreshold })).toEqual(expected);
  });

  it('counts the run of the latest outcome and clears the other', () => {
    let counter = recordProbeOutcome(initialProbeCounter, 'failure', {
      failureThreshold: 5,
      successThreshold: 1,
    });
    counter = recordProbeOutcome(counter, 'failure', { failureThreshold: 5, successThreshold: 1 });
    expect(counter).toEqual({ consecutiveFailures: 2, consecutiveSuccesses: 0, failing: false });
    counter = recordProbeOutcome(counter, 'success', { failureThreshold: 5, successThreshold: 1 });
    expect(counter).toEqual({ consecutiveFailures: 0, consecutiveSuccesses: 1, failing: false });
  });
});

describe('recordHttpProbeTiming', () => {
  it('keeps the slowest recent answer, halved at each later answer', () => {
    let timing = initialHttpProbeTiming;
    timing = recordHttpProbeTiming(timing, { status: 200, responseTimeMs: 1_000 });
    timing = recordHttpProbeTiming(timing, { status: 200, responseTimeMs: 20 });
    expect(timing.recentSlowestMs).toBe(500);
    timing = recordHttpProbeTiming(timing, { status: 200, responseTimeMs: 20 });
    expect(timing.recentSlowestMs).toBe(250);
    timing = recordHttpProbeTiming(timing, { status: 500, responseTimeMs: 950 });
    expect(timing.recentSlowestMs).toBe(950);
  });

  it('adds up the waits of timeouts in a row; an answer or a refusal ends the silence', () => {
    let timing = recordHttpProbeTiming(initialHttpProbeTiming, {
      status: undefined,
      responseTimeMs: 10_000,
      timedOut: true,
    });
    timing = recordHttpProbeTiming(timing, { status: undefined, responseTimeMs: 500, timedOut: true });
    expect(timing.silentForMs).toBe(10_500);
    expect(
      recordHttpProbeTiming(timing, { status: undefined, responseTimeMs: 1 }).silentForMs,
    ).toBeUndefined();
    expect(recordHttpProbeTiming(timing, { status: 200, responseTimeMs: 5 }).silentForMs).toBeUndefined();
  });
});

describe('isConfirmingFailure', () => {
  const thresholds = { failureThreshold: 3, successThreshold: 1 };
  it('holds between the first failure and the threshold, for the HTTP or response-time probe', () => {
    const counters = initialProbeCounters();
    expect(isConfirmingFailure(counters)).toBe(false);
    const once = recordProbeOutcome(counters.http, 'failure', thresholds);
    expect(isConfirmingFailure({ ...counters, http: once })).toBe(true);
    const failing = recordProbeOutcome(
      recordProbeOutcome(once, 'failure', thresholds),
      'failure',
      thresholds,
    );
    expect(isConfirmingFailure({ ...counters, http: failing })).toBe(false);
    const slow = recordProbeOutcome(counters.responseTime, 'failure', thresholds);
    expect(isConfirmingFailure({ ...counters, responseTime: slow })).toBe(true);
    // Memory and CPU readings keep their own (stats) cadence.
    const memory = recordProbeOutcome(counters.memory, 'failure', thresholds);
    expect(isConfirmingFailure({ ...counters, memory })).toBe(false);
  });
});
