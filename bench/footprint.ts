// `BENCH_ONLY=footprint pnpm bench` (started by bench/run.ts): benchmarks 4-5 alone, a full check
// pass over N containers and the CPU and memory of the agent process watching them. Their rows and
// notes replace those of the last run in BENCHMARKS.md.
import { createDockerRuntime } from '@website-monitor/docker-adapter';
import { ensureTestImage, getTestDocker } from '@website-monitor/test-support';
import {
  positiveIntegerFromEnv,
  startBenchSession,
  startWebContainers,
  writePartialResults,
} from './src/bench-session.js';
import { runFootprintBenchmarks } from './src/footprint-benchmarks.js';
import { type StagedCli, stageCli } from './src/stage-cli.js';

const samples = positiveIntegerFromEnv('BENCH_SAMPLES', 20);
const containerCount = positiveIntegerFromEnv('BENCH_CONTAINERS', 100);
const watchSeconds = positiveIntegerFromEnv('BENCH_WATCH_SECONDS', 60);
const session = startBenchSession();
let stagedCli: StagedCli | undefined;
const agentRuntime = createDockerRuntime();
try {
  await ensureTestImage(getTestDocker());
  stagedCli = await stageCli();
  session.progress(
    `run ${session.runId}: benchmarks 4-5 only, ${samples} samples, ${containerCount} containers, ${watchSeconds} s watch`,
  );
  const web = await startWebContainers(session, containerCount);
  const { rows, notes } = await runFootprintBenchmarks({
    samples,
    watchSeconds,
    containers: web,
    agentRuntime,
    logger: session.logger,
    launcher: stagedCli.launcher,
    progress: session.progress,
  });
  writePartialResults({
    only: 'footprint',
    numbers: ['4', '5'],
    knobs: ['BENCH_SAMPLES', 'BENCH_CONTAINERS', 'BENCH_WATCH_SECONDS'],
    rows,
    notes: [...notes, ...session.errorNotes('4-5: ')],
    progress: session.progress,
  });
} finally {
  stagedCli?.remove();
  await session.cleanUp();
  await agentRuntime[Symbol.asyncDispose]();
}
