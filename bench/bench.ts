// The benchmarks themselves (started by bench/run.ts): the agent's latencies, one full pass and
// its CPU/memory, each beside a baseline measured in the same run, printed and written to
// BENCHMARKS.md. See BENCHMARKS.md for what each line means.
import { randomBytes } from 'node:crypto';
import { cpus, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Logger, parseMonitorConfig, WebsiteMonitorAgent } from '@website-monitor/core';
import { createDockerRuntime } from '@website-monitor/docker-adapter';
import { ensureTestImage, getTestDocker, waitForHttp } from '@website-monitor/test-support';
import { benchContainers } from './src/bench-containers.js';
import { benchmarksIntro } from './src/benchmarks-intro.js';
import { runDetectionBenchmarks } from './src/detection-benchmarks.js';
import { startEventLog } from './src/event-log.js';
import { measureFullPass } from './src/full-pass.js';
import { runLatencyBenchmarks } from './src/latency-benchmarks.js';
import {
  formatRatio,
  formatSummary,
  type MachineInfo,
  type ResultRow,
  resultsSection,
  writeBenchmarksFile,
} from './src/report.js';
import { measureResourceUsage, runningChildren, v8DefaultSemiSpaceMb } from './src/resource-usage.js';
import { type StagedCli, stageCli } from './src/stage-cli.js';
import { measureStores } from './src/store-benchmarks.js';
import { storeResultRows } from './src/store-rows.js';
import { summarize } from './src/summarize.js';

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
  const webEntries = web.map((container) => ({
    name: container.name,
    health_endpoint: container.url('/health'),
  }));
  // No periodic work in between: every probe measured is one the pass itself made.
  const passAgent = new WebsiteMonitorAgent({
    config: configFor(
      webEntries.map((entry) => ({ ...entry, check_interval_seconds: 3600 })),
      { interval_seconds: 3600 },
    ),
    runtime: agentRuntime,
    logger: collectErrors,
  });
  await passAgent.start();
  await passAgent.idle();
  const fullPass = await measureFullPass({
    samples,
    agent: passAgent,
    runtime: agentRuntime,
    web,
    budgetMs: 240_000,
    progress,
  });
  await passAgent.stop();
  const agentPass = summarize(fullPass.agentPassMs);
  const baselinePass = summarize(fullPass.baselinePassMs);
  rows.push({
    measurement: `4. full check pass over ${containerCount} containers; baseline: sequential inspect + GET`,
    agent: formatSummary(agentPass, 'ms'),
    baseline: formatSummary(baselinePass, 'ms'),
    ratio: formatRatio(agentPass, baselinePass),
    target: 'agent < 1000 ms',
    met: agentPass.n > 0 && agentPass.median < 1000,
  });
  for (const error of fullPass.errors) notes.push(`failed sample: ${error}`);
  if (fullPass.cutShort) {
    notes.push(`the full-pass samples stopped at the 240 s budget: n=${agentPass.n} instead of ${samples}`);
  }

  // ---- 5: CPU and memory of the agent process watching them -------------------------------------
  progress(`agent process watching ${containerCount} containers for ${watchSeconds} s`);
  const resources = await measureResourceUsage({
    launcher: stagedCli.launcher,
    agentConfig: JSON.stringify(configObject(webEntries)),
    seconds: watchSeconds,
    progress,
  });
  const agentCpu = summarize(resources.agent.cpuPercent);
  const baselineCpu = summarize(resources.baseline.cpuPercent);
  const agentRss = summarize(resources.agent.rssMb);
  const baselineRss = summarize(resources.baseline.rssMb);
  const defaultHeapRss = summarize(resources.defaultHeapAgent.rssMb);
  rows.push(
    {
      measurement: `5. CPU, % of one core, per second over ${watchSeconds} s; baseline: bare node`,
      agent: formatSummary(agentCpu, '%', 1),
      baseline: formatSummary(baselineCpu, '%', 1),
      ratio: '–',
      target: '–',
      met: undefined,
    },
    {
      measurement: `5. CPU seconds used in those ${watchSeconds} s`,
      agent: `${resources.agent.cpuSeconds.toFixed(2)} s`,
      baseline: `${resources.baseline.cpuSeconds.toFixed(2)} s`,
      ratio: '–',
      target: '–',
      met: undefined,
    },
    {
      measurement: '5. RSS: median / max',
      agent: `${agentRss.median.toFixed(1)} / ${agentRss.max.toFixed(1)} MB`,
      baseline: `${baselineRss.median.toFixed(1)} / ${baselineRss.max.toFixed(1)} MB`,
      ratio: formatRatio(agentRss, baselineRss),
      target: 'max < 120 MB',
      met: agentRss.max < 120,
    },
    {
      measurement: `5. RSS: median / max; baseline: the same agent beside it with V8's default young generation (\`--max-semi-space-size=${v8DefaultSemiSpaceMb}\`)`,
      agent: `${agentRss.median.toFixed(1)} / ${agentRss.max.toFixed(1)} MB`,
      baseline: `${defaultHeapRss.median.toFixed(1)} / ${defaultHeapRss.max.toFixed(1)} MB`,
      ratio: formatRatio(agentRss, defaultHeapRss),
      target: '–',
      met: undefined,
    },
    {
      measurement: '5. CPU seconds, the same pair (the cost of more frequent scavenges)',
      agent: `${resources.agent.cpuSeconds.toFixed(2)} s`,
      baseline: `${resources.defaultHeapAgent.cpuSeconds.toFixed(2)} s`,
      ratio:
        resources.defaultHeapAgent.cpuSeconds > 0
          ? `${(resources.agent.cpuSeconds / resources.defaultHeapAgent.cpuSeconds).toFixed(2)}x`
          : '–',
      target: '–',
      met: undefined,
    },
  );
  notes.push(
    `the agent process ran as \`${resources.agentCommandLine}\` (its /proc cmdline) and logged \`agent_started\` ${resources.agentStartMs} ms after it was spawned; sampling began 5 s later; the default-heap agent beside it ran as \`${resources.defaultHeapCommandLine}\``,
  );
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
