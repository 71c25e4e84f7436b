import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { PassThrough } from 'node:stream';
import {
  type ContainerLogs,
  demuxDockerStream,
  type ExecResult,
  ensureTestImage,
  getTestDocker,
  TEST_APP_PORT,
  TEST_IMAGE,
  TEST_LABEL,
  TEST_RUN_LABEL,
  type TestContainer,
  type TestRestartPolicy,
  testRunId,
  waitForHttp,
} from '@website-monitor/test-support';

type Docker = ReturnType<typeof getTestDocker>;
type DockerContainer = ReturnType<Docker['getContainer']>;
type InspectInfo = Awaited<ReturnType<TestContainer['inspect']>>;

/** A test-image container running a shell script of ours, with the host settings a failure needs. */
export interface ScriptContainerOptions {
  /** Part of the name `wm-test-<purpose>-<random>`. */
  readonly purpose: string;
  /** The whole name instead (see `scriptContainerName`), for an agent that must list it before it exists. */
  readonly name?: string;
  /** Run by busybox `sh -c` (the image's entrypoint is replaced). */
  readonly script: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Added to the test labels. */
  readonly labels?: Readonly<Record<string, string>>;
  /** `User`, e.g. `65534` (nobody). */
  readonly user?: string;
  readonly readonlyRootfs?: boolean;
  /** Anonymous volumes (removed with the container), e.g. `/tmp` to keep a file across restarts of a read-only container. */
  readonly volumes?: readonly string[];
  /** Mount point -> tmpfs options, e.g. `{ '/data': 'size=64k' }`. */
  readonly tmpfs?: Readonly<Record<string, string>>;
  /** Memory limit; swap is limited to the same value. */
  readonly memoryLimitBytes?: number;
  readonly restartPolicy?: TestRestartPolicy;
  /**
   * Publish the app port on 127.0.0.1 and wait for `/` to answer. The host port is chosen once and
   * kept across restarts (Docker would pick a new ephemeral one at every start), so a configured
   * health endpoint still reaches the app after the agent restarts it. Otherwise the container
   * has no network at all (`--network none`): only its own loopback.
   */
  readonly publishHttp?: boolean;
}

export interface ScriptContainer extends AsyncDisposable {
  readonly id: string;
  readonly name: string;
  readonly hostPort: number | undefined;
  url(path?: string): string;
  inspect(): Promise<InspectInfo>;
  /** Runs argv (no shell) inside the container, as the container's user. */
  exec(argv: readonly string[]): Promise<ExecResult>;
  logs(): Promise<ContainerLogs>;
  remove(): Promise<void>;
}

const appPort = `${TEST_APP_PORT}/tcp`;

/**
 * Starts a container of the local test image whose main process is `sh -c script`, with the test
 * labels (so `removeTestContainers` finds it) and Docker's init (so `kill -USR1 1` reaches the
 * script, and a signal death shows as 128+n). No image is pulled and, unless `publishHttp`, the
 * container has no network.
 */
export async function startScriptContainer(options: ScriptContainerOptions): Promise<ScriptContainer> {
  const docker = getTestDocker();
  await ensureTestImage(docker);
  const name = options.name ?? scriptContainerName(options.purpose);
  const publish = options.publishHttp === true;
  const hostPort = publish ? await freeLoopbackPort() : undefined;
  const container = await docker.createContainer({
    name,
    Image: TEST_IMAGE,
    Entrypoint: ['sh', '-c'],
    Cmd: [options.script],
    Env: Object.entries(options.env ?? {}).map(([key, value]) => `${key}=${value}`),
    Labels: { ...options.labels, [TEST_LABEL]: '1', [TEST_RUN_LABEL]: testRunId },
    ...(options.user === undefined ? {} : { User: options.user }),
    ...(options.volumes ? { Volumes: Object.fromEntries(options.volumes.map((path) => [path, {}])) } : {}),
    ...(publish ? { ExposedPorts: { [appPort]: {} } } : {}),
    HostConfig: {
      Init: true,
      NetworkMode: publish ? 'bridge' : 'none',
      ...(publish
        ? { PortBindings: { [appPort]: [{ HostIp: '127.0.0.1', HostPort: String(hostPort) }] } }
        : {}),
      ...(options.readonlyRootfs ? { ReadonlyRootfs: true } : {}),
      ...(options.tmpfs ? { Tmpfs: { ...options.tmpfs } } : {}),
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
  const remove = async () => {
    await container.remove({ force: true, v: true }).catch(() => {});
  };
  try {
    await container.start();
    const url = (path = '/') => {
      if (hostPort === undefined) throw new Error(`${name} has no published port`);
      return `http://127.0.0.1:${hostPort}${path}`;
    };
    if (publish) await waitForHttp(url('/'), { timeoutMs: 15_000 });
    return {
      id: container.id,
      name,
      hostPort,
      url,
      inspect: () => container.inspect(),
      exec: (argv) => execIn(docker, container, argv),
      logs: async () =>
        demuxDockerStream(await container.logs({ stdout: true, stderr: true, follow: false })),
      remove,
      [Symbol.asyncDispose]: remove,
    };
  } catch (error) {
    const logs = await container.logs({ stdout: true, stderr: true }).catch(() => undefined);
    await remove();
    if (error instanceof Error && logs) {
      const output = demuxDockerStream(logs);
      error.message += `\n--- logs of ${name} ---\n${output.stdout}${output.stderr}`;
    }
    throw error;
  }
}

/** A fresh container name `wm-test-<purpose>-<random>`. */
export function scriptContainerName(purpose: string): string {
  return `wm-test-${purpose}-${randomBytes(3).toString('hex')}`;
}

async function execIn(
  docker: Docker,
  container: DockerContainer,
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

function collect(): { sink: PassThrough; text: () => string } {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { sink, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port from the kernel');
  return address.port;
}
