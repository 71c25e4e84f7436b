// `BENCH_ONLY=fleet pnpm bench` (started by bench/run.ts): benchmark 12 alone, a fleet of agents
// sharing one PostgreSQL: the seed's queries (and their per-host versions) over
// `BENCH_FLEET_HOSTS` hosts x `BENCH_HEALTH_ROWS` rows, and the writes of that many agents of
// `BENCH_CONTAINERS` containers at the default intervals, each beside the single-host figure. It
// needs no containers. Its rows and notes replace those of the last run in BENCHMARKS.md.
import { positiveIntegerFromEnv, startBenchSession, writePartialResults } from './src/bench-session.js';
import { runFleetBenchmarks } from './src/fleet-benchmarks.js';

const samples = positiveIntegerFromEnv('BENCH_SAMPLES', 20);
const containerCount = positiveIntegerFromEnv('BENCH_CONTAINERS', 100);
const healthRows = positiveIntegerFromEnv('BENCH_HEALTH_ROWS', 1_000_000);
const fleetHosts = positiveIntegerFromEnv('BENCH_FLEET_HOSTS', 10);
const fleetSeconds = positiveIntegerFromEnv('BENCH_FLEET_SECONDS', 60);
const session = startBenchSession();
try {
  session.progress(
    `run ${session.runId}: benchmark 12 only, ${fleetHosts} hosts x ${containerCount} containers, ${healthRows} health rows per host, ${fleetSeconds} s of writes`,
  );
  const { rows, notes } = await runFleetBenchmarks({
    session,
    hosts: fleetHosts,
    containers: containerCount,
    rowsPerHost: healthRows,
    writeSeconds: fleetSeconds,
    samples,
  });
  writePartialResults({
    only: 'fleet',
    numbers: ['12'],
    knobs: [
      'BENCH_SAMPLES',
      'BENCH_CONTAINERS',
      'BENCH_HEALTH_ROWS',
      'BENCH_FLEET_HOSTS',
      'BENCH_FLEET_SECONDS',
    ],
    rows,
    notes,
    progress: session.progress,
  });
} finally {
  await session.cleanUp();
}
