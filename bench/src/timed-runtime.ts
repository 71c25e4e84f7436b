import type { ContainerEvent, ContainerRuntime } from '@website-monitor/core';
import { nanoToMs, wallClockMs } from './wall-clock.js';

/** A `die` or `health_status` event at the moment the agent was handed it. */
export interface ReceivedEventMark {
  readonly containerId: string;
  readonly action: ContainerEvent['action'];
  readonly healthStatus: ContainerEvent['healthStatus'];
  /** The daemon's time of the event (its `timeNano`), ms since the epoch. */
  readonly daemonAt: number;
  /** When the decorator yielded it to the agent, ms since the epoch. */
  readonly receivedAt: number;
}

export interface RestartCallMark {
  readonly containerId: string;
  readonly calledAt: number;
}

export interface TimedRuntime {
  readonly runtime: ContainerRuntime;
  /** Resolves with the first restart call on this container made at or after `after`. */
  nextRestart(options: {
    readonly containerId: string;
    readonly after: number;
    readonly timeoutMs: number;
  }): Promise<RestartCallMark>;
  /** The newest matching event the agent received before `before`. */
  lastReceived(options: {
    readonly containerId: string;
    readonly before: number;
    readonly matches: (mark: ReceivedEventMark) => boolean;
  }): ReceivedEventMark | undefined;
}

/**
 * A decorator over a real runtime that timestamps what the agent sees and does: each `die` and
 * `health_status` event as it is yielded to the agent, and each `restart()` call as it is made.
 * The difference is the agent's own overhead (inspect, evaluate, incident, policy), with the
 * engine's delivery of the event excluded.
 */
export function createTimedRuntime(inner: ContainerRuntime): TimedRuntime {
  const received: ReceivedEventMark[] = [];
  const restarts: RestartCallMark[] = [];
  const waiters = new Set<(mark: RestartCallMark) => void>();

  const runtime: ContainerRuntime = {
    ping: (options) => inner.ping(options),
    list: (options) => inner.list(options),
    inspect: (options) => inner.inspect(options),
    stats: (options) => inner.stats(options),
    logs: (options) => inner.logs(options),
    start: (options) => inner.start(options),
    exec: (options) => inner.exec(options),
    restart(options) {
      const mark = { containerId: options.id, calledAt: wallClockMs() };
      restarts.push(mark);
      for (const waiter of waiters) waiter(mark);
      return inner.restart(options);
    },
    async *events(options) {
      for await (const event of inner.events(options)) {
        if (event.action === 'die' || event.action === 'health_status') {
          received.push({
            containerId: event.containerId,
            action: event.action,
            healthStatus: event.healthStatus,
            daemonAt: nanoToMs(event.timeNano),
            receivedAt: wallClockMs(),
          });
        }
        yield event;
      }
    },
  };

  return {
    runtime,
    nextRestart({ containerId, after, timeoutMs }) {
      const matches = (mark: RestartCallMark) =>
        sameContainer(mark.containerId, containerId) && mark.calledAt >= after;
      const done = restarts.find(matches);
      if (done) return Promise.resolve(done);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`the agent did not restart ${containerId.slice(0, 12)} within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = (mark: RestartCallMark) => {
          if (!matches(mark)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(mark);
        };
        waiters.add(waiter);
      });
    },
    lastReceived({ containerId, before, matches }) {
      return received.findLast(
        (mark) => sameContainer(mark.containerId, containerId) && mark.receivedAt <= before && matches(mark),
      );
    },
  };
}

/** The agent restarts by full id; a short id or a name from elsewhere still matches. */
function sameContainer(a: string, b: string): boolean {
  return a === b || a.startsWith(b) || b.startsWith(a);
}
