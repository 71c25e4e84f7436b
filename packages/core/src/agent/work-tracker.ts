import { type AgentLog, describeError } from './agent-support.js';

/** The checks, heals and writes the agent started and has not seen end. */
export interface WorkTracker {
  /** Adds the promise to the work in flight; a failure is logged as `internal_error` and rethrown. */
  track<T>(promise: Promise<T>): Promise<T>;
  /** Resolves when no tracked work is still running. */
  idle(): Promise<void>;
}

export function createWorkTracker(deps: { readonly log: AgentLog }): WorkTracker {
  const work = new Set<Promise<unknown>>();
  return {
    track(promise) {
      const tracked = promise.catch((error: unknown) => {
        deps.log('error', 'internal_error', {
          error: describeError(error),
          stack: error instanceof Error ? error.stack : undefined,
        });
        throw error;
      });
      const settled = tracked.then(
        () => undefined,
        () => undefined,
      );
      work.add(settled);
      void settled.finally(() => work.delete(settled));
      return tracked;
    },
    async idle() {
      // Events reach the agent a few turns after they are emitted, so "nothing in flight" must hold
      // over several turns of the event loop before it counts.
      for (let quietTurns = 0; quietTurns < 3; ) {
        if (work.size > 0) {
          quietTurns = 0;
          await Promise.allSettled([...work]);
        } else {
          quietTurns++;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
    },
  };
}
