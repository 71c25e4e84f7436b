/**
 * Runs tasks one at a time, in order, holding at most `capacity` waiting ones: a destination that
 * is down while incidents pile up costs bounded memory, and the newest notifications are the ones
 * dropped (the earlier ones explain them).
 */
export interface DeliveryQueue {
  /** Undefined when the queue is full and the task was not accepted. */
  push<T>(task: () => Promise<T>): Promise<T> | undefined;
  /** Resolves once nothing is running or waiting. */
  idle(): Promise<void>;
  readonly size: number;
}

export function createDeliveryQueue(capacity: number): DeliveryQueue {
  const waiting: (() => Promise<void>)[] = [];
  let running = false;
  let idleWaiters: (() => void)[] = [];

  const pump = async (): Promise<void> => {
    running = true;
    for (let next = waiting.shift(); next; next = waiting.shift()) await next();
    running = false;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  return {
    push<T>(task: () => Promise<T>): Promise<T> | undefined {
      if (waiting.length >= capacity) return undefined;
      const result = new Promise<T>((resolve, reject) => {
        waiting.push(() => task().then(resolve, reject));
      });
      if (!running) void pump();
      return result;
    },
    idle(): Promise<void> {
      if (!running && waiting.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    get size() {
      return waiting.length + (running ? 1 : 0);
    },
  };
}
