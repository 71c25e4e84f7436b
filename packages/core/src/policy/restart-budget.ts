/**
 * Restarts per container in a sliding window (one hour by default), so a container that keeps
 * failing is restarted at most `maxRestartsPerHour` times in any hour, not per clock hour.
 *
 * Keyed by container name: a recreated container keeps its name but not its ID, and its budget
 * must carry over. Times are passed in (`at`, `now`); the budget never reads a clock.
 */
export interface RestartBudget {
  /** Counts one restart of `container` at `at` (ms since the epoch). */
  record(input: { readonly container: string; readonly at: number }): void;
  /** Restarts of `container` within the window ending at `now`. */
  used(input: { readonly container: string; readonly now: number }): number;
  /** Restarts still allowed now: `limit - used`, never below 0. */
  remaining(input: { readonly container: string; readonly limit: number; readonly now: number }): number;
  /** Time of the oldest restart still inside the window, or null when there is none. */
  oldestInWindow(input: { readonly container: string; readonly now: number }): number | null;
  /**
   * When the next restart is allowed: `now` if one is allowed already, else the moment enough
   * restarts have left the window. Null when `limit` is 0 or less: never.
   */
  nextAvailableAt(input: {
    readonly container: string;
    readonly limit: number;
    readonly now: number;
  }): number | null;
  /**
   * Rebuilds the window from stored restarts, added to what is already counted. A restarted
   * agent calls this with its recorded healing actions so it never grants itself a fresh budget.
   */
  restore(input: { readonly restarts: readonly { readonly container: string; readonly at: number }[] }): void;
}

export const restartBudgetWindowMs = 60 * 60 * 1000;

export function createRestartBudget(options: { readonly windowMs?: number } = {}): RestartBudget {
  const windowMs = options.windowMs ?? restartBudgetWindowMs;
  // Sorted oldest first, per container.
  const restartsByContainer = new Map<string, number[]>();

  // A restart at `at` counts while `now - at < windowMs`: it leaves the window at `at + windowMs`.
  // One stamped after `now` (clocks of two agents, a restored record) counts too: erring that
  // way never grants a restart the limit forbids.
  const inWindow = (container: string, now: number): number[] =>
    (restartsByContainer.get(container) ?? []).filter((at) => now - at < windowMs);

  const add = (container: string, at: number) => {
    const times = restartsByContainer.get(container) ?? [];
    times.push(at);
    times.sort((a, b) => a - b);
    // Nothing older than a window before the newest restart can count again: drop it so a
    // long-running agent's memory stays bounded by the limit, not by uptime.
    const newest = times[times.length - 1] ?? at;
    restartsByContainer.set(
      container,
      times.filter((time) => newest - time < windowMs),
    );
  };

  const used = (container: string, now: number) => inWindow(container, now).length;

  return {
    record({ container, at }) {
      add(container, at);
    },
    used({ container, now }) {
      return used(container, now);
    },
    remaining({ container, limit, now }) {
      return Math.max(0, limit - used(container, now));
    },
    oldestInWindow({ container, now }) {
      return inWindow(container, now)[0] ?? null;
    },
    nextAvailableAt({ container, limit, now }) {
      if (limit <= 0) return null;
      const times = inWindow(container, now);
      if (times.length < limit) return now;
      // Of the n restarts in the window, n - limit + 1 must leave it; the last of those to leave
      // is the one at index n - limit (oldest first).
      const blocking = times[times.length - limit];
      return blocking === undefined ? now : blocking + windowMs;
    },
    restore({ restarts }) {
      for (const { container, at } of restarts) add(container, at);
    },
  };
}
