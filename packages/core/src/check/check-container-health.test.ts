import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ContainerRuntimeError } from '../errors/monitor-error.js';
import { FakeClock, FakeContainerRuntime, FakeHttpProber } from '../testing/index.js';
import { checkContainerHealth } from './check-container-health.js';

const url = 'http://127.0.0.1:8080/health';
const MiB = 2 ** 20;

function setup(init: Parameters<FakeContainerRuntime['addContainer']>[0] = { name: 'web' }) {
  const clock = new FakeClock();
  const runtime = new FakeContainerRuntime({ clock });
  runtime.addContainer(init);
  // Well past the start period.
  clock.set(clock.now() + 60_000);
  const prober = new FakeHttpProber();
  return { clock, runtime, prober };
}

describe('checkContainerHealth', () => {
  it('reports a running container that answers as healthy, with its metrics', async () => {
    const { clock, runtime, prober } = setup({
      name: 'web',
      memory: { usage: 256 * MiB, limit: 1024 * MiB },
    });
    prober.respond(url, { status: 200, responseTimeMs: 42 });
    const result = await checkContainerHealth({ runtime, name: 'web', healthEndpoint: url, prober, clock });
    expect(result).toMatchObject({ healthy: true, status: 'healthy', problems: [] });
    expect(result.metrics).toMatchObject({
      state: 'running',
      httpStatus: 200,
      responseTimeMs: 42,
      memoryBytes: 256 * MiB,
      memoryPercent: 25,
      cpuPercent: undefined,
    });
    expect(result.verdict).toMatchObject({ containerName: 'web', checkedAt: clock.now() });
    expect(prober.calls[0]).toMatchObject({ url, timeoutMs: 10_000 });
    expect(prober.calls[0]!.expectedStatus).toContain(204);
    expect(prober.calls[0]!.expectedStatus).not.toContain(500);
  });

  it('fails on the first bad answer: a one-off check has no history', async () => {
    const { clock, runtime, prober } = setup();
    prober.respond(url, { status: 500 });
    const result = await checkContainerHealth({ runtime, name: 'web', healthEndpoint: url, prober, clock });
    expect(result).toMatchObject({ healthy: false, status: 'unhealthy' });
    expect(result.problems).toEqual([{ kind: 'http_failed', message: `HTTP 500 from ${url}` }]);
  });

  it('passes the timeout and the expected statuses to the prober', async () => {
    const { clock, runtime, prober } = setup();
    prober.respond(url, { status: 301 });
    const result = await checkContainerHealth({
      runtime,
      name: 'web',
      healthEndpoint: url,
      prober,
      clock,
      timeoutMs: 1500,
      expectedStatus: [200],
    });
    expect(prober.calls[0]).toMatchObject({ timeoutMs: 1500, expectedStatus: [200] });
    expect(result.healthy).toBe(false);
  });

  it('judges a stopped container by its state without probing or reading stats', async () => {
    const { clock, runtime, prober } = setup();
    runtime.crash('web', { exitCode: 3 });
    const result = await checkContainerHealth({ runtime, name: 'web', healthEndpoint: url, prober, clock });
    expect(result.problems).toEqual([{ kind: 'container_stopped', message: 'container exited with code 3' }]);
    expect(prober.calls).toHaveLength(0);
    expect(runtime.callsOf('stats')).toHaveLength(0);
  });

  it('names an OOM kill', async () => {
    const { clock, runtime } = setup();
    runtime.crash('web', { exitCode: 137, oomKilled: true });
    const result = await checkContainerHealth({ runtime, name: 'web', clock });
    expect(result.problems.map((p) => p.kind)).toEqual(['oom_killed']);
  });

  it('throws not_found with a readable line for a container that does not exist', async () => {
    const { clock, runtime } = setup();
    const checking = checkContainerHealth({ runtime, name: 'ghost', clock });
    await expect(checking).rejects.toBeInstanceOf(ContainerRuntimeError);
    await expect(checking).rejects.toMatchObject({
      kind: 'not_found',
      container: 'ghost',
      message: 'no container named "ghost"',
    });
  });

  it('lets an unreachable engine through as it is', async () => {
    const { clock, runtime } = setup();
    runtime.setReachable(false);
    await expect(checkContainerHealth({ runtime, name: 'web', clock })).rejects.toMatchObject({
      kind: 'unreachable',
    });
  });

  it('reports CPU when given the previous reading, and applies thresholds', async () => {
    const { clock, runtime } = setup();
    const first = await checkContainerHealth({ runtime, name: 'web', clock });
    clock.set(clock.now() + 1000);
    // 0.95 s of CPU in 1 s of wall time: 95 % of one core, as `docker stats` counts it.
    runtime.burnCpu('web', 950_000_000);
    const second = await checkContainerHealth({
      runtime,
      name: 'web',
      clock,
      previousStats: first.stats!,
      settings: { cpuPercentThreshold: 90 },
    });
    expect(second.metrics.cpuPercent).toBeCloseTo(95, 5);
    expect(second.problems.map((p) => p.kind)).toEqual(['high_cpu_usage']);
  });

  it('reads starting, not failed, right after a start', async () => {
    const { clock, runtime, prober } = setup();
    runtime.operatorStop('web');
    runtime.operatorStart('web');
    prober.respond(url, { error: 'ECONNREFUSED' });
    const result = await checkContainerHealth({ runtime, name: 'web', healthEndpoint: url, prober, clock });
    expect(result).toMatchObject({ healthy: false, status: 'starting', problems: [] });
  });

  it('still judges the container when the stats reading fails', async () => {
    const { clock, runtime } = setup();
    runtime.respond('stats', new ContainerRuntimeError('conflict', 'container is not running'));
    const result = await checkContainerHealth({ runtime, name: 'web', clock });
    expect(result).toMatchObject({ healthy: true, stats: undefined });
    expect(result.metrics.memoryPercent).toBeUndefined();
  });

  it('probes with fetch by default', async () => {
    const server = createServer((_request, response) => {
      response.statusCode = 503;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { clock, runtime } = setup();
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
      const result = await checkContainerHealth({ runtime, name: 'web', healthEndpoint: endpoint, clock });
      expect(result.problems).toEqual([{ kind: 'http_failed', message: `HTTP 503 from ${endpoint}` }]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
