import { describe, expect, it } from 'vitest';
import { createRestartBudget, restartBudgetWindowMs } from './restart-budget.js';

const hour = restartBudgetWindowMs;
const minute = 60_000;
const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('createRestartBudget', () => {
  it('starts with the whole limit and counts each restart', () => {
    const budget = createRestartBudget();
    expect(budget.remaining({ container: 'web', limit: 3, now: t0 })).toBe(3);
    budget.record({ container: 'web', at: t0 });
    budget.record({ container: 'web', at: t0 + minute });
    expect(budget.used({ container: 'web', now: t0 + 2 * minute })).toBe(2);
    expect(budget.remaining({ container: 'web', limit: 3, now: t0 + 2 * minute })).toBe(1);
  });

  it('keeps each container its own budget', () => {
    const budget = createRestartBudget();
    budget.record({ container: 'web', at: t0 });
    budget.record({ container: 'web', at: t0 });
    expect(budget.remaining({ container: 'web', limit: 2, now: t0 })).toBe(0);
    expect(budget.remaining({ container: 'db', limit: 2, now: t0 })).toBe(2);
  });

  it('slides: a restart stops counting exactly one window after it happened', () => {
    const budget = createRestartBudget();
    budget.record({ container: 'web', at: t0 });
    budget.record({ container: 'web', at: t0 + 30 * minute });
    expect(budget.used({ container: 'web', now: t0 + hour - 1 })).toBe(2);
    expect(budget.used({ container: 'web', now: t0 + hour })).toBe(1);
    expect(budget.used({ container: 'web', now: t0 + 30 * minute + hour })).toBe(0);
  });

  it('is a sliding window, not a clock hour: restarts at 12:59 and 13:01 are both counted at 13:02', () => {
    const budget = createRestartBudget();
    budget.record({ container: 'web', at: t0 + 59 * minute });
    budget.record({ container: 'web', at: t0 + 61 * minute });
    expect(budget.remaining({ container: 'web', limit: 2, now: t0 + 62 * minute })).toBe(0);
  });

  it('never reports a negative remaining count', () => {
    const budget = createRestartBudget();
    for (let i = 0; i < 5; i++) budget.record({ container: 'web', at: t0 + i });
    expect(budget.remaining({ container: 'web', limit: 3, now: t0 + 10 })).toBe(0);
  });

  it('reports the oldest restart still in the window', () => {
    const budget = createRestartBudget();
    expect(budget.oldestInWindow({ container: 'web', now: t0 })).toBeNull();
    budget.record({ container: 'web', at: t0 + 10 * minute });
    budget.record({ container: 'web', at: t0 });
    expect(budget.oldestInWindow({ container: 'web', now: t0 + 20 * minute })).toBe(t0);
    expect(budget.oldestInWindow({ container: 'web', now: t0 + hour + 1 })).toBe(t0 + 10 * minute);
  });

  describe('nextAvailableAt', () => {
    it('is now while the budget has room', () => {
      const budget = createRestartBudget();
      budget.record({ container: 'web', at: t0 });
      expect(budget.nextAvailableAt({ container: 'web', limit: 2, now: t0 + 5 })).toBe(t0 + 5);
    });

    it('is when the oldest restart leaves the window once the budget is spent', () => {
      const budget = createRestartBudget();
      budget.record({ container: 'web', at: t0 });
      budget.record({ container: 'web', at: t0 + 10 * minute });
      budget.record({ container: 'web', at: t0 + 20 * minute });
      expect(budget.nextAvailableAt({ container: 'web', limit: 3, now: t0 + 25 * minute })).toBe(t0 + hour);
    });

    it('waits for enough restarts to leave when the limit was lowered below the count', () => {
      const budget = createRestartBudget();
      budget.record({ container: 'web', at: t0 });
      budget.record({ container: 'web', at: t0 + 10 * minute });
      budget.record({ container: 'web', at: t0 + 20 * minute });
      // With a limit of 2, two of the three must leave: the second leaves at t0 + 10 min + 1 h.
      expect(budget.nextAvailableAt({ container: 'web', limit: 2, now: t0 + 25 * minute })).toBe(
        t0 + 10 * minute + hour,
      );
      expect(budget.remaining({ container: 'web', limit: 2, now: t0 + 10 * minute + hour - 1 })).toBe(0);
      expect(budget.remaining({ container: 'web', limit: 2, now: t0 + 10 * minute + hour })).toBe(1);
      // With a limit of 1, all three must leave.
      expect(budget.nextAvailableAt({ container: 'web', limit: 1, now: t0 + 25 * minute })).toBe(
        t0 + 20 * minute + hour,
      );
    });

    it('is null (never) for a limit of 0', () => {
      const budget = createRestartBudget();
      expect(budget.nextAvailableAt({ container: 'web', limit: 0, now: t0 })).toBeNull();
      expect(budget.remaining({ container: 'web', limit: 0, now: t0 })).toBe(0);
    });
  });

  it('restores from stored restarts so a restarted agent gets no fresh budget', () => {
    const budget = createRestartBudget();
    budget.restore({
      restarts: [
        { container: 'web', at: t0 - 50 * minute },
        { container: 'web', at: t0 - 10 * minute },
        { container: 'web', at: t0 - 2 * hour },
        { container: 'db', at: t0 - minute },
      ],
    });
    expect(budget.used({ container: 'web', now: t0 })).toBe(2);
    expect(budget.remaining({ container: 'web', limit: 2, now: t0 })).toBe(0);
    expect(budget.nextAvailableAt({ container: 'web', limit: 2, now: t0 })).toBe(t0 + 10 * minute);
    expect(budget.used({ container: 'db', now: t0 })).toBe(1);
  });

  it('adds restored restarts to ones already recorded', () => {
    const budget = createRestartBudget();
    budget.record({ container: 'web', at: t0 });
    budget.restore({ restarts: [{ container: 'web', at: t0 - minute }] });
    expect(budget.used({ container: 'web', now: t0 })).toBe(2);
  });

  it('counts a restart stamped slightly after now rather than granting a spare slot', () => {
    const budget = createRestartBudget();
    budget.record({ container: 'web', at: t0 + 1000 });
    expect(budget.remaining({ container: 'web', limit: 1, now: t0 })).toBe(0);
  });

  it('honours a custom window', () => {
    const budget = createRestartBudget({ windowMs: 10 * minute });
    budget.record({ container: 'web', at: t0 });
    expect(budget.used({ container: 'web', now: t0 + 10 * minute - 1 })).toBe(1);
    expect(budget.used({ container: 'web', now: t0 + 10 * minute })).toBe(0);
  });
});
