import { describe, expect, it } from 'vitest';
import {
  initialProbeCounter,
  type ProbeCounter,
  type ProbeOutcome,
  type ProbeThresholds,
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
