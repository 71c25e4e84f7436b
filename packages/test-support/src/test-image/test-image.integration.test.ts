import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestDocker, testRunId } from '../docker-client/docker-client.js';
import { removeTestContainers } from '../remove-test-containers/remove-test-containers.js';
import { startTestContainer } from '../test-container/test-container.js';
import { ensureTestImage } from './test-image.js';

// Each ability of the test image, proven on the real engine through the helper other tests use.

async function get(
  url: string,
  timeoutMs = 2_000,
): Promise<{ status: number; body: string; elapsedMs: number }> {
  const startedAt = performance.now();
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, body: await response.text(), elapsedMs: performance.now() - startedAt };
}

async function eventually<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the test image', () => {
  beforeAll(async () => {
    await ensureTestImage();
  });

  afterAll(async () => {
    await removeTestContainers({ runId: testRunId });
  });

  it('answers /health 200, then 500, then not at all while / still answers, then 200 again', async () => {
    await using app = await startTestContainer({ purpose: 'http' });
    expect(await get(app.url('/health'))).toMatchObject({ status: 200, body: 'ok' });

    await app.setHealth('fail');
    expect(await get(app.url('/health'))).toMatchObject({ status: 500, body: 'fail' });

    expect((await get(app.url('/control/hang'))).status).toBe(200);
    const hanging = get(app.url('/health'), 800);
    // A hanging /health must not block other connections.
    expect(await get(app.url('/'))).toMatchObject({ status: 200, body: 'website-monitor test app' });
    await expect(hanging).rejects.toThrow(/abort|timeout/i);

    await app.exec(['/app/testapp', 'set-health', 'ok']);
    await app.waitForHttp({ timeoutMs: 3_000 });
    expect((await get(app.url('/nowhere'))).status).toBe(404);
  });

  it('delays /health by the chosen number of milliseconds', async () => {
    await using app = await startTestContainer({ purpose: 'slow', behaviour: { healthDelayMs: 600 } });
    const slow = await get(app.url('/health'));
    expect(slow.status).toBe(200);
    expect(slow.elapsedMs).toBeGreaterThanOrEqual(550);

    expect((await get(app.url('/control/delay/0'))).status).toBe(200);
    expect((await get(app.url('/health'))).elapsedMs).toBeLessThan(500);
    expect((await get(app.url('/control/delay/soon'))).status).toBe(400);
  });

  it('exits with the chosen code after the chosen delay', async () => {
    const startedAt = performance.now();
    await using app = await startTestContainer({
      purpose: 'exit',
      behaviour: { exitAfterSeconds: 1, exitCode: 3 },
      waitFor: 'running',
    });
    const { exitCode } = await app.wait();
    expect(exitCode).toBe(3);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(950);
    expect((await app.logs()).stderr).toContain('testapp: exiting with code 3 after 1s');
  });

  it('turns a Docker HEALTHCHECK unhealthy on demand', async () => {
    await using app = await startTestContainer({
      purpose: 'healthcheck',
      healthcheck: { intervalMs: 300, retries: 1 },
    });
    const healthy = await eventually(
      async () => (await app.inspect()).State.Health?.Status,
      (status) => status === 'healthy',
      5_000,
    );
    expect(healthy).toBe('healthy');

    const touched = await app.exec(['touch', '/tmp/unhealthy']);
    expect(touched.exitCode).toBe(0);
    const unhealthy = await eventually(
      async () => (await app.inspect()).State.Health?.Status,
      (status) => status === 'unhealthy',
      5_000,
    );
    expect(unhealthy).toBe('unhealthy');
    expect(await app.exec(['/app/testapp', 'healthcheck'])).toMatchObject({ exitCode: 1 });
  });

  it('grows its memory until the limit OOM-kills it with exit code 137', async () => {
    await using app = await startTestContainer({
      purpose: 'oom',
      behaviour: { growMemoryMbPerSec: 8 },
      memoryLimitBytes: 32 * 1024 * 1024,
      waitFor: 'running',
    });
    expect((await app.wait()).exitCode).toBe(137);
    const { State } = await app.inspect();
    expect(State.OOMKilled).toBe(true);
    expect(State.ExitCode).toBe(137);
    expect((await app.logs()).stdout).toContain('testapp: allocated 8 MiB');
  });

  it('burns CPU when asked', async () => {
    await using app = await startTestContainer({
      purpose: 'cpu',
      behaviour: { burnCpu: true },
      waitFor: 'running',
    });
    const container = getTestDocker().getContainer(app.id);
    const cpuNanoseconds = async () =>
      ((await container.stats({ stream: false })) as { cpu_stats: { cpu_usage: { total_usage: number } } })
        .cpu_stats.cpu_usage.total_usage;
    const before = await cpuNanoseconds();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = await cpuNanoseconds();
    // One busy loop uses about a core: at least half a CPU-second over a second or more.
    expect(after - before).toBeGreaterThan(500_000_000);
  });

  it('prints the chosen log lines on stdout and stderr, and repeats them', async () => {
    await using app = await startTestContainer({
      purpose: 'logs',
      behaviour: {
        logLines: ['database connection refused', 'path C:\\temp'],
        stderrLogLines: ['fatal: out of patience'],
        logEverySeconds: 1,
      },
      waitFor: 'running',
    });
    const logs = await eventually(
      () => app.logs(),
      (output) => output.stdout.split('database connection refused').length > 2,
      4_000,
    );
    expect(logs.stdout).toContain('database connection refused\npath C:\\temp\n');
    expect(logs.stdout.split('database connection refused').length).toBeGreaterThan(2);
    expect(logs.stderr).toContain('fatal: out of patience\n');
  });

  it('stops on SIGTERM in well under two seconds', async () => {
    await using app = await startTestContainer({ purpose: 'sigterm', behaviour: { burnCpu: true } });
    const startedAt = performance.now();
    await app.stop({ timeoutSeconds: 10 });
    expect(performance.now() - startedAt).toBeLessThan(2_000);
    expect((await app.inspect()).State.ExitCode).toBe(143);
  });

  it('shares another container network and uses only 127.0.0.1 for published ports', async () => {
    await using app = await startTestContainer({ purpose: 'net-owner' });
    const binding = (await app.inspect()).NetworkSettings.Ports['8080/tcp']?.[0];
    expect(binding?.HostIp).toBe('127.0.0.1');
    await using sidecar = await startTestContainer({
      purpose: 'net-sidecar',
      networkMode: `container:${app.name}`,
      env: { PORT: '9090' },
    });
    expect(sidecar.hostPort).toBeUndefined();
    expect(() => sidecar.url('/')).toThrow('has no published HTTP port');
    const fromSidecar = await sidecar.exec(['wget', '-q', '-O', '-', 'http://127.0.0.1:8080/health']);
    expect(fromSidecar).toMatchObject({ exitCode: 0, stdout: 'ok' });
  });

  it('removes the container when the test body throws, thanks to await using', async () => {
    let id = '';
    const failingTest = async () => {
      await using app = await startTestContainer({ purpose: 'dispose', waitFor: 'running' });
      id = app.id;
      throw new Error('the test failed');
    };
    await expect(failingTest()).rejects.toThrow('the test failed');
    await expect(getTestDocker().getContainer(id).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('finds and removes every container of a run by its labels', async () => {
    const runId = `cleanup-${testRunId}`;
    const first = await startTestContainer({ purpose: 'cleanup', runId, waitFor: 'none' });
    const second = await startTestContainer({
      purpose: 'cleanup',
      runId,
      waitFor: 'none',
      labels: { team: 'qa' },
    });
    expect((await second.inspect()).Config.Labels).toMatchObject({
      team: 'qa',
      'website-monitor-test': '1',
      'website-monitor-test.run': runId,
    });
    expect(first.name).toMatch(/^wm-test-cleanup-[0-9a-f]{6}$/);
    expect(await removeTestContainers({ runId })).toBe(2);
    expect(await removeTestContainers({ runId })).toBe(0);
  });
});
