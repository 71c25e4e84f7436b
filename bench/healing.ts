// `BENCH_ONLY=healing pnpm bench` (started by bench/run.ts): benchmarks 1-3 alone, the agent's
// reaction times (`die` and `unhealthy` -> restart call, crash -> running beside Docker's own
// policy). Their rows and notes replace those of the last run in BENCHMARKS.md; every other row
// stays as it was, and a line says which rows were measured when.
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Logger, parseMonitorConfig } from '@website-monitor/core';
import { createDockerRuntime } from '@website-monitor/docker-adapter';
import { ensureTestImage, getTestDocker } from '@website-monitor/test-support';
import { benchContainers } from './src/bench-containers.js';
import { benchmarksIntro } from './src/benchmarks-intro.js';
import { startEventLog } from './src/event-log.js';
import { runLatencyBenchmarks } from './src/latency-benchmarks.js';
import { mergeResultsSection, readResultsSection, writeBenchmarksFile } from './src/report.js';

const samples = positiveIntegerFromEnv('BENCH_SAMPLES', 20);
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

const observer = createDockerRuntime();
const agentRuntime = createDockerRuntime();
try {
  await ensureTestImage(docker);
  progress(`run ${runId}: benchmarks 1-3 only, ${samples} samples`);
  await using events = startEventLog({ runtime: observer });
  const { rows, notes } = await runLatencyBenchmarks({
    samples,
    prefix,
    containers,
    agentRuntime,
    events,
    logger: collectErrors,
    config: (names) =>
      parseMonitorConfig({
        text: JSON.stringify({
          monitoring: { discovery: 'listed', containers: names.map((name) => ({ name })) },
        }),
        file: 'bench config',
      }),
    progress,
  });
  for (const error of agentErrors.slice(0, 10)) notes.push(`1-3: agent logged an error: ${error}`);
  if (agentErrors.length > 10) notes.push(`1-3: ... and ${agentErrors.length - 10} more agent errors`);

  const knobs = ['BENCH_SAMPLES']
    .filter((name) => process.env[name] !== undefined)
    .map((name) => `${name}=${process.env[name]}`);
  const command = [...knobs, 'BENCH_ONLY=healing', 'pnpm bench'].join(' ');
  const results = mergeResultsSection({
    current: readResultsSection(benchmarksPath),
    numbers: ['1', '2', '3'],
    rows,
    notes,
    measuredLine: `Rows measured again: 1, 2, 3 on ${new Date().toISOString()} with \`${command}\` (the others are from the date above)`,
  });
  process.stdout.write(`\n${results}\n`);
  writeBenchmarksFile({ path: benchmarksPath, intro: benchmarksIntro, results });
  progress(`wrote ${benchmarksPath}`);
} finally {
  await cleanUp();
  await agentRuntime[Symbol.asyncDispose]();
  await observer[Symbol.asyncDispose]();
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
