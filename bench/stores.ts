// `BENCH_ONLY=stores pnpm bench` (started by bench/run.ts): benchmarks 6-7 alone, the stores'
// write throughput and the seed's queries over a large table. They need no containers. Their rows
// and notes replace those of the last run in BENCHMARKS.md.
import { positiveIntegerFromEnv, startBenchSession, writePartialResults } from './src/bench-session.js';
import { measureStores, storePlan } from './src/store-benchmarks.js';
import { storeResultRows } from './src/store-rows.js';

const samples = positiveIntegerFromEnv('BENCH_SAMPLES', 20);
const healthRows = positiveIntegerFromEnv('BENCH_HEALTH_ROWS', 1_000_000);
const session = startBenchSession();
session.progress(`run ${session.runId}: benchmarks 6-7 only, ${samples} samples, ${healthRows} health rows`);
const stores = await measureStores({
  runId: session.runId,
  plan: storePlan,
  healthRows,
  incidentRows: Math.max(1, Math.round(healthRows / 10)),
  querySamples: samples,
  progress: session.progress,
});
const { rows, notes } = storeResultRows(stores);
writePartialResults({
  only: 'stores',
  numbers: ['6', '7'],
  knobs: ['BENCH_SAMPLES', 'BENCH_HEALTH_ROWS'],
  rows,
  notes,
  progress: session.progress,
});
