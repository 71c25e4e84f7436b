// `BENCH_ONLY=footprint pnpm bench` (started by bench/run.ts): benchmarks 4-5 alone, a full check
// pass over N containers and the CPU and memory of the agent process watching them. Their rows and
// notes replace those of the last run in BENCHMARKS.md; every other row stays as it was, and a line
// says which rows were measured when.
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@website-monitor/core';
import { createDockerRuntime } from '@website-monitor/docker-adapter';
import { ensureTestImage, getTestDocker, waitForHttp } from '@website-monitor/test-support';
import { benchContainers } from './src/bench-containers.js';
import { benchmarksIntro } from './src/benchmarks-intro.js';
import { runFootprintBenchmarks } from './src/footprint-benchmarks.js';
import { mergeResultsSection, readResultsSection, writeBenchmarksFile } from './src/report.js';
import { runningChildren } from './src/resource-usage.js';
import { type StagedCli, stageCli } from './src/stage-cli.js';

const samples = positiveIntegerFromEnv('BENCH_SAMPLES', 20);
const containerCount = positiveIntegerFromEnv('BENCH_CONTAINERS', 100);
const watchSeconds = positiveIntegerFromEnv('BENCH_WATCH_SECONDS', 60);
const benchmarksPath = join(dirname(fileURLToPath(import.meta.url)), '..', 'BENCHMARKS.md');

const runId = `bench-${randomBytes(3).toString('hex')}`;
const prefix = `wm-${runId}`;
const docker = getTestDocker();
const containers = benchContainers({ docker, runId });
const benchStartedAt = performance.now();
const progress = (line: string) => {
  process.stderr.write(`bench [${((performance.now() - benchStartedAt) / 1000).toFixed(0)} s] ${line}\n`);
};

let cleanedUp: Promise<void> | undefined;
function cleanUp(): Promise<void> {
  cleanedUp ??= (async () => {
    for (const child of runningChildren) child.kill('SIGKILL');
    const removed = await containers.removeAll();
    progress(`removed ${removed} container(s) of run ${runId}`);
  })();
  return cleanedUp;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  });
}

const agentErrors: string[] = [];
const collectErrors: Logger = {
  log(level, event, fields) {
    if (level === 'error') agentErrors.push(`${event} ${JSON.stringify(fields ?? {})}`);
  },
};

let stagedCli: StagedCli | undefined;
const agentRuntime = createDockerRuntime();
try {
  await ensureTestImage(docker);
  stagedCli = await stageCli();
  progress(
    `run ${runId}: benchmarks 4-5 only, ${samples} samples, ${containerCount} containers, ${watchSeconds} s watch`,
  );
  progress(`starting ${containerCount} containers with HTTP endpoints`);
  const web = await containers.startMany(
    Array.from({ length: containerCount }, (_, index) => ({
      name: `${prefix}-web-${index}`,
      publishHttp: true,
    })),
  );
  // One at a time: 100 polls at once starve a 2-core machine (see bench.ts).
  for (const container of web) await waitForHttp(container.url('/health'), { timeoutMs: 60_000 });
  const { rows, notes } = await runFootprintBenchmarks({
    samples,
    watchSeconds,
    containers: web,
    agentRuntime,
    logger: collectErrors,
    launcher: stagedCli.launcher,
    progress,
  });
  for (const error of agentErrors.slice(0, 10)) notes.push(`4-5: agent logged an error: ${error}`);
  if (agentErrors.length > 10) notes.push(`4-5: ... and ${agentErrors.length - 10} more agent errors`);

  const knobs = ['BENCH_SAMPLES', 'BENCH_CONTAINERS', 'BENCH_WATCH_SECONDS']
    .filter((name) => process.env[name] !== undefined)
    .map((name) => `${name}=${process.env[name]}`);
  const command = [...knobs, 'BENCH_ONLY=footprint', 'pnpm bench'].join(' ');
  const results = mergeResultsSection({
    current: readResultsSection(benchmarksPath),
    numbers: ['4', '5'],
    rows,
    notes,
    measuredLine: `Rows measured again: 4, 5 on ${new Date().toISOString()} with \`${command}\` (the others are from the date above)`,
  });
  process.stdout.write(`\n${results}\n`);
  writeBenchmarksFile({ path: benchmarksPath, intro: benchmarksIntro, results });
  progress(`wrote ${benchmarksPath}`);
} finally {
  stagedCli?.remove();
  await cleanUp();
  await agentRuntime[Symbol.asyncDispose]();
}

function positiveIntegerFromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`bench: ${name} must be a whole number >= 1, got "${text}"`);
    process.exit(2);
  }
  return value;
}
