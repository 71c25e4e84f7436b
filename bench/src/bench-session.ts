import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@website-monitor/core';
import { getTestDocker, waitForHttp } from '@website-monitor/test-support';
import {
  type BenchContainer,
  type BenchContainers,
  benchContainers,
  removeOrphanedBenchContainers,
} from './bench-containers.js';
import { benchmarksIntro } from './benchmarks-intro.js';
import { mergeResultsSection, type ResultRow, readResultsSection, writeBenchmarksFile } from './report.js';
import { runningChildren } from './resource-usage.js';

export const benchmarksPath = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'BENCHMARKS.md');

/**
 * What every bench entry (the full run and each `BENCH_ONLY=...` part) shares: a run id that names
 * its containers, progress lines with elapsed seconds, a logger that collects the agent's errors
 * (an error would make a latency meaningless, so they are printed with the results), and one
 * clean-up that kills child processes and removes the run's containers, also on Ctrl-C.
 */
export interface BenchSession {
  readonly runId: string;
  /** Prefix of every container name of this run. */
  readonly prefix: string;
  readonly containers: BenchContainers;
  readonly progress: (line: string) => void;
  readonly logger: Logger;
  /** The agent errors collected so far as notes, at most 10 and a count of the rest. */
  errorNotes(label: string): string[];
  cleanUp(): Promise<void>;
  /** Something else `cleanUp` undoes (a database to drop), also on Ctrl-C; run after the containers. */
  atCleanUp(task: () => Promise<void>): void;
}

export function startBenchSession(): BenchSession {
  const runId = `bench-${randomBytes(3).toString('hex')}`;
  const containers = benchContainers({ docker: getTestDocker(), runId });
  const startedAt = performance.now();
  const progress = (line: string) => {
    process.stderr.write(`bench [${((performance.now() - startedAt) / 1000).toFixed(0)} s] ${line}\n`);
  };
  const agentErrors: string[] = [];
  let cleanedUp: Promise<void> | undefined;
  const cleanUpTasks: (() => Promise<void>)[] = [];
  const session: BenchSession = {
    runId,
    prefix: `wm-${runId}`,
    containers,
    progress,
    logger: {
      log(level, event, fields) {
        if (level === 'error') agentErrors.push(`${event} ${JSON.stringify(fields ?? {})}`);
      },
    },
    errorNotes(label) {
      const notes = agentErrors.slice(0, 10).map((error) => `${label}agent logged an error: ${error}`);
      if (agentErrors.length > 10) notes.push(`${label}... and ${agentErrors.length - 10} more agent errors`);
      return notes;
    },
    cleanUp() {
      cleanedUp ??= (async () => {
        for (const child of runningChildren) child.kill('SIGKILL');
        try {
          const removed = await containers.removeAll();
          const left = await containers.left();
          progress(
            `removed ${removed} container(s) of run ${runId}; \`docker ps -a\` lists ${left.length} of them`,
          );
        } finally {
          for (const task of cleanUpTasks) {
            await task().catch((error: unknown) => progress(`clean-up: ${(error as Error).message}`));
          }
        }
      })();
      return cleanedUp;
    },
    atCleanUp(task) {
      cleanUpTasks.push(task);
    },
  };
  // Ctrl-C, a kill, or an error nothing caught: the run's containers and agents go first. A second
  // Ctrl-C while that runs is ignored (the default would exit and leave the containers behind).
  const exitAfterCleanUp = (code: number) => {
    void session
      .cleanUp()
      .catch((error: unknown) => progress(`clean-up failed: ${(error as Error).message}`))
      .finally(() => process.exit(code));
  };
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (stopping) {
        progress(`${signal}: still cleaning up, please wait`);
        return;
      }
      stopping = true;
      progress(`${signal}: cleaning up`);
      exitAfterCleanUp(130);
    });
  }
  for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
    process.on(event, (error: unknown) => {
      progress(`${event}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (stopping) return;
      stopping = true;
      exitAfterCleanUp(1);
    });
  }
  void removeOrphanedBenchContainers(getTestDocker()).then(
    (removed) => {
      if (removed > 0)
        progress(`removed ${removed} container(s) left behind by bench processes that no longer run`);
    },
    (error: unknown) =>
      progress(`could not look for containers of earlier bench runs: ${(error as Error).message}`),
  );
  return session;
}

/** A `BENCH_*` knob from the environment; anything but a whole number >= 1 stops the bench (exit 2). */
export function positiveIntegerFromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`bench: ${name} must be a whole number >= 1, got "${text}"`);
    process.exit(2);
  }
  return value;
}

/** The command line that reproduces this run: the knobs that were set, then `pnpm bench`. */
export function benchCommand(knobs: readonly string[], only?: string): string {
  const set = knobs
    .filter((name) => process.env[name] !== undefined)
    .map((name) => `${name}=${process.env[name]}`);
  return [...set, ...(only === undefined ? [] : [`BENCH_ONLY=${only}`]), 'pnpm bench'].join(' ');
}

/**
 * A partial run (`BENCH_ONLY=...`): its rows and notes replace those with the same numbers in
 * BENCHMARKS.md, every other row stays, and a line says which rows were measured when.
 */
export function writePartialResults(options: {
  readonly only: string;
  readonly numbers: readonly string[];
  readonly knobs: readonly string[];
  readonly rows: readonly ResultRow[];
  readonly notes: readonly string[];
  readonly progress: (line: string) => void;
}): void {
  const command = benchCommand(options.knobs, options.only);
  const results = mergeResultsSection({
    current: readResultsSection(benchmarksPath),
    numbers: options.numbers,
    rows: options.rows,
    notes: options.notes,
    measuredLine: `Rows measured again: ${options.numbers.join(', ')} on ${new Date().toISOString()} with \`${command}\` (the others are from the date above)`,
  });
  process.stdout.write(`\n${results}\n`);
  writeBenchmarksFile({ path: benchmarksPath, intro: benchmarksIntro, results });
  options.progress(`wrote ${benchmarksPath}`);
}

/**
 * N containers with published HTTP endpoints, each answering before this returns. They are polled
 * one at a time: 100 polls at once, each forking a shell in its container, starve a 2-core machine
 * until every 2 s attempt times out; in turn, each answers in ~50 ms.
 */
export async function startWebContainers(session: BenchSession, count: number): Promise<BenchContainer[]> {
  session.progress(`starting ${count} containers with HTTP endpoints`);
  const web = await session.containers.startMany(
    Array.from({ length: count }, (_, index) => ({
      name: `${session.prefix}-web-${index}`,
      publishHttp: true,
    })),
  );
  for (const container of web) await waitForHttp(container.url('/health'), { timeoutMs: 60_000 });
  return web;
}
