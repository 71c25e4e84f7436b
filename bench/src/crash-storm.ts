import { getTestDocker } from '@website-monitor/test-support';
import type { BenchContainer } from './bench-containers.js';
import type { EventLog } from './event-log.js';
import { wallClockMs } from './wall-clock.js';

/** How each container of a storm came back, in the daemon's clock. */
export interface StormResult {
  /** Containers whose storm `die` was seen. */
  readonly died: number;
  /** Containers running again (a `start` after that `die`) within the budget. */
  readonly restarted: number;
  /** First `die` -> last `start`: "all N crash at once -> the last one running". */
  readonly lastRunningMs: number | undefined;
  /** First `die` -> last `die`: how "at once" the crashes were. */
  readonly crashSpreadMs: number;
  /** Each container's `die` -> `start`. */
  readonly perContainerMs: number[];
}

/** Engine calls at once while crashing or re-configuring the containers (each is ~0.1 s of engine time). */
const engineConcurrency = 16;

/**
 * The containers the storm crashes: the test app with an exit timer too long to fire during a run
 * (`EXIT_AFTER_SECONDS`) and the exit code a crash has, so that `kill -USR1 1` in the container
 * (the timer's own signal, forwarded by Docker's init) makes it exit with code 1 at once: a `die`
 * with no `kill` event before it, which both the agent and Docker's `on-failure` policy treat as
 * a crash. A restarted run waits for its timer again, so each container crashes exactly once.
 */
export const crashOnSignal = { exitAfterSeconds: 100_000, exitCode: 1 } as const;

/**
 * Crashes every container as nearly at once as the engine allows (an exec each, 16 at a time),
 * then waits until each is running again (a `start` after its `die`), or until `budgetMs` ran out.
 */
export async function crashAllAndWait(options: {
  readonly containers: readonly BenchContainer[];
  readonly events: EventLog;
  readonly budgetMs: number;
  readonly progress: (line: string) => void;
  readonly label: string;
}): Promise<StormResult> {
  const { containers, events } = options;
  const docker = getTestDocker();
  const since = wallClockMs() - 1000;
  const deadline = wallClockMs() + options.budgetMs;
  const restarts = containers.map(async (container) => {
    const die = await events.waitFor({
      containerId: container.id,
      after: since,
      matches: (event) => event.action === 'die',
      timeoutMs: Math.max(1, deadline - wallClockMs()),
      what: 'die',
    });
    const start = await events
      .waitFor({
        containerId: container.id,
        after: die.daemonAt,
        matches: (event) => event.action === 'start',
        timeoutMs: Math.max(1, deadline - wallClockMs()),
        what: 'start',
      })
      .catch(() => undefined);
    return { die: die.daemonAt, start: start?.daemonAt };
  });
  const settled = Promise.allSettled(restarts);
  await inBatches(containers, async (container) => {
    const exec = await docker.getContainer(container.id).exec({ Cmd: ['kill', '-USR1', '1'] });
    await exec.start({ Detach: true });
  });
  options.progress(`${options.label}: ${containers.length} containers told to crash`);
  const ticker = setInterval(() => {
    void Promise.race([settled, Promise.resolve('pending')]).then((state) => {
      if (state === 'pending') options.progress(`${options.label}: waiting for the containers to run again`);
    });
  }, 10_000);
  const outcomes = await settled.finally(() => clearInterval(ticker));
  const dies: number[] = [];
  const starts: number[] = [];
  const perContainerMs: number[] = [];
  for (const outcome of outcomes) {
    if (outcome.status !== 'fulfilled') continue;
    dies.push(outcome.value.die);
    if (outcome.value.start === undefined) continue;
    starts.push(outcome.value.start);
    perContainerMs.push(outcome.value.start - outcome.value.die);
  }
  const firstDie = Math.min(...dies);
  return {
    died: dies.length,
    restarted: starts.length,
    lastRunningMs: starts.length > 0 ? Math.max(...starts) - firstDie : undefined,
    crashSpreadMs: dies.length > 0 ? Math.max(...dies) - firstDie : 0,
    perContainerMs,
  };
}

/** Hands the containers to Docker's own `on-failure` policy (or takes them back with `no`). */
export async function setRestartPolicy(
  containers: readonly BenchContainer[],
  name: 'no' | 'on-failure',
): Promise<void> {
  const docker = getTestDocker();
  await inBatches(containers, (container) =>
    docker.getContainer(container.id).update({ RestartPolicy: { Name: name, MaximumRetryCount: 0 } }),
  );
}

async function inBatches<T>(items: readonly T[], run: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(engineConcurrency, items.length) }, worker));
}
