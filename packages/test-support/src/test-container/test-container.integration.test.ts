import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestDocker, TEST_LABEL, TEST_RUN_LABEL, testRunId } from '../docker-client/docker-client.js';
import { removeTestContainers } from '../remove-test-containers/remove-test-containers.js';
import { ensureTestImage } from '../test-image/test-image.js';
import { startTestContainer } from './test-container.js';

// What startTestContainer promises beyond the image's abilities (test-image.integration.test.ts),
// now that testcontainers starts the containers.

async function containersOfRun(runId: string): Promise<number> {
  const containers = await getTestDocker().listContainers({
    all: true,
    filters: { label: [`${TEST_LABEL}=1`, `${TEST_RUN_LABEL}=${runId}`] },
  });
  return containers.length;
}

describe('startTestContainer', () => {
  beforeAll(async () => {
    await ensureTestImage();
  });

  afterAll(async () => {
    await removeTestContainers({ runId: testRunId });
  });

  it('fails a start with how the container ended and what it printed, and leaves no container', async () => {
    const runId = `failed-start-${testRunId}`;
    // Listening on another port, / never answers on the published one: the app exits after 1 s.
    const start = startTestContainer({
      purpose: 'failed-start',
      runId,
      behaviour: { exitAfterSeconds: 1, exitCode: 7, logLines: ['listening elsewhere'] },
      env: { PORT: '9999' },
    });
    await expect(start).rejects.toThrow(
      /container wm-test-failed-start-[0-9a-f]{6} is exited \(exit code 7\)/,
    );
    await expect(start).rejects.toThrow('listening elsewhere\ntestapp: exiting with code 7 after 1s');
    expect(await containersOfRun(runId)).toBe(0);
  });

  it('removes a container that was created but could not start', async () => {
    const runId = `not-started-${testRunId}`;
    await using owner = await startTestContainer({ purpose: 'stopped-owner', waitFor: 'running' });
    await owner.stop({ timeoutSeconds: 5 });
    await expect(
      startTestContainer({ purpose: 'sidecar', runId, networkMode: `container:${owner.name}` }),
    ).rejects.toThrow(/not running|non-running|non running/);
    expect(await containersOfRun(runId)).toBe(0);
  });

  it('fails a start that waits for HTTP when no port is published, before creating anything', async () => {
    const runId = `no-port-${testRunId}`;
    await expect(
      startTestContainer({ purpose: 'no-port', runId, networkMode: 'none', waitFor: 'http' }),
    ).rejects.toThrow('an HTTP wait needs the app port published');
    expect(await containersOfRun(runId)).toBe(0);
  });

  it('starts with init, publishes on 127.0.0.1 only, carries the test labels, and may be removed twice', async () => {
    const app = await startTestContainer({ purpose: 'shape', labels: { [TEST_LABEL]: 'overridden?' } });
    const info = await app.inspect();
    expect(info.HostConfig.Init).toBe(true);
    expect(info.NetworkSettings.Ports['8080/tcp']).toEqual([
      { HostIp: '127.0.0.1', HostPort: String(app.hostPort) },
    ]);
    expect(info.Config.Labels).toMatchObject({ [TEST_LABEL]: '1', [TEST_RUN_LABEL]: testRunId });
    expect((await fetch(app.url('/'))).status).toBe(200);

    await app.remove();
    await app.remove();
    await expect(app.inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('stops without removing, and stops again once the engine has started it anew', async () => {
    await using app = await startTestContainer({ purpose: 'restop', waitFor: 'running', publishHttp: false });
    await app.stop({ timeoutSeconds: 5 });
    expect((await app.inspect()).State.Status).toBe('exited');
    await getTestDocker().getContainer(app.id).start();
    await app.stop({ timeoutSeconds: 5 });
    expect((await app.inspect()).State).toMatchObject({ Status: 'exited', ExitCode: 143 });
  });
});
