import type { ContainerEvent } from '../domain/container.js';
import { type ContainerRuntimeError, MonitorError } from '../errors/monitor-error.js';
import { backoffDelayMs } from '../policy/backoff.js';
import type { Clock } from '../ports/clock.js';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import type { Logger } from '../ports/logger.js';

export interface WatchContainerEventsOptions {
  readonly runtime: ContainerRuntime;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Watching stops, and the returned promise resolves, when this aborts. */
  readonly signal: AbortSignal;
  /**
   * Called once per distinct event, synchronously from the read loop. It must only enqueue: the
   * daemon skips a subscriber that takes more than 100 ms over an event (moby
   * `daemon/events/events.go`), so slow work here would lose events. A throw is logged, not fatal.
   */
  readonly onEvent: (event: ContainerEvent) => void;
  /**
   * Called after every re-subscription (not the first one, unless it followed a failed start). Replay
   * covers at most the daemon's last 256 events, so the consumer should reconcile from a full list
   * plus inspect. Not awaited; a rejection is logged.
   */
  readonly onReconnect: (info: { readonly since: number }) => void | Promise<void>;
  /**
   * Called on each change of connection state, the first successful subscription included; `error`
   * names the cause of a disconnection.
   */
  readonly onConnectionChange?: (state: ConnectionState) => void;
  /** Reconnect delays: doubling from `initialMs` to `maxMs`, with equal jitter. */
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  /** Replay from here on the first subscription (ms since the epoch); live only by default. */
  readonly since?: number;
  /** For tests; `Math.random` by default. */
  readonly random?: () => number;
}

export interface ConnectionState {
  readonly connected: boolean;
  readonly error?: string;
}

/** Two daemon buffers' worth: a replay can never bring back more than 256 events. */
const rememberedEventKeys = 512;

/**
 * Follows the engine's container events until `signal` aborts, surviving daemon restarts and
 * dropped connections:
 *
 * 1. Ping first, so an engine that is down is reported as such (`docker_unreachable`, error level,
 *    once per outage with its cause, not once per retry) instead of as a stream of failed
 *    subscriptions. Retries back off exponentially with jitter (`clock.sleep`).
 * 2. Subscribe; after a drop, with `since` just before the last event seen (1 ms earlier, so an event
 *    in the same millisecond is not skipped by rounding). Replayed events that were already delivered
 *    are recognised by `containerId + action + timeNano` and skipped. An event older than the last one
 *    seen but not delivered before is still delivered: it is news, not a replay.
 * 3. After every re-subscription call `onReconnect({ since })`: the daemon keeps only 256 events, so
 *    replay can miss some, and only a full reconcile is sure.
 *
 * The backoff resets once a subscription delivers an event, or stays open for `backoff.maxMs`.
 * Clock skew: the first replay point after a drop without any event seen comes from our clock, not
 * the daemon's; the reconcile covers what skew could hide.
 */
export async function watchContainerEvents(options: WatchContainerEventsOptions): Promise<void> {
  const { runtime, clock, logger, signal, backoff } = options;
  const random = options.random ?? Math.random;
  const watchStartedAt = clock.now();
  const delivered = new RecentKeys(rememberedEventKeys);
  let lastEventTime: number | undefined;
  let attempt = 0;
  let firstAttempt = true;
  let connected: boolean | undefined;
  let outage: { readonly since: number } | undefined;

  const setConnected = (value: boolean, error?: unknown) => {
    if (connected === value) return;
    connected = value;
    const state: ConnectionState = value ? { connected } : { connected, error: describe(error) };
    notify(logger, 'connection_change_handler_failed', () => options.onConnectionChange?.(state));
  };
  const markUnreachable = (error: unknown) => {
    if (outage !== undefined) return;
    outage = { since: clock.now() };
    logger.log('error', 'docker_unreachable', {
      message: `Docker engine unreachable: ${describe(error)}; retrying with backoff`,
      error: describe(error),
    });
  };
  // 1 ms early so an event in the same millisecond as the last one is not lost to rounding.
  const replaySince = (): number =>
    lastEventTime !== undefined ? lastEventTime - 1 : (options.since ?? watchStartedAt);
  const waitBeforeRetry = async (): Promise<boolean> => {
    // The same curve as healing backoff, one step in: the first retry already waits `initialMs`.
    const delayMs = backoffDelayMs({
      attempt: attempt + 1,
      initialMs: backoff.initialMs,
      maxMs: backoff.maxMs,
      random,
    });
    attempt++;
    try {
      await clock.sleep(delayMs, signal);
      return true;
    } catch {
      return false;
    }
  };

  while (!signal.aborted) {
    const isReconnect = !firstAttempt;
    firstAttempt = false;
    try {
      await runtime.ping({ signal });
    } catch (error) {
      if (signal.aborted) break;
      setConnected(false, error);
      markUnreachable(error);
      if (!(await waitBeforeRetry())) break;
      continue;
    }

    const since = isReconnect ? replaySince() : options.since;
    if (outage !== undefined) {
      logger.log('info', 'docker_reconnected', { downForMs: clock.now() - outage.since });
      outage = undefined;
    }
    const subscribedAt = clock.now();
    let received = false;
    let failure: unknown;
    try {
      const stream = runtime.events({ ...(since !== undefined ? { since } : {}), signal });
      setConnected(true);
      if (isReconnect && since !== undefined) {
        const replayFrom = since;
        // Not awaited: the stream must be read while the consumer reconciles.
        notify(logger, 'reconcile_failed', () => options.onReconnect({ since: replayFrom }));
      }
      for await (const event of stream) {
        if (!received) {
          received = true;
          attempt = 0;
        }
        const key = `${event.containerId}|${event.action}|${event.timeNano}`;
        if (delivered.has(key)) continue;
        delivered.add(key);
        if (lastEventTime === undefined || event.time > lastEventTime) lastEventTime = event.time;
        notify(logger, 'event_handler_failed', () => options.onEvent(event));
      }
    } catch (error) {
      failure = error;
    }
    if (signal.aborted) break;

    if (clock.now() - subscribedAt >= backoff.maxMs) attempt = 0;
    const reason = failure === undefined ? 'stream ended' : describe(failure);
    logger.log('warn', 'docker_events_disconnected', { reason, lastEventTime });
    setConnected(false, reason);
    if (isUnreachable(failure)) markUnreachable(failure);
    if (!(await waitBeforeRetry())) break;
  }
}

/** Runs a consumer callback so that its failure is logged with its stack and never stops the loop. */
function notify(logger: Logger, event: string, call: () => void | Promise<void>): void {
  try {
    const result = call();
    if (result instanceof Promise) {
      result.catch((error: unknown) => logger.log('error', event, { error }));
    }
  } catch (error) {
    logger.log('error', event, { error });
  }
}

/** By code and kind rather than `instanceof`, so an error from a duplicate install still counts. */
function isUnreachable(error: unknown): boolean {
  return (
    MonitorError.isInstance(error) &&
    error.code === 'container_runtime' &&
    (error as ContainerRuntimeError).kind === 'unreachable'
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A set that forgets its oldest keys beyond `capacity` (a Set iterates in insertion order). */
class RecentKeys {
  readonly #keys = new Set<string>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  has(key: string): boolean {
    return this.#keys.has(key);
  }

  add(key: string): void {
    this.#keys.add(key);
    if (this.#keys.size > this.#capacity) {
      const oldest = this.#keys.values().next().value;
      if (oldest !== undefined) this.#keys.delete(oldest);
    }
  }
}
