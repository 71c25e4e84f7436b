// `BENCH_ONLY=detection pnpm bench` (started by bench/run.ts): benchmarks 8 and 9 alone, HTTP
// failure -> incident and the CPU of the probe cadence, each beside its baseline in this run.
// Their rows and notes replace those of the last run in BENCHMARKS.md.
import { createDockerRuntime } from '@website-monitor/docker-adapter';
import { ensureTestImage, getTestDocker } from '@website-monitor/test-support';
import {
  positiveIntegerFromEnv,
  startBenchSession,
  startWebContainers,
  writePartialResults,
} from './src/bench-session.js';
import { runDetectionBenchmarks } from './src/detection-benchmarks.js';
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
    `run ${session.runId}: benchmarks 8-9 only, ${samples} samples, ${containerCount} containers, ${watchSeconds} s watch`,
  );
  const web = await startWebContainers(session, containerCount);
  const { rows, notes } = await runDetectionBenchmarks({
    samples,
    watchSeconds,
    prefix: session.prefix,
    containers: session.containers,
    runtime: agentRuntime,
    logger: session.logger,
    launcher: stagedCli.launcher,
    web,
    progress: session.progress,
  });
  writePartialResults({
    only: 'detection',
    numbers: ['8', '9'],
    knobs: ['BENCH_SAMPLES', 'BENCH_CONTAINERS', 'BENCH_WATCH_SECONDS'],
    rows,
    notes: [...notes, ...session.errorNotes('8: ')],
    progress: session.progress,
  });
} finally {
  stagedCli?.remove();
  await session.cleanUp();
  await agentRuntime[Symbol.asyncDispose]();
}
