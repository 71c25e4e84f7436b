// The benchmarks themselves (started by bench/run.ts): the agent's latencies, one full pass and
// its CPU/memory, each beside a baseline measured in the same run, printed and written to
// BENCHMARKS.md. See BENCHMARKS.md for what each line means.
import { cpus, release, totalmem } from 'node:os';
import { createDockerRuntime } from '@website-monitor/docker-adapter';
import { ensureTestImage, getTestDocker } from '@website-monitor/test-support';
import {
  benchCommand,
  benchmarksPath,
  positiveIntegerFromEnv,
  startBenchSession,
  startWebContainers,
} from './src/bench-session.js';
import { benchmarksIntro } from './src/benchmarks-intro.js';
import { runDetectionBenchmarks } from './src/detection-benchmarks.js';
import { startEventLog } from './src/event-log.js';
import { runFleetBenchmarks } from './src/fleet-benchmarks.js';
import { runFootprintBenchmarks } from './src/footprint-benchmarks.js';
import { runLatencyBenchmarks } from './src/latency-benchmarks.js';
import { type MachineInfo, type ResultRow, resultsSection, writeBenchmarksFile } from './src/report.js';
import { runScaleBenchmarks, startScaleContainers } from './src/scale-benchmarks.js';
import { type StagedCli, stageCli } from './src/stage-cli.js';
import { measureStores, storePlan } from './src/store-benchmarks.js';
import { storeResultRows } from './src/store-rows.js';

const samples = positiveIntegerFromEnv('BENCH_SAMPLES', 20);
const containerCount = positiveIntegerFromEnv('BENCH_CONTAINERS', 100);
const watchSeconds = positiveIntegerFromEnv('BENCH_WATCH_SECONDS', 60);
const healthRows = positiveIntegerFromEnv('BENCH_HEALTH_ROWS', 1_000_000);
const scaleCount = positiveIntegerFromEnv('BENCH_SCALE_CONTAINERS', 500);
const fleetHosts = positiveIntegerFromEnv('BENCH_FLEET_HOSTS', 10);
const fleetSeconds = positiveIntegerFromEnv('BENCH_FLEET_SECONDS', 60);
const session = startBenchSession();
const { runId, prefix, containers, progress } = session;

const notes: string[] = [];
const rows: ResultRow[] = [];
let stagedCli: StagedCli | undefined;
const observer = createDockerRuntime();
const agentRuntime = createDockerRuntime();
try {
  await ensureTestImage(getTestDocker());
  stagedCli = await stageCli();
  const engine = await observer.ping();
  const machine: MachineInfo = {
    date: new Date().toISOString(),
    command: benchCommand([
      'BENCH_SAMPLES',
      'BENCH_CONTAINERS',
      'BENCH_WATCH_SECONDS',
      'BENCH_HEALTH_ROWS',
      'BENCH_SCALE_CONTAINERS',
      'BENCH_FLEET_HOSTS',
      'BENCH_FLEET_SECONDS',
    ]),
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
    plan: storePlan,
    healthRows,
    incidentRows: Math.max(1, Math.round(healthRows / 10)),
    querySamples: samples,
    progress,
  });
  const storeResults = storeResultRows(stores);

  // ---- 12: a fleet of agents on one PostgreSQL (no containers either) --------------------------
  const fleet = await runFleetBenchmarks({
    session,
    hosts: fleetHosts,
    containers: containerCount,
    rowsPerHost: healthRows,
    writeSeconds: fleetSeconds,
    samples,
  });

  await using events = startEventLog({ runtime: observer });

  // ---- 1-3: latencies, one agent scoped to the containers it is told about ----------------------
  const latencies = await runLatencyBenchmarks({
    samples,
    prefix,
    containers,
    agentRuntime,
    events,
    logger: session.logger,
    progress,
  });
  rows.push(...latencies.rows);
  notes.push(...latencies.notes);

  // ---- 4: one full pass over N containers with HTTP endpoints ----------------------------------
  const web = await startWebContainers(session, containerCount);
  const footprint = await runFootprintBenchmarks({
    samples,
    watchSeconds,
    containers: web,
    agentRuntime,
    logger: session.logger,
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
    logger: session.logger,
    launcher: stagedCli.launcher,
    web,
    progress,
  });
  rows.push(...detection.rows);
  notes.push(...detection.notes);

  // ---- 10-11: one agent over BENCH_SCALE_CONTAINERS containers, idle and in a crash storm -------
  for (let index = 0; index < web.length; index += 8) {
    await Promise.all(web.slice(index, index + 8).map((container) => containers.remove(container)));
  }
  const scale = await runScaleBenchmarks({
    session,
    events,
    containers: await startScaleContainers(session, scaleCount),
    smallCount: containerCount,
    watchSeconds,
    launcher: stagedCli.launcher,
  });
  rows.push(...scale.rows);
  notes.push(...scale.notes);
  rows.push(...fleet.rows);
  notes.push(...fleet.notes);
  notes.push(...session.errorNotes(''));

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
  await session.cleanUp();
  await observer[Symbol.asyncDispose]();
  await agentRuntime[Symbol.asyncDispose]();
}
