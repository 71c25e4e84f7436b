import { describe, expect, it } from 'vitest';
import { buildDependencyGraph } from './dependency-graph.js';
import {
  createRestartQueue,
  type RestartQueueEntry,
  restartPriorities,
  restartPriorityRanks,
} from './restart-queue.js';

const t0 = Date.UTC(2026, 10, 28, 6, 0, 0);
const entry = (
  container: string,
  overrides: Partial<Omit<RestartQueueEntry, 'container'>> = {},
): RestartQueueEntry => ({ container, critical: false, priorityRank: 0, enqueuedAt: t0, ...overrides });

/** Every restart the queue grants, in order, as slots free one at a time. */
function drainOneByOne(queue: ReturnType<typeof createRestartQueue>): string[] {
  const order: string[] = [];
  for (let granted = queue.next(); granted; granted = queue.next()) {
    order.push(granted.container);
    queue.release(granted.container);
  }
  return order;
}

describe('createRestartQueue', () => {
  it('grants slots up to the limit, then refuses until one is released', () => {
    const queue = createRestartQueue({ limit: 2 });
    expect(queue.tryAcquire('a')).toBe(true);
    expect(queue.tryAcquire('b')).toBe(true);
    expect(queue.tryAcquire('c')).toBe(false);
    expect(queue.running()).toEqual(['a', 'b']);
    expect(queue.release('a')).toBe(true);
    expect(queue.release('a')).toBe(false);
    expect(queue.tryAcquire('c')).toBe(true);
  });

  it('never gives one container two slots', () => {
    const queue = createRestartQueue({ limit: 3 });
    expect(queue.tryAcquire('a')).toBe(true);
    expect(queue.tryAcquire('a')).toBe(false);
    queue.enqueue(entry('a'));
    // A slot is free, but a's own restart is still running: it waits for it.
    expect(queue.next()).toBeUndefined();
    queue.release('a');
    expect(queue.next()?.container).toBe('a');
  });

  it('runs critical containers first, then dependencies before dependents, then first come first served', () => {
    const queue = createRestartQueue({ limit: 1 });
    expect(queue.tryAcquire('busy')).toBe(true);
    queue.enqueue(entry('late-app', { priorityRank: 3, enqueuedAt: t0 + 3 }));
    queue.enqueue(entry('early-app', { priorityRank: 3, enqueuedAt: t0 + 1 }));
    queue.enqueue(entry('db', { priorityRank: 0, enqueuedAt: t0 + 5 }));
    queue.enqueue(entry('api', { critical: true, priorityRank: 4, enqueuedAt: t0 + 9 }));
    queue.enqueue(entry('payments', { critical: true, priorityRank: 2, enqueuedAt: t0 + 9 }));
    queue.enqueue(entry('same-time-2', { priorityRank: 5, enqueuedAt: t0 }));
    queue.enqueue(entry('same-time-1', { priorityRank: 5, enqueuedAt: t0 }));

    expect(queue.waiting().map((waiting) => waiting.container)).toEqual([
      'payments',
      'api',
      'db',
      'early-app',
      'late-app',
      'same-time-2',
      'same-time-1',
    ]);
    expect(queue.next()).toBeUndefined();
    queue.release('busy');
    expect(drainOneByOne(queue)).toEqual([
      'payments',
      'api',
      'db',
      'early-app',
      'late-app',
      'same-time-2',
      'same-time-1',
    ]);
    expect(queue.waiting()).toEqual([]);
  });

  it('a critical container that arrives last still runs before everyone already waiting', () => {
    const queue = createRestartQueue({ limit: 2 });
    queue.tryAcquire('x');
    queue.tryAcquire('y');
    for (const [index, name] of ['a', 'b', 'c'].entries())
      queue.enqueue(entry(name, { enqueuedAt: t0 + index }));
    expect(queue.enqueue(entry('api', { critical: true, enqueuedAt: t0 + 60_000 })).position).toBe(1);
    queue.release('x');
    expect(queue.next()?.container).toBe('api');
  });

  it('announces a waiting restart once: a repeated enqueue keeps its place and its first time', () => {
    const queue = createRestartQueue({ limit: 1 });
    queue.tryAcquire('busy');
    const first = queue.enqueue(entry('web', { enqueuedAt: t0 }));
    expect(first).toMatchObject({ added: true, position: 1 });
    queue.enqueue(entry('worker', { enqueuedAt: t0 + 100 }));
    // The agent's 250 ms tick asking again is no news: nothing to log, the place is kept.
    for (let tick = 1; tick <= 40; tick++) {
      const again = queue.enqueue(entry('web', { enqueuedAt: t0 + tick * 250 }));
      expect(again).toMatchObject({ added: false, position: 1, entry: { enqueuedAt: t0 } });
    }
    expect(queue.waiting()).toHaveLength(2);
    queue.release('busy');
    const granted = queue.next();
    expect(granted).toEqual(entry('web', { enqueuedAt: t0 }));
    // Waited from its first enqueue: the caller logs t - granted.enqueuedAt.
    expect(queue.positionOf('web')).toBeUndefined();
    expect(queue.positionOf('worker')).toBe(1);
  });

  it('a repeated enqueue takes the new flags: a container marked critical while waiting moves up', () => {
    const queue = createRestartQueue({ limit: 1 });
    queue.tryAcquire('busy');
    queue.enqueue(entry('a', { enqueuedAt: t0 }));
    queue.enqueue(entry('b', { enqueuedAt: t0 + 1 }));
    expect(queue.enqueue(entry('b', { critical: true, enqueuedAt: t0 + 2 }))).toMatchObject({
      added: false,
      position: 1,
      entry: { critical: true, enqueuedAt: t0 + 1 },
    });
  });

  it('does not let a newcomer jump the line on a free slot; enqueue and drain lets the first go', () => {
    const queue = createRestartQueue({ limit: 1 });
    queue.tryAcquire('busy');
    queue.enqueue(entry('db', { critical: true }));
    queue.release('busy');
    // The caller has not drained yet: a slot is free but db waits ahead of web.
    expect(queue.tryAcquire('web')).toBe(false);
    expect(queue.tryAcquire('db')).toBe(true);
    expect(queue.positionOf('db')).toBeUndefined();
    expect(queue.running()).toEqual(['db']);
  });

  it('next() fills every free slot in order and then stops', () => {
    const queue = createRestartQueue({ limit: 2 });
    for (const [index, name] of ['a', 'b', 'c'].entries())
      queue.enqueue(entry(name, { enqueuedAt: t0 + index }));
    expect(queue.next()?.container).toBe('a');
    expect(queue.next()?.container).toBe('b');
    expect(queue.next()).toBeUndefined();
    expect(queue.running()).toEqual(['a', 'b']);
    queue.release('b');
    expect(queue.next()?.container).toBe('c');
  });

  it('removes a waiting restart whose reason went away', () => {
    const queue = createRestartQueue({ limit: 1 });
    queue.tryAcquire('busy');
    queue.enqueue(entry('a'));
    queue.enqueue(entry('b', { enqueuedAt: t0 + 1 }));
    expect(queue.remove('a')).toBe(true);
    expect(queue.remove('a')).toBe(false);
    queue.release('busy');
    expect(drainOneByOne(queue)).toEqual(['b']);
  });

  it('puts an entry with a NaN rank or time last instead of scrambling the line', () => {
    const queue = createRestartQueue({ limit: 1 });
    queue.tryAcquire('busy');
    queue.enqueue(entry('odd', { priorityRank: Number.NaN, enqueuedAt: Number.NaN }));
    queue.enqueue(entry('b', { priorityRank: 9, enqueuedAt: t0 + 2 }));
    queue.enqueue(entry('a', { priorityRank: 9, enqueuedAt: t0 + 1 }));
    expect(queue.waiting().map((waiting) => waiting.container)).toEqual(['a', 'b', 'odd']);
  });

  it('treats a limit below one as one, so a queue always drains', () => {
    const queue = createRestartQueue({ limit: 0 });
    expect(queue.limit).toBe(1);
    expect(queue.tryAcquire('a')).toBe(true);
  });
});

describe('restartPriorityRanks', () => {
  it('ranks by the dependency graph healing order; unknown names last', () => {
    const graph = buildDependencyGraph({
      containers: [
        { name: 'web', id: '1', dependsOn: ['api'], labels: {}, networkMode: 'bridge' },
        { name: 'api', id: '2', dependsOn: ['db'], labels: {}, networkMode: 'bridge' },
        { name: 'db', id: '3', dependsOn: [], labels: {}, networkMode: 'bridge' },
      ],
    });
    const rankOf = restartPriorityRanks(graph.healingOrder(['web', 'api', 'db']));
    expect(['web', 'api', 'db', 'stranger'].map(rankOf)).toEqual([2, 1, 0, 3]);

    const queue = createRestartQueue({ limit: 1 });
    queue.tryAcquire('busy');
    for (const [index, name] of ['web', 'api', 'db'].entries()) {
      queue.enqueue(entry(name, { priorityRank: rankOf(name), enqueuedAt: t0 + index }));
    }
    queue.release('busy');
    expect(drainOneByOne(queue)).toEqual(['db', 'api', 'web']);
  });
});

describe('isWaiting', () => {
  it('is true from enqueue until the slot is granted or the entry removed', () => {
    const queue = createRestartQueue({ limit: 1 });
    queue.tryAcquire('busy');
    expect(queue.isWaiting('a')).toBe(false);
    queue.enqueue(entry('a'));
    queue.enqueue(entry('b'));
    expect(queue.isWaiting('a')).toBe(true);
    queue.remove('b');
    expect(queue.isWaiting('b')).toBe(false);
    queue.release('busy');
    expect(queue.next()?.container).toBe('a');
    expect(queue.isWaiting('a')).toBe(false);
  });
});

describe('restartPriorities', () => {
  const graph = buildDependencyGraph({
    containers: [
      { name: 'worker', id: '1', dependsOn: [], labels: {}, networkMode: 'bridge' },
      { name: 'api', id: '2', dependsOn: ['cache'], labels: {}, networkMode: 'bridge' },
      { name: 'cache', id: '3', dependsOn: ['db'], labels: {}, networkMode: 'bridge' },
      { name: 'db', id: '4', dependsOn: [], labels: {}, networkMode: 'bridge' },
      { name: 'payments', id: '5', dependsOn: [], labels: {}, networkMode: 'bridge' },
    ],
  });
  const priorityOf = restartPriorities({
    graph,
    containers: [
      { name: 'worker', critical: false },
      { name: 'api', critical: true },
      { name: 'cache', critical: false },
      { name: 'db', critical: false },
      { name: 'payments', critical: true },
    ],
  });

  it('counts what a critical container depends on, transitively, as critical', () => {
    expect(['worker', 'api', 'cache', 'db', 'payments'].map((name) => priorityOf(name).critical)).toEqual([
      false,
      true,
      true,
      true,
      true,
    ]);
  });

  it('so a dependency never waits behind its critical dependent, and critical ones go before the rest', () => {
    const queue = createRestartQueue({ limit: 1 });
    queue.tryAcquire('busy');
    // In the worst order: the plain one first, the dependencies last.
    for (const [index, name] of ['worker', 'api', 'payments', 'cache', 'db'].entries()) {
      queue.enqueue({ container: name, ...priorityOf(name), enqueuedAt: t0 + index });
    }
    expect(queue.positionOf('db')).toBe(1);
    queue.release('busy');
    expect(drainOneByOne(queue)).toEqual(['db', 'cache', 'api', 'payments', 'worker']);
  });
});
