// `BENCH_ONLY=scale pnpm bench` (started by bench/run.ts): benchmarks 10-11 alone, one agent over
// `BENCH_SCALE_CONTAINERS` containers (500) idle beside one over `BENCH_CONTAINERS` (100), then all
// of them crashing at once, healed by the agent and by Docker's own policy. With
// `BENCH_SCALE_BEFORE=<revision>` the agent of that revision is measured idle beside today's. Their
// rows and notes replace those of the last run in BENCHMARKS.md.
import { createDockerRuntime } from '@website-monitor/docker-adapter';
import { ensureTestImage, getTestDocker } from '@website-monitor/test-support';
import { positiveIntegerFromEnv, startBenchSession, writePartialResults } from './src/bench-session.js';
import { checkoutRevision, type RevisionTree } from './src/checkout-revision.js';
import { startEventLog } from './src/event-log.js';
import { runScaleBenchmarks, startScaleContainers } from './src/scale-benchmarks.js';
import { type StagedCli, stageCli } from './src/stage-cli.js';

const containerCount = positiveIntegerFromEnv('BENCH_CONTAINERS', 100);
const watchSeconds = positiveIntegerFromEnv('BENCH_WATCH_SECONDS', 60);
const scaleCount = positiveIntegerFromEnv('BENCH_SCALE_CONTAINERS', 500);
const beforeRevision = process.env.BENCH_SCALE_BEFORE || undefined;
const session = startBenchSession();
let stagedCli: StagedCli | undefined;
let beforeTree: RevisionTree | undefined;
let beforeCli: StagedCli | undefined;
const observer = createDockerRuntime();
try {
  await ensureTestImage(getTestDocker());
  stagedCli = await stageCli();
  if (beforeRevision !== undefined) {
    beforeTree = checkoutRevision(beforeRevision);
    beforeCli = await stageCli({ from: beforeTree.root, name: 'before' });
  }
  session.progress(
    `run ${session.runId}: benchmarks 10-11 only, ${scaleCount} containers beside ${containerCount}, ${watchSeconds} s idle${beforeTree ? `, beside ${beforeTree.commit.slice(0, 7)}` : ''}`,
  );
  await using events = startEventLog({ runtime: observer });
  const { rows, notes } = await runScaleBenchmarks({
    session,
    events,
    containers: await startScaleContainers(session, scaleCount),
    smallCount: containerCount,
    watchSeconds,
    launcher: stagedCli.launcher,
    ...(beforeTree && beforeCli
      ? { before: { launcher: beforeCli.launcher, commit: beforeTree.commit, subject: beforeTree.subject } }
      : {}),
  });
  writePartialResults({
    only: 'scale',
    numbers: ['10', '11'],
    knobs: ['BENCH_CONTAINERS', 'BENCH_WATCH_SECONDS', 'BENCH_SCALE_CONTAINERS', 'BENCH_SCALE_BEFORE'],
    rows,
    notes: [...notes, ...session.errorNotes('10-11: ')],
    progress: session.progress,
  });
} finally {
  stagedCli?.remove();
  beforeCli?.remove();
  beforeTree?.remove();
  await session.cleanUp();
  await observer[Symbol.asyncDispose]();
}
