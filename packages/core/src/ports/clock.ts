/** Time as a port: the core never reads `Date.now()` itself, so tests can drive it. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * One `abort` listener per signal, whatever number of sleeps wait on it. Node's EventTarget looks
 * through a signal's listeners on every add and remove (for duplicates), so one listener per sleep
 * made each sleep cost as much as the sleeps pending: the agent's one signal carries a re-check
 * timer per container and more in a restart storm (32,000 listeners took 1.5 s of CPU to add and
 * remove, 2,000 took 18 ms). A Set adds and removes in constant time.
 */
const abortWaiters = new WeakMap<AbortSignal, Set<() => void>>();

function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let waiters = abortWaiters.get(signal);
  if (waiters === undefined) {
    const created = new Set<() => void>();
    waiters = created;
    abortWaiters.set(signal, created);
    signal.addEventListener(
      'abort',
      () => {
        for (const waiter of [...created]) waiter();
        created.clear();
      },
      { once: true },
    );
  }
  const registered = waiters;
  registered.add(callback);
  return () => registered.delete(callback);
}

/** The real clock: `Date.now()` and `setTimeout`. The default wherever a `Clock` is optional. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timer = setTimeout(() => {
        forget?.();
        resolve();
      }, ms);
      const forget =
        signal === undefined
          ? undefined
          : onAbort(signal, () => {
              clearTimeout(timer);
              reject(signal.reason);
            });
    }),
};
