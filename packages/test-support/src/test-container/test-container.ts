import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import {
  type ContainerRuntimeClient,
  getContainerRuntimeClient,
  type StartedTestContainer,
} from 'testcontainers';
import { type ContainerLogs, demuxDockerStream } from '../container-logs/container-logs.js';
import { describeContainerState } from '../container-state/container-state.js';
import { forceRemove } from '../remove-test-containers/remove-test-containers.js';
import type { HealthMode, TestAppBehaviour } from '../test-app-behaviour/test-app-behaviour.js';
import {
  TestAppContainer,
  type TestHealthcheck,
  type TestRestartPolicy,
} from '../test-app-container/test-app-container.js';
import { ensureTestImage, TEST_APP_PORT } from '../test-image/test-image.js';
import { waitForHttp } from '../wait-for-http/wait-for-http.js';

export interface TestContainerOptions {
  /** Part of the name `wm-test-<purpose>-<random>` (default "app"). */
  readonly purpose?: string;
  readonly behaviour?: TestAppBehaviour;
  /** Extra environment, e.g. `{ PORT: '9090' }`. */
  readonly env?: Readonly<Record<string, string>>;
  /** A Docker HEALTHCHECK running `/app/testapp healthcheck` (the imported image has none). */
  readonly healthcheck?: TestHealthcheck;
  /** Memory limit; swap is limited to the same value. */
  readonly memoryLimitBytes?: number;
  readonly restartPolicy?: TestRestartPolicy;
  /** Added to the test labels. */
  readonly labels?: Readonly<Record<string, string>>;
  /** e.g. `container:<name>` to share another container's network. */
  readonly networkMode?: string;
  /** Publish the app port on 127.0.0.1 with an ephemeral host port (default: true unless networkMode is set). */
  readonly publishHttp?: boolean;
  /** What to wait for after start: `/` answering (default when published), running, or nothing. */
  readonly waitFor?: 'http' | 'running' | 'none';
  readonly startTimeoutMs?: number;
  /** Run label (default `testRunId`). */
  readonly runId?: string;
}

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A throwaway container of the test image; `await using` removes it even when the test throws. */
export interface TestContainer extends AsyncDisposable {
  readonly id: string;
  readonly name: string;
  /** The 127.0.0.1 port mapped to the app port, when published. */
  readonly hostPort: number | undefined;
  /** `http://127.0.0.1:<hostPort><path>`; throws when the port is not published. */
  url(path?: string): string;
  /** Polls `path` (default /health) until it answers 200. */
  waitForHttp(options?: { readonly path?: string; readonly timeoutMs?: number }): Promise<void>;
  inspect(): Promise<Docker.ContainerInspectInfo>;
  /** Runs argv (no shell) inside the container. */
  exec(argv: readonly string[]): Promise<ExecResult>;
  /** Switches how /health answers, through `docker exec`. */
  setHealth(mode: HealthMode): Promise<void>;
  setHealthDelay(ms: number): Promise<void>;
  logs(): Promise<ContainerLogs>;
  /** Waits for the container to stop and gives its exit code. */
  wait(): Promise<{ readonly exitCode: number }>;
  stop(options?: { readonly timeoutSeconds?: number }): Promise<void>;
  kill(signal?: string): Promise<void>;
  /** Force-removes it; removing twice is fine. */
  remove(): Promise<void>;
}

/**
 * Starts a container of the test image on the real engine, through testcontainers
 * (`TestAppContainer`): unique name, test labels, `Init: true`, app port on 127.0.0.1 only.
 *
 *     await using app = await startTestContainer({ purpose: 'health', behaviour: { healthMode: 'fail' } });
 *     const response = await fetch(app.url('/health'));
 */
export async function startTestContainer(options: TestContainerOptions = {}): Promise<TestContainer> {
  await ensureTestImage();
  const publishHttp = options.publishHttp ?? options.networkMode === undefined;
  if (publishHttp && options.networkMode?.startsWith('container:')) {
    throw new Error(
      `publishHttp cannot be used with networkMode ${options.networkMode}: that network owns the ports`,
    );
  }
  const name = `wm-test-${slug(options.purpose ?? 'app')}-${randomBytes(3).toString('hex')}`;
  const app = new TestAppContainer()
    .withName(name)
    .withLabels({ ...options.labels })
    // After `labels`: `removeTestContainers` finds containers by the test labels.
    .withRunId(options.runId)
    .withBehaviour(options.behaviour ?? {})
    .withEnvironment({ ...options.env })
    .withStartupTimeout(options.startTimeoutMs ?? 15_000);
  if (options.healthcheck) app.withTestAppHealthCheck(options.healthcheck);
  if (options.memoryLimitBytes) app.withMemoryLimit(options.memoryLimitBytes);
  if (options.restartPolicy) app.withRestartPolicy(options.restartPolicy);
  if (options.networkMode) app.withNetworkMode(options.networkMode);
  if (publishHttp) app.withPublishedHttp();
  if (options.waitFor) app.withReadiness(options.waitFor);
  const started = await app.start();
  return createHandle(await getContainerRuntimeClient(), started, name, publishHttp);
}

/**
 * The handle works through testcontainers' runtime client (the engine connection the container
 * was started through) more than through `StartedTestContainer`: its `stop()` also removes, and
 * does anything only the first time, and its `logs()` follows and merges stdout with stderr.
 */
function createHandle(
  client: ContainerRuntimeClient,
  started: StartedTestContainer,
  name: string,
  publishHttp: boolean,
): TestContainer {
  const id = started.getId();
  const hostPort = publishHttp ? started.getMappedPort(TEST_APP_PORT) : undefined;
  const container = client.container.getById(id);
  const url = (path = '/') => {
    if (hostPort === undefined) throw new Error(`container ${name} has no published HTTP port`);
    return `http://127.0.0.1:${hostPort}${path}`;
  };
  const whyNotRunning = async () => {
    const { State } = await container.inspect();
    return State.Running ? undefined : `container is ${describeContainerState(State)}`;
  };
  const exec = async (argv: readonly string[]): Promise<ExecResult> => {
    const { exitCode, stdout, stderr } = await started.exec([...argv]);
    return { exitCode, stdout, stderr };
  };
  const expectSuccess = async (argv: readonly string[]) => {
    const result = await exec(argv);
    if (result.exitCode !== 0) {
      throw new Error(`${argv.join(' ')} in ${name} exited ${result.exitCode}: ${result.stderr.trim()}`);
    }
  };
  const remove = () => forceRemove(client.container.dockerode, id);
  return {
    id,
    name,
    hostPort,
    url,
    waitForHttp: ({ path = '/health', timeoutMs } = {}) =>
      waitForHttp(url(path), { ...(timeoutMs ? { timeoutMs } : {}), giveUp: whyNotRunning }),
    inspect: () => container.inspect(),
    exec,
    setHealth: (mode) => expectSuccess(['/app/testapp', 'set-health', mode]),
    setHealthDelay: (ms) => expectSuccess(['/app/testapp', 'set-delay', String(ms)]),
    logs: async () => demuxDockerStream(await container.logs({ stdout: true, stderr: true, follow: false })),
    wait: async () => {
      const result = (await container.wait()) as { StatusCode: number };
      return { exitCode: result.StatusCode };
    },
    stop: async ({ timeoutSeconds = 10 } = {}) => {
      await client.container.stop(container, { timeout: timeoutSeconds * 1000 }); // already stopped is fine
    },
    kill: async (signal = 'SIGKILL') => {
      await container.kill({ signal });
    },
    remove,
    [Symbol.asyncDispose]: remove,
  };
}

function slug(purpose: string): string {
  const cleaned = purpose
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 30);
  return cleaned || 'app';
}
