import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import {
  ensureTestImage,
  getTestDocker,
  TEST_APP_PORT,
  TEST_IMAGE,
  TEST_LABEL,
  TEST_RUN_LABEL,
  type TestAppBehaviour,
  type TestContainer,
  testAppEnv,
  testRunId,
  waitForHttp,
} from '@website-monitor/test-support';

/** What the durability tests need of a fixed-port app: crash it, read its state, reach it. */
export type FixedPortApp = Pick<TestContainer, 'id' | 'name' | 'exec' | 'inspect' | 'url'> &
  AsyncDisposable & { readonly hostPort: number };

/**
 * A test app whose HTTP port on 127.0.0.1 stays the same across restarts (same image, labels and init as `startTestContainer`, so `removeTestContainers` removes it),
 * with a behaviour: an app that crashes on demand and whose /health the agent keeps probing at
 * the same 127.0.0.1 port after each of its restarts (Docker picks an ephemeral port anew at
 * every start).
 */
export async function startFixedPortApp(options: {
  readonly purpose: string;
  readonly behaviour?: TestAppBehaviour;
}): Promise<FixedPortApp> {
  const docker = getTestDocker();
  await ensureTestImage(docker);
  const hostPort = await freeLoopbackPort();
  const name = `wm-test-${options.purpose}-${randomBytes(3).toString('hex')}`;
  const appPort = `${TEST_APP_PORT}/tcp`;
  const container = await docker.createContainer({
    name,
    Image: TEST_IMAGE,
    Env: testAppEnv(options.behaviour ?? {}),
    Labels: { [TEST_LABEL]: '1', [TEST_RUN_LABEL]: testRunId },
    ExposedPorts: { [appPort]: {} },
    HostConfig: {
      Init: true,
      PortBindings: { [appPort]: [{ HostIp: '127.0.0.1', HostPort: String(hostPort) }] },
    },
  });
  const remove = async () => {
    await container.remove({ force: true, v: true }).catch(() => {});
  };
  const url = (path = '/') => `http://127.0.0.1:${hostPort}${path}`;
  try {
    await container.start();
    await waitForHttp(url('/'));
  } catch (error) {
    await remove();
    throw error;
  }
  return {
    id: container.id,
    name,
    hostPort,
    url,
    inspect: () => container.inspect(),
    async exec(argv) {
      const exec = await container.exec({ Cmd: [...argv], AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({ hijack: true, stdin: false });
      stream.resume();
      await new Promise<void>((resolve, reject) => {
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', reject);
      });
      const info = await exec.inspect();
      return { exitCode: info.ExitCode ?? -1, stdout: '', stderr: '' };
    },
    [Symbol.asyncDispose]: remove,
  };
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
