import { type AgentLog, describeError } from './agent-support.js';

/** The checks, heals and writes the agent started and has not seen end. */
export interface WorkTracker {
  /** Adds the promise to the work in flight; a failure is logged as `internal_error` and rethrown. */
  track<T>(promise: Promise<T>): Promise<T>;
  /**
   * Marks the promise as healing work as well (a heal, an action a person asked for), so a stop can
   * wait for actions alone; it is returned as it is, and nothing is logged for it.
   */
  markAction<T>(promise: Promise<T>): Promise<T>;
  /** Resolves when no tracked work is still running. */
  idle(): Promise<void>;
  /** Resolves when no healing work is still running (checks may be). */
  actionsIdle(): Promise<void>;
  /** Healing work running now. */
  readonly actionsInFlight: number;
}

export function createWorkTracker(deps: { readonly log: AgentLog }): WorkTracker {
  const work = new Set<Promise<unknown>>();
  const actions = new Set<Promise<unknown>>();

  const add = (set: Set<Promise<unknown>>, promise: Promise<unknown>) => {
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    set.add(settled);
    void settled.finally(() => set.delete(settled));
  };

  /** Events reach the agent a few turns after they are emitted, so "nothing in flight" must hold
   * over several turns of the event loop before it counts. */
  const quiet = async (set: Set<Promise<unknown>>) => {
    for (let quietTurns = 0; quietTurns < 3; ) {
      if (set.size > 0) {
        quietTurns = 0;
        await Promise.allSettled([...set]);
      } else {
        quietTurns++;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
  };

  return {
    track(promise) {
      const tracked = promise.catch((error: unknown) => {
        deps.log('error', 'internal_error', {
          error: describeError(error),
          stack: error instanceof Error ? error.stack : undefined,
        });
        throw error;
      });
      add(work, tracked);
      return tracked;
    },
    markAction(promise) {
      add(actions, promise);
      return promise;
    },
    idle: () => quiet(work),
    actionsIdle: () => quiet(actions),
    get actionsInFlight() {
      return actions.size;
    },
  };
}
