import { byteLength, truncateLine } from '../diagnose/log-context.js';
import type { Clock } from '../ports/clock.js';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import type { Logger } from '../ports/logger.js';

/**
 * Why a followed run's stream is no longer read, or that it still is:
 * - `following`: the stream is open (the run is inside its window);
 * - `complete`: the engine ended the stream because the container stopped: `lines` are the run's
 *   last lines (within the bounds);
 * - `failed`: the engine could not (or no longer) stream this container's logs;
 * - `stopped`: we stopped reading (window over, run replaced or forgotten, follower stopped, or
 *   the run wrote more than `maxReadBytes`).
 */
export type RunLogState = 'following' | 'complete' | 'failed' | 'stopped';

export interface RunLogs {
  readonly id: string;
  readonly name: string;
  /** When the run started (the `start` event's time). */
  readonly startedAt: number;
  readonly state: RunLogState;
  /** `state === 'complete'`: the container stopped and every line it wrote is in (within bounds). */
  readonly complete: boolean;
  /** The newest lines of the run, oldest first, each cut to `maxLineBytes`. */
  readonly lines: readonly string[];
  /** Older lines that were let go to stay within `maxLines` / `maxBytes`. */
  readonly droppedLines: number;
}

export interface RunLogFollowerOptions {
  readonly runtime: ContainerRuntime;
  readonly clock: Clock;
  readonly logger?: Logger;
  /**
   * How long each run is followed. Start-up failures show in the first seconds; Docker's restart
   * manager and the kubelet both call a run of 10 s stable. Default 10 000 ms.
   */
  readonly windowMs?: number;
  /** Streams open at once; a run started beyond this is not followed. Default 32. */
  readonly maxFollowers?: number;
  /** Lines kept per run (the newest). Default 200. */
  readonly maxLines?: number;
  /** UTF-8 bytes kept per run, a newline per line counted. Default 64 KiB. */
  readonly maxBytes?: number;
  /** Longest line kept, cut with `…`. Default 4 KiB. */
  readonly maxLineBytes?: number;
  /**
   * Characters of output (each line as delivered, a newline counted) read per run before the
   * follower stops reading it: a run that floods its first seconds (10 MB lines, a debug storm)
   * costs memory and CPU for lines that are let go anyway, and its tail, read when it fails, is
   * bounded. Default 1 MiB.
   */
  readonly maxReadBytes?: number;
  /**
   * How far before the `start` event lines still belong to the run, when `startRun` gets no
   * `since`: a process's first lines can be stamped before Docker emits `start` (measured up to
   * 8 ms on Docker 20.10). Default 1000 ms.
   */
  readonly startLeadMs?: number;
}

export interface RunLogFollower extends AsyncDisposable {
  /**
   * A run began (a `start` event): follows its logs for `windowMs`, replacing any follower of the
   * same container. `since` (engine clock, ms) is where the run's lines begin; pass the previous
   * run's `die` time when known, so its last lines stay out. Default: `startedAt - startLeadMs`.
   * A run whose window is already over, or one beyond `maxFollowers`, is not followed.
   */
  startRun(run: {
    readonly id: string;
    readonly name: string;
    readonly startedAt: number;
    readonly since?: number;
  }): void;
  /** What the current run of `id` wrote so far; undefined when it is not (or no longer) followed. */
  linesFor(id: string): RunLogs | undefined;
  /**
   * Resolves with the run's lines once its stream is no longer being read (complete or failed),
   * or after `timeoutMs` with what came so far. A process that dies within ~40 ms of its start
   * gets its lines ~45 ms after the `die`; a longer run's stream ends just before it.
   */
  whenComplete(id: string, timeoutMs: number): Promise<RunLogs | undefined>;
  /** Stops following `id` and lets its lines go (the container was removed, or they were used). */
  forget(id: string): void;
  /** Stops every stream and waits for them to close; later runs are not followed. */
  stop(): Promise<void>;
  /** Streams open now. */
  readonly following: number;
}

interface Run {
  readonly id: string;
  readonly name: string;
  readonly startedAt: number;
  state: RunLogState;
  readonly lines: string[];
  bytes: number;
  /** Output delivered so far, kept or not, against `maxReadBytes`. */
  read: number;
  droppedLines: number;
  readonly controller: AbortController;
  readonly done: Promise<void>;
  readonly settled: { resolve: () => void };
}

/**
 * Follows each monitored container's logs during the first seconds of every run, so that when it
 * dies the diagnosis already has its lines: reading the log tail after a `die` waits 40-60 ms for
 * Docker's cleanup, a followed stream has delivered them ~0.5 ms before the `die` event arrives.
 * Bounded everywhere: lines and bytes per run, runs kept, streams open.
 */
export function createRunLogFollower(options: RunLogFollowerOptions): RunLogFollower {
  const { runtime, clock } = options;
  const logger = options.logger;
  const windowMs = options.windowMs ?? 10_000;
  const maxFollowers = options.maxFollowers ?? 32;
  const maxLines = options.maxLines ?? 200;
  const maxBytes = options.maxBytes ?? 64 * 1024;
  const maxLineBytes = Math.min(options.maxLineBytes ?? 4 * 1024, maxBytes);
  const maxReadBytes = options.maxReadBytes ?? 1024 * 1024;
  const startLeadMs = options.startLeadMs ?? 1000;

  // Insertion order = age: the oldest finished run is the first let go when room is needed.
  const runs = new Map<string, Run>();
  const streams = new Set<Promise<void>>();
  let stopped = false;
  let saidFull = false;
  let saidUnsupported = false;

  const countFollowing = (): number => {
    let count = 0;
    for (const run of runs.values()) if (run.state === 'following') count++;
    return count;
  };

  const snapshot = (run: Run): RunLogs => ({
    id: run.id,
    name: run.name,
    startedAt: run.startedAt,
    state: run.state,
    complete: run.state === 'complete',
    lines: [...run.lines],
    droppedLines: run.droppedLines,
  });

  const keep = (run: Run, raw: string): void => {
    run.read += raw.length + 1;
    if (run.read > maxReadBytes) {
      logger?.log('debug', 'run_logs_not_followed', {
        reason: `the run wrote more than ${maxReadBytes} characters; its tail is read when it fails`,
        container: run.name,
      });
      run.controller.abort();
      finish(run, 'stopped');
      return;
    }
    // Slice first: a line of megabytes from a careless runtime is not encoded whole.
    const line = truncateLine(raw.length > maxLineBytes ? raw.slice(0, maxLineBytes + 1) : raw, maxLineBytes);
    run.lines.push(line);
    run.bytes += byteLength(line) + 1;
    while (run.lines.length > maxLines || run.bytes > maxBytes) {
      const oldest = run.lines.shift();
      if (oldest === undefined) break;
      run.bytes -= byteLength(oldest) + 1;
      run.droppedLines++;
    }
  };

  const finish = (run: Run, state: RunLogState): void => {
    if (run.state !== 'following') return;
    run.state = state;
    run.settled.resolve();
    if (countFollowing() < maxFollowers) saidFull = false;
  };

  /** Room for one more run: lets the oldest finished runs go; false when every slot is streaming. */
  const makeRoom = (): boolean => {
    if (runs.size < maxFollowers) return true;
    for (const [id, run] of runs) {
      if (run.state === 'following') continue;
      runs.delete(id);
      if (runs.size < maxFollowers) return true;
    }
    return false;
  };

  const drop = (id: string): void => {
    const run = runs.get(id);
    if (run === undefined) return;
    runs.delete(id);
    run.controller.abort();
    finish(run, 'stopped');
  };

  return {
    startRun({ id, name, startedAt, since }) {
      drop(id);
      if (stopped) return;
      const follow = runtime.followLogs;
      if (follow === undefined) {
        if (!saidUnsupported) {
          saidUnsupported = true;
          logger?.log('debug', 'run_logs_not_followed', {
            reason: 'the container runtime cannot follow logs',
          });
        }
        return;
      }
      if (clock.now() - startedAt >= windowMs) return;
      if (!makeRoom()) {
        if (!saidFull) {
          saidFull = true;
          logger?.log('debug', 'run_logs_not_followed', {
            reason: `${maxFollowers} runs are already followed`,
            container: name,
          });
        }
        return;
      }

      const controller = new AbortController();
      let resolveDone = () => {};
      const done = new Promise<void>((resolve) => {
        resolveDone = resolve;
      });
      const run: Run = {
        id,
        name,
        startedAt,
        state: 'following',
        lines: [],
        bytes: 0,
        read: 0,
        droppedLines: 0,
        controller,
        done,
        settled: { resolve: resolveDone },
      };
      runs.set(id, run);

      // The window: past it the run counts as started, and its lines are let go.
      const windowTimer = new AbortController();
      clock.sleep(windowMs - Math.max(0, clock.now() - startedAt), windowTimer.signal).then(
        () => {
          if (runs.get(id) === run) drop(id);
        },
        () => {},
      );

      const following = (() => {
        try {
          return follow.call(runtime, {
            id,
            since: Math.max(0, since ?? startedAt - startLeadMs),
            signal: controller.signal,
            onLine: (line) => {
              if (run.state === 'following' && !controller.signal.aborted) keep(run, line);
            },
          });
        } catch (error) {
          return Promise.reject(error);
        }
      })();
      const stream = following
        .then(
          () => {
            // Our own abort (window over, replaced, forgotten, stopped) is not the container stopping.
            if (controller.signal.aborted) return;
            finish(run, 'complete');
          },
          (error: unknown) => {
            if (controller.signal.aborted) return;
            logger?.log('debug', 'run_logs_follow_failed', {
              container: name,
              error: error instanceof Error ? error.message : String(error),
            });
            finish(run, 'failed');
          },
        )
        .finally(() => {
          streams.delete(stream);
          windowTimer.abort();
        });
      streams.add(stream);
    },

    linesFor(id) {
      const run = runs.get(id);
      return run === undefined ? undefined : snapshot(run);
    },

    async whenComplete(id, timeoutMs) {
      const run = runs.get(id);
      if (run === undefined) return undefined;
      if (run.state === 'following') {
        const timer = new AbortController();
        await Promise.race([run.done, clock.sleep(Math.max(0, timeoutMs), timer.signal).catch(() => {})]);
        timer.abort();
      }
      return snapshot(run);
    },

    forget(id) {
      drop(id);
    },

    async stop() {
      stopped = true;
      for (const id of [...runs.keys()]) drop(id);
      await Promise.all([...streams]);
    },

    async [Symbol.asyncDispose]() {
      await this.stop();
    },

    get following() {
      return countFollowing();
    },
  };
}
