import type { ContainerEvent, ContainerRuntime } from '@website-monitor/core';
import { nanoToMs } from './wall-clock.js';

export interface LoggedEvent {
  readonly containerId: string;
  readonly action: ContainerEvent['action'];
  readonly healthStatus: ContainerEvent['healthStatus'];
  /** The daemon's time of the event (its `timeNano`), ms since the epoch. */
  readonly daemonAt: number;
}

export interface EventLog extends AsyncDisposable {
  /** The first event of this container matching `matches` whose daemon time is at or after `after`. */
  waitFor(options: {
    readonly containerId: string;
    readonly after: number;
    readonly matches: (event: LoggedEvent) => boolean;
    readonly timeoutMs: number;
    readonly what: string;
  }): Promise<LoggedEvent>;
}

/**
 * The bench's own subscription to the engine's events, independent of any agent: it times the
 * baseline (Docker's restart policy) and the agent with the same clock, the daemon's.
 */
export function startEventLog(options: { readonly runtime: ContainerRuntime }): EventLog {
  const abort = new AbortController();
  const events: LoggedEvent[] = [];
  const waiters = new Set<(event: LoggedEvent) => void>();
  // Replay from a second ago, so nothing between this call and the subscription is missed.
  const since = Date.now() - 1000;
  const loop = (async () => {
    try {
      for await (const event of options.runtime.events({ since, signal: abort.signal })) {
        const logged: LoggedEvent = {
          containerId: event.containerId,
          action: event.action,
          healthStatus: event.healthStatus,
          daemonAt: nanoToMs(event.timeNano),
        };
        events.push(logged);
        for (const waiter of waiters) waiter(logged);
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    }
  })();
  loop.catch((error: unknown) => {
    console.error(
      `bench: the event stream failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  });

  return {
    waitFor({ containerId, after, matches, timeoutMs, what }) {
      const accept = (event: LoggedEvent) =>
        event.containerId === containerId && event.daemonAt >= after && matches(event);
      const seen = events.find(accept);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no ${what} event for ${containerId.slice(0, 12)} within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = (event: LoggedEvent) => {
          if (!accept(event)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(event);
        };
        waiters.add(waiter);
      });
    },
    async [Symbol.asyncDispose]() {
      abort.abort();
      await loop.catch(() => undefined);
    },
  };
}
