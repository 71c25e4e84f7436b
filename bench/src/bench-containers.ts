import {
  TEST_APP_PORT,
  TEST_IMAGE,
  TEST_LABEL,
  TEST_RUN_LABEL,
  type TestAppBehaviour,
  testAppEnv,
} from '@website-monitor/test-support';
import type Docker from 'dockerode';

export interface BenchContainerSpec {
  /** Full container name; the agent's `listed` config names containers before they exist. */
  readonly name: string;
  readonly behaviour?: TestAppBehaviour;
  /** A Docker HEALTHCHECK running `/app/testapp healthcheck` every `intervalMs`, unhealthy after one failure. */
  readonly healthcheckIntervalMs?: number;
  readonly restartPolicy?: 'no' | 'on-failure';
  readonly labels?: Readonly<Record<string, string>>;
  /** Publish the app port on 127.0.0.1 (ephemeral host port). */
  readonly publishHttp?: boolean;
}

export interface BenchContainer {
  readonly id: string;
  readonly name: string;
  readonly hostPort: number | undefined;
  url(path: string): string;
}

const appPort = `${TEST_APP_PORT}/tcp`;

/**
 * Label naming the bench process that started a container (its pid), so a later run can remove
 * what a bench killed with SIGKILL left behind, and only that: a live bench's pid answers.
 */
export const BENCH_PID_LABEL = 'website-monitor-bench.pid';

/** Engine calls at once while removing containers: 500 at once make Docker 20.10 time calls out. */
const removeConcurrency = 16;
/** Rounds of list-and-remove before `removeAll` gives up and says what is left. */
const removeRounds = 5;

/**
 * Containers of the local test image for one bench run: the test label plus the run's label (so
 * `removeAll` finds exactly ours), `Init: true` so the app's own exit is immediate, and ports on
 * 127.0.0.1 only. Unlike `startTestContainer`, the caller chooses the name and nothing waits.
 */
export function benchContainers(options: { readonly docker: Docker; readonly runId: string }) {
  const { docker, runId } = options;
  /** Set by `removeAll`: no container is created after it, so none outlives the clean-up. */
  let closed = false;
  const inFlight = new Set<Promise<unknown>>();

  function start(spec: BenchContainerSpec): Promise<BenchContainer> {
    if (closed)
      return Promise.reject(new Error(`bench run ${runId} is cleaning up: ${spec.name} not started`));
    const starting = startNow(spec);
    inFlight.add(starting);
    void starting.catch(() => undefined).finally(() => inFlight.delete(starting));
    return starting;
  }

  async function startNow(spec: BenchContainerSpec): Promise<BenchContainer> {
    const container = await docker.createContainer({
      name: spec.name,
      Image: TEST_IMAGE,
      Env: testAppEnv(spec.behaviour ?? {}),
      Labels: {
        ...spec.labels,
        [TEST_LABEL]: '1',
        [TEST_RUN_LABEL]: runId,
        [BENCH_PID_LABEL]: String(process.pid),
      },
      ...(spec.publishHttp ? { ExposedPorts: { [appPort]: {} } } : {}),
      ...(spec.healthcheckIntervalMs
        ? {
            Healthcheck: {
              Test: ['CMD', '/app/testapp', 'healthcheck'],
              Interval: spec.healthcheckIntervalMs * 1_000_000,
              Timeout: 2_000 * 1_000_000,
              Retries: 1,
              StartPeriod: 0,
            },
          }
        : {}),
      HostConfig: {
        Init: true,
        ...(spec.publishHttp ? { PortBindings: { [appPort]: [{ HostIp: '127.0.0.1', HostPort: '' }] } } : {}),
        RestartPolicy: { Name: spec.restartPolicy ?? 'no', MaximumRetryCount: 0 },
      },
    });
    // Created under its own name, as users do: the agent leaves a created-but-not-started
    // container alone and starts watching it at its `start` event.
    await container.start();
    let hostPort: number | undefined;
    if (spec.publishHttp) {
      const info = await container.inspect();
      const binding = info.NetworkSettings.Ports?.[appPort]?.[0];
      if (!binding?.HostPort) throw new Error(`container ${spec.name} has no host port for ${appPort}`);
      hostPort = Number(binding.HostPort);
    }
    return {
      id: container.id,
      name: spec.name,
      hostPort,
      url(path) {
        if (hostPort === undefined) throw new Error(`container ${spec.name} has no published port`);
        return `http://127.0.0.1:${hostPort}${path}`;
      },
    };
  }

  /** Starts many, `batchSize` at a time: a start costs ~0.2 s and the engine serializes part of it. */
  async function startMany(specs: readonly BenchContainerSpec[], batchSize = 8): Promise<BenchContainer[]> {
    const started: BenchContainer[] = [];
    for (let index = 0; index < specs.length; index += batchSize) {
      if (closed) throw new Error(`bench run ${runId} is cleaning up: no more containers started`);
      started.push(...(await Promise.all(specs.slice(index, index + batchSize).map(start))));
    }
    return started;
  }

  const remove = (container: { readonly id: string }) => forceRemove(docker, container.id);

  /**
   * Every container of this run, removed: creation is closed first and the starts under way are
   * waited for (a Ctrl-C in the middle of starting 500 would otherwise race the listing), then the
   * run's containers are listed and removed `removeConcurrency` at a time, again until none is
   * listed. Throws naming what is left if some are still there after `removeRounds` rounds.
   */
  async function removeAll(): Promise<number> {
    closed = true;
    await Promise.allSettled([...inFlight]);
    let removed = 0;
    let lastError: unknown;
    for (let round = 0; round < removeRounds; round++) {
      const left = await listRun(docker, runId);
      if (left.length === 0) return removed;
      const failures = await inBatches(left, (id) => forceRemove(docker, id));
      removed += left.length - failures.length;
      lastError = failures[0] ?? lastError;
    }
    const left = await listRun(docker, runId);
    if (left.length === 0) return removed;
    throw new Error(
      `bench run ${runId}: ${left.length} container(s) still there after ${removeRounds} rounds of removal (remove them with \`docker rm -f $(docker ps -aq --filter label=${TEST_RUN_LABEL}=${runId})\`)${lastError ? `; last error: ${(lastError as Error).message}` : ''}`,
    );
  }

  return { start, startMany, remove, removeAll, left: () => listRun(docker, runId) };
}

export type BenchContainers = ReturnType<typeof benchContainers>;

/** Ids of the containers of one bench run, running or not. */
async function listRun(docker: Docker, runId: string): Promise<string[]> {
  const listed = await docker.listContainers({
    all: true,
    filters: { label: [`${TEST_LABEL}=1`, `${TEST_RUN_LABEL}=${runId}`] },
  });
  return listed.map((container) => container.Id);
}

/**
 * Removes the containers earlier bench processes on this machine left behind: those labelled with
 * the pid of a process that no longer runs (a bench killed with SIGKILL, or the machine's OOM
 * killer, runs no clean-up). A running bench's containers are left alone. Returns how many.
 */
export async function removeOrphanedBenchContainers(docker: Docker): Promise<number> {
  const listed = await docker.listContainers({
    all: true,
    filters: { label: [`${TEST_LABEL}=1`, BENCH_PID_LABEL] },
  });
  const orphaned = listed.filter((container) => !isRunning(Number(container.Labels[BENCH_PID_LABEL])));
  const failures = await inBatches(
    orphaned.map((container) => container.Id),
    (id) => forceRemove(docker, id),
  );
  return orphaned.length - failures.length;
}

/** Removes a container with its anonymous volumes; already gone or being removed is fine. */
async function forceRemove(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getContainer(id).remove({ force: true, v: true });
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== 404 && status !== 409) throw error;
  }
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs `run` over the items `removeConcurrency` at a time; returns the errors, one per failed item. */
async function inBatches<T>(items: readonly T[], run: (item: T) => Promise<unknown>): Promise<unknown[]> {
  const errors: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await run(item).catch((error: unknown) => errors.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.min(removeConcurrency, items.length) }, worker));
  return errors;
}
