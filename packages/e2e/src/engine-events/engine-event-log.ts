import type { ContainerEvent, ContainerEventAction, ContainerRuntime } from '@website-monitor/core';
import { createDockerRuntime } from '@website-monitor/docker-adapter';
import { waitUntil } from '../harness/wait-until.js';

/**
 * The engine's own account of what happened, read on a connection of its own (never through a
 * proxy a test cuts): the tests time restarts from these events' daemon timestamps, not from when
 * the agent says it acted.
 */
export interface EngineEventLog extends AsyncDisposable {
  /** Events of one container, oldest first, optionally of some actions only. */
  of(containerId: string, actions?: readonly ContainerEventAction[]): ContainerEvent[];
  /** Waits for the `count`-th event of `action` on the container (1 = the first). */
  waitFor(
    containerId: string,
    action: ContainerEventAction,
    options?: { readonly count?: number; readonly timeoutMs?: number },
  ): Promise<ContainerEvent>;
}

export async function recordEngineEvents(): Promise<EngineEventLog> {
  const runtime: ContainerRuntime & AsyncDisposable = createDockerRuntime();
  const abort = new AbortController();
  const events: ContainerEvent[] = [];
  // Replay from a little before now, so nothing between this call and the subscription is missed.
  const since = Date.now() - 1000;
  let failure: unknown;
  // Never rejects: a broken stream is reported by `waitFor`, not as an unhandled rejection.
  const reading = (async () => {
    try {
      for await (const event of runtime.events({ since, signal: abort.signal })) events.push(event);
    } catch (error) {
      if (!abort.signal.aborted) failure = error;
    }
  })();
  // The stream is open once the engine answered a request sent after it.
  await runtime.ping();

  const of = (containerId: string, actions?: readonly ContainerEventAction[]) =>
    events.filter(
      (event) =>
        event.containerId === containerId && (actions === undefined || actions.includes(event.action)),
    );
  return {
    of,
    waitFor: (containerId, action, { count = 1, timeoutMs = 45_000 } = {}) =>
      waitUntil(
        `engine event ${action} #${count} of ${containerId.slice(0, 12)}`,
        () => {
          if (failure !== undefined) throw new Error(`the engine event stream broke: ${String(failure)}`);
          return of(containerId, [action])[count - 1];
        },
        { timeoutMs },
      ),
    async [Symbol.asyncDispose]() {
      abort.abort();
      await reading;
      await runtime[Symbol.asyncDispose]();
    },
  };
}
