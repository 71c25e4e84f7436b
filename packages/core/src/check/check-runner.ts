import pLimit from 'p-limit';

/**
 * Runs checks with a ceiling on how many are in flight, keyed by container.
 *
 * Bounded, so a pass over hundreds of containers does not open hundreds of sockets and Docker API
 * calls at once; per check, so a hanging endpoint holds one slot until its own timeout and never
 * a whole pass (the seed checked containers one after another, where one slow endpoint delayed
 * every other verdict).
 *
 * De-duplicated by key: asking for a check of a container whose check is queued or running joins
 * that check instead of queueing a second one. An event burst (die, restart, health_status) and the
 * periodic pass can both ask for the same container; running it twice would double the Docker
 * calls and race two verdicts for one container.
 */
export interface CheckRunner<T> {
  /** Runs `task` under the limit, or returns the queued or running one for the same key. */
  run(key: string, task: () => Promise<T>): Promise<T>;
  isInFlight(key: string): boolean;
  /** Keys queued or running. */
  readonly inFlightCount: number;
  readonly activeCount: number;
  readonly pendingCount: number;
  /** Resolves once nothing is queued or running. */
  onIdle(): Promise<void>;
}

export function createCheckRunner<T = unknown>(options: { readonly maxConcurrent: number }): CheckRunner<T> {
  const { maxConcurrent } = options;
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new RangeError(`maxConcurrent must be a whole number of at least 1, got ${maxConcurrent}`);
  }
  const limit = pLimit(maxConcurrent);
  const inFlight = new Map<string, Promise<T>>();

  return {
    run(key, task) {
      const existing = inFlight.get(key);
      if (existing !== undefined) return existing;
      const running = limit(task).finally(() => {
        inFlight.delete(key);
      });
      inFlight.set(key, running);
      return running;
    },
    isInFlight: (key) => inFlight.has(key),
    get inFlightCount() {
      return inFlight.size;
    },
    get activeCount() {
      return limit.activeCount;
    },
    get pendingCount() {
      return limit.pendingCount;
    },
    async onIdle() {
      while (inFlight.size > 0) {
        await Promise.allSettled([...inFlight.values()]);
      }
    },
  };
}
