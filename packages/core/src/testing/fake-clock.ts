import type { Clock } from '../ports/clock.js';

interface Sleeper {
  readonly at: number;
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
}

/**
 * Let queued promise callbacks run (several turns, since async chains hop more than once).
 *
 * @example
 * ```ts
 * import { flushMicrotasks } from '@website-monitor/core/testing';
 *
 * emitter.emit('line', 'ready');
 * await flushMicrotasks();
 * expect(seen).toEqual(['ready']);
 * ```
 */
export async function flushMicrotasks(turns = 5): Promise<void> {
  for (let turn = 0; turn < turns; turn++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/**
 * A clock that moves only when told. `advance(ms)` wakes sleepers in time order and lets their
 * continuations run, so loops built on `clock.sleep` can be stepped deterministically.
 *
 * @example
 * ```ts
 * import { FakeClock } from '@website-monitor/core/testing';
 *
 * const clock = new FakeClock({ start: Date.UTC(2026, 0, 1) });
 * const agent = new WebsiteMonitorAgent({ config, runtime, clock });
 * await agent.start();
 * await clock.advance(30_000); // one full pass later
 * ```
 */
export class FakeClock implements Clock {
  #now: number;
  readonly #sleepers = new Set<Sleeper>();

  constructor(options: { start?: number } = {}) {
    this.#now = options.start ?? Date.UTC(2026, 0, 1, 0, 0, 0);
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const sleeper: Sleeper = {
        at: this.#now + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
      };
      const onAbort = () => {
        this.#sleepers.delete(sleeper);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#sleepers.add(sleeper);
    });
  }

  /** Number of sleeps not yet woken. */
  get pendingSleeps(): number {
    return this.#sleepers.size;
  }

  /** Moves time forward by `ms`, waking every sleeper due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await flushMicrotasks();
    for (;;) {
      const due = [...this.#sleepers].filter((s) => s.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.#sleepers.delete(due);
      this.#now = Math.max(this.#now, due.at);
      due.resolve();
      await flushMicrotasks();
    }
    this.#now = target;
    await flushMicrotasks();
  }

  /** Sets the time directly (never backwards). */
  set(now: number): void {
    if (now < this.#now) throw new Error('FakeClock cannot go backwards');
    this.#now = now;
  }
}
