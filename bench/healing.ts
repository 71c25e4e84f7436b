// `BENCH_ONLY=healing pnpm bench` (started by bench/run.ts): benchmarks 1-3 alone, the agent's
// reaction times (`die` and `unhealthy` -> restart call, crash -> running beside Docker's own
// policy). Their rows and notes replace those of the last run in BENCHMARKS.md.
import { createDockerRuntime } from '@website-monitor/docker-adapter';
import { ensureTestImage, getTestDocker } from '@website-monitor/test-support';
import { positiveIntegerFromEnv, startBenchSession, writePartialResults } from './src/bench-session.js';
import { startEventLog } from './src/event-log.js';
import { runLatencyBenchmarks } from './src/latency-benchmarks.js';

const samples = positiveIntegerFromEnv('BENCH_SAMPLES', 20);
const session = startBenchSession();
const observer = createDockerRuntime();
const agentRuntime = createDockerRuntime();
try {
  await ensureTestImage(getTestDocker());
  session.progress(`run ${session.runId}: benchmarks 1-3 only, ${samples} samples`);
  await using events = startEventLog({ runtime: observer });
  const { rows, notes } = await runLatencyBenchmarks({
    samples,
    prefix: session.prefix,
    containers: session.containers,
    agentRuntime,
    events,
    logger: session.logger,
    progress: session.progress,
  });
  writePartialResults({
    only: 'healing',
    numbers: ['1', '2', '3'],
    knobs: ['BENCH_SAMPLES'],
    rows,
    notes: [...notes, ...session.errorNotes('1-3: ')],
    progress: session.progress,
  });
} finally {
  await session.cleanUp();
  await agentRuntime[Symbol.asyncDispose]();
  await observer[Symbol.asyncDispose]();
}
