import { describe, expect, it } from 'vitest';
import {
  backoffCeilingMs,
  backoffDelayMs,
  effectiveBackoffAttempt,
  kubeletBackoff,
  shouldResetBackoff,
  stableJitter,
} from './backoff.js';

const { initialMs, maxMs } = kubeletBackoff;
const low = () => 0;
const high = () => 0.999_999;

describe('backoffCeilingMs', () => {
  it.each([
    [0, 0],
    [1, 10_000],
    [2, 20_000],
    [3, 40_000],
    [4, 80_000],
    [5, 160_000],
    [6, 300_000],
    [7, 300_000],
    [500, 300_000],
  ])('attempt %i -> %i ms (kubelet 10 s doubling to 300 s)', (attempt, expected) => {
    expect(backoffCeilingMs({ attempt, initialMs, maxMs })).toBe(expected);
  });

  it('treats a negative or non-finite attempt as the first', () => {
    expect(backoffCeilingMs({ attempt: -3, initialMs, maxMs })).toBe(0);
    expect(backoffCeilingMs({ attempt: Number.NaN, initialMs, maxMs })).toBe(0);
  });

  it('caps at maxMs even when it is below initialMs', () => {
    expect(backoffCeilingMs({ attempt: 1, initialMs: 10_000, maxMs: 5_000 })).toBe(5_000);
  });
});

describe('backoffDelayMs', () => {
  it('makes the first attempt immediate, whatever the jitter', () => {
    expect(backoffDelayMs({ attempt: 0, initialMs, maxMs, random: high })).toBe(0);
  });

  it('uses equal jitter: between half and all of the exponential delay', () => {
    expect(backoffDelayMs({ attempt: 1, initialMs, maxMs, random: low })).toBe(5_000);
    expect(backoffDelayMs({ attempt: 1, initialMs, maxMs, random: () => 0.5 })).toBe(7_500);
    expect(backoffDelayMs({ attempt: 1, initialMs, maxMs, random: high })).toBe(10_000);
    expect(backoffDelayMs({ attempt: 3, initialMs, maxMs, random: low })).toBe(20_000);
  });

  it('never exceeds the cap and never drops below half of it once capped', () => {
    for (const fraction of [0, 0.25, 0.5, 0.75, 0.999]) {
      const delay = backoffDelayMs({ attempt: 40, initialMs, maxMs, random: () => fraction });
      expect(delay).toBeGreaterThanOrEqual(150_000);
      expect(delay).toBeLessThanOrEqual(300_000);
    }
  });

  it('clamps a misbehaving random source into range', () => {
    expect(backoffDelayMs({ attempt: 1, initialMs, maxMs, random: () => -1 })).toBe(5_000);
    expect(backoffDelayMs({ attempt: 1, initialMs, maxMs, random: () => 7 })).toBe(10_000);
    expect(backoffDelayMs({ attempt: 1, initialMs, maxMs, random: () => Number.NaN })).toBe(5_000);
  });

  it('spreads many containers failing together instead of retrying in lockstep', () => {
    const delays = new Set(
      Array.from({ length: 50 }, (_, index) =>
        backoffDelayMs({ attempt: 2, initialMs, maxMs, random: () => stableJitter(`incident-${index}:2`) }),
      ),
    );
    expect(delays.size).toBeGreaterThan(40);
  });
});

describe('stableJitter', () => {
  it('is a fraction in [0, 1) and the same for the same key', () => {
    for (const key of ['', 'a', 'incident-1:1', 'incident-1:2', 'x'.repeat(1000)]) {
      const value = stableJitter(key);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
      expect(stableJitter(key)).toBe(value);
    }
    expect(stableJitter('incident-1:1')).not.toBe(stableJitter('incident-1:2'));
  });
});

describe('resetting the attempt counter after a stable run', () => {
  const tenMinutes = kubeletBackoff.resetAfterStableMs;

  it('resets once the container has been healthy for the whole period', () => {
    expect(shouldResetBackoff({ stableSince: 0, now: tenMinutes, resetAfterStableMs: tenMinutes })).toBe(
      true,
    );
    expect(shouldResetBackoff({ stableSince: 0, now: tenMinutes - 1, resetAfterStableMs: tenMinutes })).toBe(
      false,
    );
  });

  it('does not reset while the container is not healthy', () => {
    expect(
      shouldResetBackoff({ stableSince: null, now: 10 * tenMinutes, resetAfterStableMs: tenMinutes }),
    ).toBe(false);
  });

  it('feeds 0 to the backoff after a reset and the count otherwise', () => {
    expect(
      effectiveBackoffAttempt({
        attempts: 4,
        stableSince: 0,
        now: tenMinutes,
        resetAfterStableMs: tenMinutes,
      }),
    ).toBe(0);
    expect(
      effectiveBackoffAttempt({
        attempts: 4,
        stableSince: 5,
        now: tenMinutes,
        resetAfterStableMs: tenMinutes,
      }),
    ).toBe(4);
  });

  it('takes the period as a parameter', () => {
    expect(shouldResetBackoff({ stableSince: 0, now: 30_000, resetAfterStableMs: 30_000 })).toBe(true);
  });
});
