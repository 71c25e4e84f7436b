import type { HealingActionRecord } from '../domain/healing-action.js';
import type { HealingStrategyRegistry } from '../heal/strategy-registry.js';
import { createRestartBudget } from '../policy/restart-budget.js';
import { createRestartQueue, type RestartQueue } from '../policy/restart-queue.js';

/** A container that has run this long without trouble starts a new backoff streak (kubelet: 10 min). */
export const stableResetMs = 10 * 60_000;

/** A container's crash-loop streak: restarts of ours since it last ran stably. */
export interface RestartStreak {
  readonly attempts: number;
  readonly lastAttemptAt: number | undefined;
}

/**
 * Every restart the agent makes, counted once: the sliding-hour budget (by container name, so a
 * recreated container keeps it), the crash-loop streak that drives backoff (by container ID), and
 * the restarts running now and those waiting for a slot under the global cap (`slots`, critical
 * containers first, dependencies before dependents). Fed live by the healer and, after an agent
 * restart, by `restore` from the stored actions, with the same notion of what a restart is.
 */
export interface RestartLedger {
  /** Restarts still allowed now in the sliding hour. */
  remaining(input: { readonly container: string; readonly limit: number; readonly now: number }): number;
  /** When the next restart is allowed (`now` if one is already); null when never. */
  nextAvailableAt(input: {
    readonly container: string;
    readonly limit: number;
    readonly now: number;
  }): number | null;
  /** Restarts of this container within the hour ending at `now`. */
  used(input: { readonly container: string; readonly now: number }): number;
  streak(id: string): RestartStreak;
  /** One restart of ours (a dry run's too): spends budget and lengthens the streak. */
  recordRestart(input: { readonly id: string; readonly container: string; readonly at: number }): void;
  /** A healthy check: a container stable since our last restart for `stableResetMs` starts afresh. */
  noteHealthy(input: { readonly id: string; readonly now: number }): void;
  /** Restarts running now, across containers. */
  readonly inFlight: number;
  /** `healing.max_concurrent_restarts` slots, and the line of restarts waiting for one. */
  readonly slots: RestartQueue;
  /** The container went away: its streak goes with its ID (the budget stays with its name). */
  forget(id: string): void;
  /**
   * Rebuilds the budget from stored actions, so a restarted agent never grants itself a fresh
   * hour. An action counts when its strategy restarts the container (built-in or plugin).
   */
  restore(input: { readonly actions: readonly HealingActionRecord[] }): void;
}

export function createRestartLedger(deps: {
  /** Whether the named action restarts (or stops) the container. */
  readonly restartsContainer: (action: string) => boolean;
  /** `healing.max_concurrent_restarts`; unbounded when not given. */
  readonly maxConcurrentRestarts?: number;
  /** `healing.storm_concurrent_restarts`: the most slots a long line opens; none beyond the steady limit when not given. */
  readonly stormConcurrentRestarts?: number;
  readonly windowMs?: number;
}): RestartLedger {
  const budget = createRestartBudget(deps.windowMs === undefined ? {} : { windowMs: deps.windowMs });
  const streaks = new Map<string, { attempts: number; lastAttemptAt: number | undefined }>();
  const slots = createRestartQueue({
    limit: deps.maxConcurrentRestarts ?? Number.MAX_SAFE_INTEGER,
    ...(deps.stormConcurrentRestarts === undefined ? {} : { stormLimit: deps.stormConcurrentRestarts }),
  });

  return {
    remaining: (input) => budget.remaining(input),
    nextAvailableAt: (input) => budget.nextAvailableAt(input),
    used: (input) => budget.used(input),
    streak(id) {
      return streaks.get(id) ?? { attempts: 0, lastAttemptAt: undefined };
    },
    recordRestart({ id, container, at }) {
      budget.record({ container, at });
      const streak = streaks.get(id) ?? { attempts: 0, lastAttemptAt: undefined };
      streak.attempts++;
      streak.lastAttemptAt = at;
      streaks.set(id, streak);
    },
    noteHealthy({ id, now }) {
      const streak = streaks.get(id);
      if (streak?.lastAttemptAt !== undefined && now - streak.lastAttemptAt > stableResetMs)
        streak.attempts = 0;
    },
    get inFlight() {
      return slots.running().length;
    },
    slots,
    forget(id) {
      streaks.delete(id);
    },
    restore({ actions }) {
      budget.restore({
        restarts: actions
          // An attempt that never reported (pending) still restarted, or tried to: it counts.
          .filter(
            (action) =>
              action.result !== 'dry_run' &&
              action.result !== 'skipped' &&
              deps.restartsContainer(action.action),
          )
          .map((action) => ({ container: action.containerName, at: action.startedAt })),
      });
    },
  };
}

/**
 * What the registry says about an action name: a plugin that restarts counts like a built-in. A
 * name no longer registered (a plugin removed since) cannot be judged and does not count.
 */
export function restartsContainerIn(registry: HealingStrategyRegistry): (action: string) => boolean {
  return (action) => registry.has(action) && registry.get(action).restartsContainer;
}
