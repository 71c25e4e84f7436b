interface Flight<T> {
  readonly result: Promise<T>;
  readonly abandon: AbortController;
  waiters: number;
}

/**
 * Single flight: while a call for a key is under way, another caller with the same key waits for
 * that call instead of making its own. Each caller still leaves on its own signal; when the last
 * one has left, the call itself is abandoned (its `abandoned` signal aborts) and forgotten, so a
 * newcomer starts afresh rather than joining a call nobody waits for.
 */
export class SharedCalls<T> {
  readonly #flights = new Map<string, Flight<T>>();

  /** How many calls are under way. */
  get size(): number {
    return this.#flights.size;
  }

  /** Waits for the call under way for `key`, or returns undefined when there is none. */
  join(key: string, signal: AbortSignal | undefined, abortedError: () => unknown): Promise<T> | undefined {
    const flight = this.#flights.get(key);
    return flight ? this.#wait(key, flight, signal, abortedError) : undefined;
  }

  /** Starts the call for `key` (there must be none) and waits for it as its first caller. */
  lead(
    key: string,
    signal: AbortSignal | undefined,
    abortedError: () => unknown,
    call: (abandoned: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const abandon = new AbortController();
    const result = call(abandon.signal).finally(() => {
      if (this.#flights.get(key) === flight) this.#flights.delete(key);
    });
    // Every caller may have left already; the outcome is then nobody's, not an unhandled rejection.
    result.catch(() => {});
    const flight: Flight<T> = { result, abandon, waiters: 0 };
    this.#flights.set(key, flight);
    return this.#wait(key, flight, signal, abortedError);
  }

  #wait(
    key: string,
    flight: Flight<T>,
    signal: AbortSignal | undefined,
    abortedError: () => unknown,
  ): Promise<T> {
    if (signal?.aborted) return Promise.reject(abortedError());
    flight.waiters += 1;
    return new Promise<T>((resolve, reject) => {
      const leave = () => {
        flight.waiters -= 1;
        if (flight.waiters > 0) return;
        if (this.#flights.get(key) === flight) this.#flights.delete(key);
        flight.abandon.abort();
      };
      const onAbort = () => {
        leave();
        reject(abortedError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      flight.result.then(
        (value) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }
}
