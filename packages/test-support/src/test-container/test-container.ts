import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { type ContainerLogs, demuxDockerStream } from '../container-logs/container-logs.js';
import { getTestDocker, TEST_LABEL, TEST_RUN_LABEL, testRunId } from '../docker-client/docker-client.js';
import { forceRemove } from '../remove-test-containers/remove-test-containers.js';
import {
  type HealthMode,
  type TestAppBehaviour,
  testAppEnv,
} from '../test-app-behaviour/test-app-behaviour.js';
import { ensureTestImage, statusCodeOf, TEST_APP_PORT, TEST_IMAGE } from '../test-image/test-image.js';
import { waitForHttp } from '../wait-for-http/wait-for-http.js';

export interface TestHealthcheck {
  readonly intervalMs: number;
  /** Default: the interval. */
  readonly timeoutMs?: number;
  /** Failures in a row before "unhealthy" (default 1). */
  readonly retries?: number;
  readonly startPeriodMs?: number;
}

export interface TestRestartPolicy {
  readonly name: 'no' | 'always' | 'unless-stopped' | 'on-failure';
  readonly maximumRetryCount?: number;
}

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
  readonly docker?: Docker;
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

const appPort = `${TEST_APP_PORT}/tcp`;

/**
 * Starts a container of the test image on the real engine: unique name, test labels,
 * `Init: true`, app port on 127.0.0.1 only.
 *
 *     await using app = await startTestContainer({ purpose: 'health', behaviour: { healthMode: 'fail' } });
 *     const response = await fetch(app.url('/health'));
 */
export async function startTestContainer(options: TestContainerOptions = {}): Promise<TestContainer> {
  const docker = options.docker ?? getTestDocker();
  await ensureTestImage(docker);
  const publishHttp = options.publishHttp ?? options.networkMode === undefined;
  if (publishHttp && options.networkMode?.startsWith('container:')) {
    throw new Error(
      `publishHttp cannot be used with networkMode ${options.networkMode}: that network owns the ports`,
    );
  }
  const name = `wm-test-${slug(options.purpose ?? 'app')}-${randomBytes(3).toString('hex')}`;
  const env = [
    ...testAppEnv(options.behaviour ?? {}),
    ...Object.entries(options.env ?? {}).map(([key, value]) => `${key}=${value}`),
  ];
  const container = await docker.createContainer({
    name,
    Image: TEST_IMAGE,
    Env: env,
    Labels: {
      ...options.labels,
      [TEST_LABEL]: '1',
      [TEST_RUN_LABEL]: options.runId ?? testRunId,
    },
    ...(publishHttp ? { ExposedPorts: { [appPort]: {} } } : {}),
    ...(options.healthcheck ? { Healthcheck: healthcheckConfig(options.healthcheck) } : {}),
    HostConfig: {
      Init: true,
      ...(publishHttp ? { PortBindings: { [appPort]: [{ HostIp: '127.0.0.1', HostPort: '' }] } } : {}),
      ...(options.networkMode ? { NetworkMode: options.networkMode } : {}),
      ...(options.memoryLimitBytes
        ? { Memory: options.memoryLimitBytes, MemorySwap: options.memoryLimitBytes }
        : {}),
      ...(options.restartPolicy
        ? {
            RestartPolicy: {
              Name: options.restartPolicy.name,
              MaximumRetryCount: options.restartPolicy.maximumRetryCount ?? 0,
            },
          }
        : {}),
    },
  });

  try {
    await container.start();
    const info = await container.inspect();
    const hostPort = publishHttp ? readHostPort(info) : undefined;
    const handle = createHandle(docker, container, name, hostPort);
    const waitFor = options.waitFor ?? (publishHttp ? 'http' : 'running');
    const timeoutMs = options.startTimeoutMs ?? 15_000;
    if (waitFor === 'http') {
      await waitForHttp(handle.url('/'), { timeoutMs, giveUp: () => whyNotRunning(container) });
    } else if (waitFor === 'running' && !info.State.Running) {
      throw new Error(`container ${name} is not running after start (${info.State.Status})`);
    }
    return handle;
  } catch (error) {
    const logs = await container.logs({ stdout: true, stderr: true }).catch(() => undefined);
    await forceRemove(docker, container.id);
    const output = logs ? demuxDockerStream(logs) : undefined;
    const detail = output ? `\n--- logs of ${name} ---\n${output.stdout}${output.stderr}` : '';
    if (error instanceof Error) error.message += detail;
    throw error;
  }
}

function createHandle(
  docker: Docker,
  container: Docker.Container,
  name: string,
  hostPort: number | undefined,
): TestContainer {
  const url = (path = '/') => {
    if (hostPort === undefined) throw new Error(`container ${name} has no published HTTP port`);
    return `http://127.0.0.1:${hostPort}${path}`;
  };
  const exec = (argv: readonly string[]) => execIn(docker, container, argv);
  const remove = () => forceRemove(docker, container.id);
  return {
    id: container.id,
    name,
    hostPort,
    url,
    waitForHttp: ({ path = '/health', timeoutMs } = {}) =>
      waitForHttp(url(path), { ...(timeoutMs ? { timeoutMs } : {}), giveUp: () => whyNotRunning(container) }),
    inspect: () => container.inspect(),
    exec,
    setHealth: async (mode) => {
      await expectSuccess(name, ['/app/testapp', 'set-health', mode], exec);
    },
    setHealthDelay: async (ms) => {
      await expectSuccess(name, ['/app/testapp', 'set-delay', String(ms)], exec);
    },
    logs: async () => demuxDockerStream(await container.logs({ stdout: true, stderr: true, follow: false })),
    wait: async () => {
      const result = (await container.wait()) as { StatusCode: number };
      return { exitCode: result.StatusCode };
    },
    stop: async ({ timeoutSeconds = 10 } = {}) => {
      try {
        await container.stop({ t: timeoutSeconds });
      } catch (error) {
        if (statusCodeOf(error) !== 304) throw error; // 304: already stopped
      }
    },
    kill: async (signal = 'SIGKILL') => {
      await container.kill({ signal });
    },
    remove,
    [Symbol.asyncDispose]: remove,
  };
}

async function execIn(
  docker: Docker,
  container: Docker.Container,
  argv: readonly string[],
): Promise<ExecResult> {
  const exec = await container.exec({ Cmd: [...argv], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const stdout = collect();
  const stderr = collect();
  docker.modem.demuxStream(stream, stdout.sink, stderr.sink);
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  const info = await exec.inspect();
  return { exitCode: info.ExitCode ?? -1, stdout: stdout.text(), stderr: stderr.text() };
}

async function expectSuccess(
  name: string,
  argv: readonly string[],
  exec: (argv: readonly string[]) => Promise<ExecResult>,
): Promise<void> {
  const result = await exec(argv);
  if (result.exitCode !== 0) {
    throw new Error(`${argv.join(' ')} in ${name} exited ${result.exitCode}: ${result.stderr.trim()}`);
  }
}

function collect(): { sink: PassThrough; text: () => string } {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { sink, text: () => Buffer.concat(chunks).toString('utf8') };
}

function healthcheckConfig(healthcheck: TestHealthcheck) {
  const nanoseconds = (ms: number) => Math.round(ms * 1_000_000);
  return {
    Test: ['CMD', '/app/testapp', 'healthcheck'],
    Interval: nanoseconds(healthcheck.intervalMs),
    Timeout: nanoseconds(healthcheck.timeoutMs ?? healthcheck.intervalMs),
    Retries: healthcheck.retries ?? 1,
    StartPeriod: nanoseconds(healthcheck.startPeriodMs ?? 0),
  };
}

function readHostPort(info: Docker.ContainerInspectInfo): number {
  const binding = info.NetworkSettings.Ports?.[appPort]?.[0];
  if (!binding?.HostPort) throw new Error(`container ${info.Name} has no host port for ${appPort}`);
  return Number(binding.HostPort);
}

async function whyNotRunning(container: Docker.Container): Promise<string | undefined> {
  const { State } = await container.inspect();
  if (State.Running) return undefined;
  return `container is ${State.Status} (exit code ${State.ExitCode}${State.OOMKilled ? ', OOM-killed' : ''})`;
}

function slug(purpose: string): string {
  const cleaned = purpose
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 30);
  return cleaned || 'app';
}
