// The benchmarks themselves (started by bench/run.ts): the agent's latencies, one full pass and
// its CPU/memory, each beside a baseline measured in the same run, printed and written to
// BENCHMARKS.md. See BENCHMARKS.md for what each line means.
import { randomBytes } from 'node:crypto';
import { cpus, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Logger, parseMonitorConfig } from '@website-monitor/core';
import { createDockerRuntime } from '@website-monitor/docker-adapter';
import { ensureTestImage, getTestDocker, waitForHttp } from '@website-monitor/test-support';
import { benchContainers } from './src/bench-containers.js';
import { benchmarksIntro } from './src/benchmarks-intro.js';
import { runDetectionBenchmarks } from './src/detection-benchmarks.js';
import { startEventLog } from './src/event-log.js';
import { runFootprintBenchmarks } from './src/footprint-benchmarks.js';
import { runLatencyBenchmarks } from './src/latency-benchmarks.js';
import { type MachineInfo, type ResultRow, resultsSection, writeBenchmarksFile } from './src/report.js';
import { runningChildren } from './src/resource-usage.js';
import { type StagedCli, stageCli } from './src/stage-cli.js';
import { measureStores } from './src/store-benchmarks.js';
import { storeResultRows } from './src/store-rows.js';

const samples = positiveIntegerFromEnv('BENCH_SAMPLES', 20);
const containerCount = positiveIntegerFromEnv('BENCH_CONTAINERS', 100);
const watchSeconds = positiveIntegerFromEnv('BENCH_WATCH_SECONDS', 60);
const healthRows = positiveIntegerFromEnv('BENCH_HEALTH_ROWS', 1_000_000);
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

/** Agent errors would make a latency meaningless: they are collected and printed with the results. */
const agentErrors: string[] = [];
const collectErrors: Logger = {
  log(level, event, fields) {
    if (level === 'error') agentErrors.push(`${event} ${JSON.stringify(fields ?? {})}`);
  },
};

const notes: string[] = [];
const rows: ResultRow[] = [];
let stagedCli: StagedCli | undefined;
const observer = createDockerRuntime();
const agentRuntime = createDockerRuntime();
try {
  await ensureTestImage(docker);
  stagedCli = await stageCli();
  const engine = await observer.ping();
  const machine: MachineInfo = {
    date: new Date().toISOString(),
    command: commandLine(),
    cpus: `${cpus().length} CPU(s) (${cpus()[0]?.model.trim() ?? 'unknown model'})`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    kernel: release(),
    docker: `Engine ${engine.version}, API ${engine.apiVersion}`,
    node: process.version,
  };
  progress(`run ${runId}: ${samples} samples, ${containerCount} containers, ${watchSeconds} s watch`);

  // ---- 6-7: the stores (run first: they need no containers) -----------------------------------
  const stores = await measureStores({
    runId,
    plan: { rounds: 10, batchedRows: 10_000, batchSize: 500, unbatchedRows: 300, incidents: 200 },
    healthRows,
    incidentRows: Math.max(1, Math.round(healthRows / 10)),
    querySamples: samples,
    progress,
  });
  const storeResults = storeResultRows(stores);

  await using events = startEventLog({ runtime: observer });

  // ---- 1-3: latencies, one agent scoped to the containers it is told about ----------------------
  const latencies = await runLatencyBenchmarks({
    samples,
    prefix,
    containers,
    agentRuntime,
    events,
    logger: collectErrors,
    config: (names) => configFor(names.map((name) => ({ name }))),
    progress,
  });
  rows.push(...latencies.rows);
  notes.push(...latencies.notes);

  // ---- 4: one full pass over N containers with HTTP endpoints ----------------------------------
  progress(`starting ${containerCount} containers with HTTP endpoints`);
  const web = await containers.startMany(
    Array.from({ length: containerCount }, (_, index) => ({
      name: `${prefix}-web-${index}`,
      publishHttp: true,
    })),
  );
  // One at a time: 100 polls at once, each forking a shell in its container, starve the machine
  // until every 2 s attempt times out (seen on 2 cores); in turn, each answers in ~50 ms.
  for (const container of web) await waitForHttp(container.url('/health'), { timeoutMs: 60_000 });
  const footprint = await runFootprintBenchmarks({
    samples,
    watchSeconds,
    containers: web,
    agentRuntime,
    logger: collectErrors,
    launcher: stagedCli.launcher,
    progress,
  });
  rows.push(...footprint.rows);
  notes.push(...footprint.notes);
  rows.push(...storeResults.rows);
  notes.push(...storeResults.notes);

  // ---- 8-9: HTTP failure -> incident, and the CPU of the probe cadence ----------------------------
  const detection = await runDetectionBenchmarks({
    samples,
    watchSeconds,
    prefix,
    containers,
    runtime: agentRuntime,
    logger: collectErrors,
    launcher: stagedCli.launcher,
    web,
    progress,
  });
  rows.push(...detection.rows);
  notes.push(...detection.notes);
  for (const error of agentErrors.slice(0, 10)) notes.push(`agent logged an error: ${error}`);
  if (agentErrors.length > 10) notes.push(`... and ${agentErrors.length - 10} more agent errors`);

  const results = resultsSection({
    machine: { ...machine, postgres: `${stores.serverVersion} on 127.0.0.1:5432` },
    rows,
    notes,
  });
  process.stdout.write(`\n${results}\n`);
  writeBenchmarksFile({ path: benchmarksPath, intro: benchmarksIntro, results });
  progress(`wrote ${benchmarksPath}`);
} finally {
  stagedCli?.remove();
  await cleanUp();
  await observer[Symbol.asyncDispose]();
  await agentRuntime[Symbol.asyncDispose]();
}

/** A config scoped to the named containers only: other containers on the engine are never touched. */
function configFor(entries: readonly object[], monitoring: object = {}) {
  return parseMonitorConfig({
    text: JSON.stringify(configObject(entries, monitoring)),
    file: 'bench config',
  });
}

function configObject(entries: readonly object[], monitoring: object = {}) {
  return { monitoring: { discovery: 'listed', ...monitoring, containers: entries } };
}

function commandLine(): string {
  const knobs = ['BENCH_SAMPLES', 'BENCH_CONTAINERS', 'BENCH_WATCH_SECONDS', 'BENCH_HEALTH_ROWS']
    .filter((name) => process.env[name] !== undefined)
    .map((name) => `${name}=${process.env[name]}`);
  return [...knobs, 'pnpm bench'].join(' ');
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
