import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ensureTestImage,
  getTestDocker,
  removeTestContainers,
  startTestContainer,
  TEST_APP_PORT,
  TEST_IMAGE,
  TEST_LABEL,
  TEST_RUN_LABEL,
  testRunId,
  waitForHttp,
} from '@website-monitor/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eAgent } from './harness/e2e-agent.js';
import { reportFigure } from './harness/report-figure.js';
import { waitUntil } from './harness/wait-until.js';

// Issue 10, item 4: a `website-monitor.health_endpoint` label made the agent fetch any URL, the
// host's own loopback services included.
let hostService: Server;
let hostServicePort: number;
const hostServiceRequests: string[] = [];

beforeAll(async () => {
  // Stands for what lives on the host's loopback: a database admin page, the socket proxy.
  hostService = createServer((request, response) => {
    hostServiceRequests.push(request.url ?? '');
    response.end('host secret');
  });
  await new Promise<void>((resolve) => hostService.listen(0, '127.0.0.1', resolve));
  hostServicePort = (hostService.address() as AddressInfo).port;
});

afterAll(async () => {
  hostService.closeAllConnections();
  await new Promise((resolve) => hostService.close(resolve));
  await removeTestContainers({ runId: testRunId });
});

describe('a health_endpoint label', () => {
  it('cannot point the probe at a service on the host, while one at the container itself is probed', async () => {
    await using steering = await startTestContainer({
      purpose: 'label-steer',
      labels: { 'website-monitor.health_endpoint': `http://127.0.0.1:${hostServicePort}/label-steered` },
    });
    // Its own port, published on the host's loopback and named in its own label: allowed.
    await using own = await startOwnPortApp();
    await using monitor = await startE2eAgent({
      yaml: `
monitoring:
  interval_seconds: 60
  discovery: listed
  defaults:
    start_period_seconds: 0
    check_interval_seconds: 1
    probe_interval_seconds: 1
  containers:
    - name: ${steering.name}
    - name: ${own.name}
`,
    });
    const failWithLog = (error: Error) => {
      throw new Error(`${error.message}\n${monitor.logText()}`);
    };
    const startedAt = Date.now();
    await waitUntil(
      'five checks of the steering container',
      () => monitor.eventsFor('check:completed', steering.name).length >= 5 || undefined,
      { timeoutMs: 30_000 },
    ).catch(failWithLog);

    expect(hostServiceRequests).toEqual([]);
    const refused = monitor.logger
      .find('label_ignored')
      .filter((entry) => entry.fields.container === steering.name);
    expect(refused).toHaveLength(1);
    expect(String(refused[0]!.fields.issue)).toContain(
      `refused, 127.0.0.1:${hostServicePort} is not the container: it publishes no port ${hostServicePort} there`,
    );
    // No endpoint to fall back to: judged on Docker state, and healthy.
    const steeringChecks = monitor.eventsFor('check:completed', steering.name);
    expect(
      steeringChecks.every(
        (event) => event.payload.healthy && event.payload.metrics.httpStatus === undefined,
      ),
    ).toBe(true);

    // The container's own published port, named by its own label, is probed.
    await waitUntil(
      'the container probed at its own published port',
      () =>
        monitor
          .eventsFor('check:completed', own.name)
          .some((event) => event.payload.metrics.httpStatus === 200) || undefined,
      { timeoutMs: 30_000 },
    ).catch(failWithLog);
    expect(
      monitor.logger.find('label_ignored').filter((entry) => entry.fields.container === own.name),
    ).toEqual([]);
    reportFigure('label endpoint: checks of the steering container', steeringChecks.length);
    reportFigure('label endpoint: requests the host service received', hostServiceRequests.length);
    reportFigure('label endpoint: seconds observed', (Date.now() - startedAt) / 1000, 's');
  });
});

/**
 * A test app whose label names its own published port: the port is chosen before the container is
 * created (a label cannot change after), so it is a free loopback port picked here.
 */
async function startOwnPortApp(): Promise<{ readonly name: string } & AsyncDisposable> {
  const docker = getTestDocker();
  await ensureTestImage(docker);
  const hostPort = await freeLoopbackPort();
  const name = `wm-test-label-own-${randomBytes(3).toString('hex')}`;
  const appPort = `${TEST_APP_PORT}/tcp`;
  const container = await docker.createContainer({
    name,
    Image: TEST_IMAGE,
    Labels: {
      [TEST_LABEL]: '1',
      [TEST_RUN_LABEL]: testRunId,
      'website-monitor.health_endpoint': `http://127.0.0.1:${hostPort}/health`,
    },
    ExposedPorts: { [appPort]: {} },
    HostConfig: {
      Init: true,
      PortBindings: { [appPort]: [{ HostIp: '127.0.0.1', HostPort: String(hostPort) }] },
    },
  });
  const remove = () => container.remove({ force: true, v: true }).catch(() => {});
  try {
    await container.start();
    await waitForHttp(`http://127.0.0.1:${hostPort}/`);
  } catch (error) {
    await remove();
    throw error;
  }
  return { name, [Symbol.asyncDispose]: remove };
}

async function freeLoopbackPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
