import type { DependencyGraph } from './dependency-graph.js';

/**
 * Restarts beyond the slots open now wait here instead of being decided again on
 * every tick. A waiting restart is announced twice, when it is queued (`enqueue` answers
 * `added: true` once) and when a slot frees for it (`next()` hands it over); in between the
 * caller asks `isWaiting` and leaves it alone: nothing is decided and nothing is said.
 *
 * Order of the waiting line (`compareWaiting`, the one place it is decided): critical containers
 * first, then dependencies before their dependents (`priorityRank`, the position in the
 * dependency graph's healing order), then first come, first served. `restartPriorities` makes the
 * two agree: a container a critical one depends on counts as critical too, so no dependency ever
 * waits behind its dependent. Nothing starves: each container holds one place, a restart that
 * ends frees its slot for the next in line, and a container comes back only after its own
 * restart, its backoff and within its hourly budget.
 *
 * Slots: `healing.max_concurrent_restarts` (`limit`) in steady state. In a storm (hundreds of
 * containers crashing at once) that pace is the bottleneck: with 2 slots held until the check
 * after each restart, the agent brought 500 crashed containers back 1.38x later than Docker's own
 * `on-failure` policy (BENCHMARKS.md row 11). So a long line opens more slots, one per
 * `waitingPerExtraSlot` restarts in the backlog, up to `healing.storm_concurrent_restarts`
 * (`stormLimit`): a bounded number, not "all at once", so the engine is never handed hundreds of
 * concurrent starts, and the storm protection stays as it is: budgets, backoff and the breaker
 * are decided per restart as before, the order of the line is the same, each container holds one
 * place. A fixed bound was chosen over one derived from observed restart latency: it is
 * predictable, testable and an operator can reason about it ("at most 16 at once"); latency-driven
 * limits oscillate under exactly the load (a busy engine) where they matter. Restarts that stop a
 * running container first (`slow`, up to its stop timeout) only ever get `limit` slots, so hung
 * containers cannot hold the storm slots for their stop timeouts while crashed ones wait.
 *
 * Pure bookkeeping: no timers and no clock; the caller stamps `enqueuedAt` and runs what
 * `tryAcquire`/`next` grant. One entry per container, so the line is bounded by the number of
 * containers the agent watches; every call is at most one pass over it.
 *
 * The caller's loop:
 *
 *     if (queue.isWaiting(name)) return; // queued already: the queue wakes it
 *     if (!queue.tryAcquire(name)) {
 *       const { added, position } = queue.enqueue({ container: name, critical, priorityRank, enqueuedAt: now });
 *       if (added) log('restart_queued', { position });
 *       drain();
 *     } else restart(name);
 *     // drain(), also after every queue.release(name) when a restart ends:
 *     for (let granted = queue.next(); granted; granted = queue.next()) {
 *       log('restart_dequeued', { waitedMs: now - granted.enqueuedAt }); restart(granted.container);
 *     }
 */
export interface RestartQueueEntry {
  readonly container: string;
  /**
   * The container is marked `critical: true`, or a critical one depends on it (`restartPriorities`):
   * it goes ahead of every non-critical one.
   */
  readonly critical: boolean;
  /** Lower runs first: the container's position in `DependencyGraph.healingOrder` (see `restartPriorityRanks`). */
  readonly priorityRank: number;
  /** When the restart first had to wait (ms since the epoch); ties keep the order of `enqueue` calls. */
  readonly enqueuedAt: number;
  /**
   * The restart stops a running container first (a `restart` of a running-but-unhealthy one waits
   * up to its stop timeout), as opposed to starting an exited one (fast). Slow restarts never get
   * more than the steady-state `limit` slots, so a storm of hung containers cannot hold the extra
   * storm slots for their stop timeouts and starve the crashed ones behind them. Absent: fast.
   */
  readonly slow?: boolean;
}

export interface EnqueueResult {
  /** True the first time the container joins the line: log "queued" then, and only then. */
  readonly added: boolean;
  /** 1-based place in the line after this call. */
  readonly position: number;
  /** The entry as kept: an entry already waiting keeps its `enqueuedAt`, and takes the new flags. */
  readonly entry: RestartQueueEntry;
}

export interface RestartQueue {
  /** `healing.max_concurrent_restarts`: the steady-state limit. */
  readonly limit: number;
  /** `healing.storm_concurrent_restarts`: the most slots a long line may open (≥ `limit`). */
  readonly stormLimit: number;
  /**
   * Slots open now: `limit`, plus one for every `waitingPerExtraSlot` restarts waiting (running
   * ones included in the count), up to `stormLimit`. A line shorter than that never changes the
   * steady state.
   */
  currentLimit(): number;
  /**
   * Takes a slot for `container` now, when one is free, the container is not already restarting
   * and no waiting restart goes before it (a container that waits itself must be the first that
   * could run). On success the container leaves the line. False: `enqueue` it and wait for `next`.
   * `slow`: the restart stops a running container first (see `RestartQueueEntry.slow`).
   */
  tryAcquire(container: string, slow?: boolean): boolean;
  /** Adds a restart to the line, or updates the one already there (see `EnqueueResult.added`). */
  enqueue(entry: RestartQueueEntry): EnqueueResult;
  /**
   * The first waiting restart that can run, now holding a slot, or undefined when every slot is
   * taken or nothing can run. Call it after each `release` (in a loop: a raised limit or a
   * released slot may let several go).
   */
  next(): RestartQueueEntry | undefined;
  /** Frees the slot `container` held; false when it held none (a second release is harmless). */
  release(container: string): boolean;
  /** Takes a waiting restart out of the line (container gone, incident resolved while it waited). */
  remove(container: string): boolean;
  /** The container waits in the line (queued, no slot granted yet). */
  isWaiting(container: string): boolean;
  /** 1-based place of `container` in the line, or undefined when it does not wait. */
  positionOf(container: string): number | undefined;
  /** The line, in the order restarts will run. */
  waiting(): readonly RestartQueueEntry[];
  /** Containers holding a slot, in the order they took it. */
  running(): readonly string[];
}

/**
 * Restarts waiting (or running) per storm slot opened beyond the steady-state limit. Four keeps a
 * handful of crashes (a deploy, one stack going down) at `max_concurrent_restarts`, and opens the
 * full storm limit only when the backlog is four times that large, i.e. when the line would take
 * several rounds of restarts to drain at the steady-state pace anyway.
 */
export const waitingPerExtraSlot = 4;

export function createRestartQueue(options: {
  readonly limit: number;
  /** `healing.storm_concurrent_restarts`; the steady-state `limit` when not given (no storm mode). */
  readonly stormLimit?: number;
}): RestartQueue {
  // A limit below one would never grant a slot; the config schema already refuses it.
  const limit = Math.max(1, Math.floor(options.limit));
  const stormLimit = Math.max(limit, Math.floor(options.stormLimit ?? limit));
  const holders = new Set<string>();
  // Slow restarts (stop first) holding a slot now: they may hold at most `limit` of them.
  const slowHolders = new Set<string>();
  const line = new Map<string, Waiter>();
  let sequence = 0;

  const ordered = () => [...line.values()].sort(compareWaiting).map((waiter) => waiter.entry);
  // One pass, no sort: a storm calls this once per restart. A container whose own restart still
  // runs cannot take a second slot: it stays in line.
  // A slow restart is skipped only while the slow ones fill the steady-state slots; the fast ones
  // behind it run in the storm slots meanwhile (the order among those that can run is kept).
  const firstRunnable = (): RestartQueueEntry | undefined => {
    const slowBlocked = slowHolders.size >= limit;
    let first: Waiter | undefined;
    for (const waiter of line.values()) {
      if (holders.has(waiter.entry.container)) continue;
      if (slowBlocked && waiter.entry.slow === true) continue;
      if (first === undefined || compareWaiting(waiter, first) < 0) first = waiter;
    }
    return first?.entry;
  };
  const positionOf = (container: string): number | undefined => {
    const waiter = line.get(container);
    if (waiter === undefined) return undefined;
    let ahead = 0;
    for (const other of line.values()) if (compareWaiting(other, waiter) < 0) ahead++;
    return ahead + 1;
  };
  // The backlog counts the running and the waiting: the line shrinks as the storm slots drain it,
  // and the limit falls back to `limit` with it (slots above it are not taken back, only not refilled).
  const currentLimit = (): number =>
    Math.min(
      stormLimit,
      limit + Math.floor(Math.max(0, holders.size + line.size - limit) / waitingPerExtraSlot),
    );
  const slotFree = () => holders.size < currentLimit();
  const take = (entry: RestartQueueEntry): void => {
    line.delete(entry.container);
    holders.add(entry.container);
    if (entry.slow === true) slowHolders.add(entry.container);
  };

  return {
    limit,
    stormLimit,
    currentLimit,
    tryAcquire(container, slow = false) {
      if (!slotFree() || holders.has(container)) return false;
      if (slow && slowHolders.size >= limit) return false;
      const first = firstRunnable();
      if (first !== undefined && first.container !== container) return false;
      take({ container, critical: false, priorityRank: 0, enqueuedAt: 0, slow });
      return true;
    },
    enqueue(given) {
      // A NaN rank or time would make the order depend on the sort's whims: such an entry goes last.
      const entry = {
        ...given,
        priorityRank: Number.isFinite(given.priorityRank) ? given.priorityRank : Number.MAX_SAFE_INTEGER,
        enqueuedAt: Number.isFinite(given.enqueuedAt) ? given.enqueuedAt : Number.MAX_SAFE_INTEGER,
      };
      const present = line.get(entry.container);
      const kept = present
        ? { entry: { ...entry, enqueuedAt: present.entry.enqueuedAt }, sequence: present.sequence }
        : { entry, sequence: sequence++ };
      line.set(entry.container, kept);
      return { added: present === undefined, position: positionOf(entry.container)!, entry: kept.entry };
    },
    next() {
      if (!slotFree()) return undefined;
      const first = firstRunnable();
      if (first === undefined) return undefined;
      take(first);
      return first;
    },
    release: (container) => {
      slowHolders.delete(container);
      return holders.delete(container);
    },
    remove: (container) => line.delete(container),
    isWaiting: (container) => line.has(container),
    positionOf,
    waiting: ordered,
    running: () => [...holders],
  };
}

interface Waiter {
  readonly entry: RestartQueueEntry;
  readonly sequence: number;
}

/** Where a container's restart goes in the line: the two fields of its `RestartQueueEntry`. */
export interface RestartPriority {
  readonly critical: boolean;
  readonly priorityRank: number;
}

/**
 * The place in the restart line of every container the agent watches, from the dependency graph
 * and the `critical` flags: ranks from the healing order (dependencies first), and critical for a
 * container marked so and for everything it depends on, transitively. Without the second part a
 * critical container would go ahead of the database it needs, restart first and fail again.
 * Built once per queuing (one walk of the graph), asked once per container.
 */
export function restartPriorities(options: {
  readonly graph: Pick<DependencyGraph, 'healingOrder' | 'dependenciesOf'>;
  readonly containers: readonly { readonly name: string; readonly critical: boolean }[];
}): (container: string) => RestartPriority {
  const { graph, containers } = options;
  const rankOf = restartPriorityRanks(graph.healingOrder(containers.map((container) => container.name)));
  const critical = new Set<string>();
  for (const container of containers) {
    if (!container.critical || critical.has(container.name)) continue;
    critical.add(container.name);
    for (const dependency of graph.dependenciesOf(container.name)) critical.add(dependency);
  }
  return (container) => ({ critical: critical.has(container), priorityRank: rankOf(container) });
}

/**
 * Ranks for `priorityRank` from a healing order (`DependencyGraph.healingOrder`, dependencies
 * first): a container's index in it; a container the order does not list comes after all of them.
 */
export function restartPriorityRanks(order: readonly string[]): (container: string) => number {
  const ranks = new Map<string, number>();
  for (const [index, name] of order.entries()) if (!ranks.has(name)) ranks.set(name, index);
  return (container) => ranks.get(container) ?? order.length;
}

/** The order of the line: the only place it is decided. */
function compareWaiting(a: Waiter, b: Waiter): number {
  if (a.entry.critical !== b.entry.critical) return a.entry.critical ? -1 : 1;
  if (a.entry.priorityRank !== b.entry.priorityRank) return a.entry.priorityRank - b.entry.priorityRank;
  if (a.entry.enqueuedAt !== b.entry.enqueuedAt) return a.entry.enqueuedAt - b.entry.enqueuedAt;
  return a.sequence - b.sequence;
}
