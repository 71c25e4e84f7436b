import { describe, expect, it } from 'vitest';
import { createRestartQueue, type RestartQueueEntry, waitingPerExtraSlot } from './restart-queue.js';

// Issue 12, item 5: a long line opens storm slots (healing.storm_concurrent_restarts), a short one
// keeps the steady state (healing.max_concurrent_restarts).
const t0 = Date.UTC(2026, 11, 4, 23, 0, 0);
const entry = (
  container: string,
  overrides: Partial<Omit<RestartQueueEntry, 'container'>> = {},
): RestartQueueEntry => ({ container, critical: false, priorityRank: 0, enqueuedAt: t0, ...overrides });

/** Queues `count` restarts and grants every slot the queue opens at once: how many run together. */
function concurrentAfterQueuing(count: number, options: { limit: number; stormLimit?: number }): string[] {
  const queue = createRestartQueue(options);
  for (let index = 0; index < count; index++) queue.enqueue(entry(`c${index}`, { enqueuedAt: t0 + index }));
  const granted: string[] = [];
  for (let next = queue.next(); next; next = queue.next()) granted.push(next.container);
  return granted;
}

describe('createRestartQueue in a storm', () => {
  it('keeps the steady-state limit for a short line', () => {
    for (const count of [1, 2, 3, 5]) {
      expect(concurrentAfterQueuing(count, { limit: 2, stormLimit: 16 })).toHaveLength(Math.min(count, 2));
    }
  });

  it('opens one slot per waitingPerExtraSlot restarts in the backlog, up to the storm limit', () => {
    expect(waitingPerExtraSlot).toBe(4);
    const concurrency = [6, 10, 20, 40, 66, 200, 500].map(
      (count) => concurrentAfterQueuing(count, { limit: 2, stormLimit: 16 }).length,
    );
    // Grows with the line, never past 16; non-decreasing.
    expect(concurrency[0]).toBeGreaterThan(2);
    for (let index = 1; index < concurrency.length; index++)
      expect(concurrency[index]).toBeGreaterThanOrEqual(concurrency[index - 1]!);
    expect(concurrency.at(-1)).toBe(16);
    expect(Math.max(...concurrency)).toBe(16);
  });

  it('without a storm limit behaves as before: never more than the limit', () => {
    expect(concurrentAfterQueuing(500, { limit: 2 })).toHaveLength(2);
    expect(createRestartQueue({ limit: 3, stormLimit: 1 }).stormLimit).toBe(3);
  });

  it('falls back to the steady limit as the line drains', () => {
    const queue = createRestartQueue({ limit: 2, stormLimit: 16 });
    for (let index = 0; index < 100; index++) queue.enqueue(entry(`c${index}`, { enqueuedAt: t0 + index }));
    expect(queue.currentLimit()).toBe(16);
    let maxWhenShort = 0;
    while (queue.waiting().length > 0 || queue.running().length > 0) {
      for (let next = queue.next(); next; next = queue.next()) {
        /* granted */
      }
      const running = queue.running();
      if (queue.waiting().length + running.length <= 5)
        maxWhenShort = Math.max(maxWhenShort, queue.currentLimit());
      queue.release(running[0]!);
    }
    expect(maxWhenShort).toBe(2);
  });

  it('keeps the order of the line (critical, then dependencies, then first come) in the storm slots', () => {
    const queue = createRestartQueue({ limit: 2, stormLimit: 8 });
    for (let index = 0; index < 40; index++)
      queue.enqueue(entry(`app${index}`, { priorityRank: 10, enqueuedAt: t0 + index }));
    queue.enqueue(entry('db', { priorityRank: 1, enqueuedAt: t0 + 100 }));
    queue.enqueue(entry('api', { critical: true, priorityRank: 5, enqueuedAt: t0 + 200 }));
    const granted: string[] = [];
    for (let next = queue.next(); next; next = queue.next()) granted.push(next.container);
    expect(granted).toEqual(['api', 'db', 'app0', 'app1', 'app2', 'app3', 'app4', 'app5']);
  });

  it('gives slow restarts (stop first) only the steady slots; fast ones behind them use the storm slots', () => {
    const queue = createRestartQueue({ limit: 2, stormLimit: 16 });
    for (let index = 0; index < 30; index++)
      queue.enqueue(entry(`hung${index}`, { slow: true, enqueuedAt: t0 + index }));
    for (let index = 0; index < 30; index++)
      queue.enqueue(entry(`crashed${index}`, { enqueuedAt: t0 + 100 + index }));
    const granted: string[] = [];
    for (let next = queue.next(); next; next = queue.next()) granted.push(next.container);
    expect(granted.filter((name) => name.startsWith('hung'))).toEqual(['hung0', 'hung1']);
    expect(granted.filter((name) => name.startsWith('crashed'))).toHaveLength(14);
    // A slow restart asking directly is refused while two slow ones run.
    expect(queue.tryAcquire('hung-new', true)).toBe(false);
    queue.release('hung0');
    expect(queue.next()?.container).toBe('hung2');
  });

  it('still holds one place per container: a running restart is not granted again', () => {
    const queue = createRestartQueue({ limit: 2, stormLimit: 16 });
    for (let index = 0; index < 40; index++) queue.enqueue(entry(`c${index}`, { enqueuedAt: t0 + index }));
    const granted: string[] = [];
    for (let next = queue.next(); next; next = queue.next()) granted.push(next.container);
    queue.enqueue(entry('c0', { enqueuedAt: t0 + 1000 }));
    const again: string[] = [];
    for (let next = queue.next(); next; next = queue.next()) again.push(next.container);
    expect(new Set(granted).size).toBe(granted.length);
    expect(again).not.toContain('c0');
  });
});
