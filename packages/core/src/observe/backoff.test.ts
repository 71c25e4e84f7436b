import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

const settings = { initialMs: 100, maxMs: 1000 };

describe('backoffDelay', () => {
  it('doubles from initialMs and stops at maxMs', () => {
    const top = () => 1;
    expect([0, 1, 2, 3, 4, 5, 50, 5000].map((attempt) => backoffDelay(attempt, settings, top))).toEqual([
      100, 200, 400, 800, 1000, 1000, 1000, 1000,
    ]);
  });

  it('keeps at least half the delay and randomises the other half', () => {
    expect(backoffDelay(2, settings, () => 0)).toBe(200);
    expect(backoffDelay(2, settings, () => 0.5)).toBe(300);
    expect(backoffDelay(2, settings, () => 0.999)).toBe(400);
  });

  it('tolerates settings where maxMs is below initialMs', () => {
    expect(backoffDelay(3, { initialMs: 500, maxMs: 100 }, () => 1)).toBe(500);
  });
});
