import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import {
  ensureTestImage,
  getTestDocker,
  TEST_APP_PORT,
  TEST_IMAGE,
  TEST_LABEL,
  TEST_RUN_LABEL,
  testRunId,
  waitForHttp,
} from '@website-monitor/test-support';

/** A test app whose HTTP port on 127.0.0.1 stays the same across restarts. */
export interface FixedPortApp extends AsyncDisposable {
  readonly id: string;
  readonly name: string;
  readonly hostPort: number;
  url(path?: string): string;
  inspect(): ReturnType<ReturnType<ReturnType<typeof getTestDocker>['getContainer']>['inspect']>;
}

/**
 * `startTestContainer` publishes an ephemeral host port, which Docker picks again at every start:
 * after the agent's restart the URL in the config would point nowhere. A health endpoint the agent
 * keeps probing needs a fixed port, so this picks a free one on 127.0.0.1 and binds it. Same image,
 * labels and init as the shared helper, so `removeTestContainers` cleans it up as well.
 */
export async function startFixedPortApp(options: { readonly purpose: string }): Promise<FixedPortApp> {
  const docker = getTestDocker();
  await ensureTestImage(docker);
  const hostPort = await freeLoopbackPort();
  const name = `wm-test-${options.purpose}-${randomBytes(3).toString('hex')}`;
  const appPort = `${TEST_APP_PORT}/tcp`;
  const container = await docker.createContainer({
    name,
    Image: TEST_IMAGE,
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
    await waitForHttp(url('/health'));
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
    [Symbol.asyncDispose]: remove,
  };
}

/** A port nobody listens on right now (the kernel's pick); Docker binds it a moment later. */
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
