import { randomBytes } from 'node:crypto';
import { startAgentUnderTest } from '@website-monitor/core/testing';
import { createDockerRuntime } from '@website-monitor/docker-adapter';
import { GenericContainer, PullPolicy, type StartedTestContainer, Wait } from 'testcontainers';
import { describe, expect, it } from 'vitest';

// `startAgentUnderTest` used exactly as a user's own suite would: the runtime from the docker
// adapter, the service started with testcontainers, nothing from this repository's test helpers.

// Ryuk (testcontainers' reaper) would have to be pulled: each container here is removed by its
// `await using` instead. Read when testcontainers starts its first container.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

/** The local test app (`test-image/build.sh`); it exits with EXIT_CODE on SIGUSR1. */
const image = 'website-monitor-test:local';
const crashExitCode = 3;
/** Real-engine steps get more than the 4 s default: a loaded 2-core machine can be slow. */
const wait = { timeoutMs: 20_000 };

/**
 * A service that crashes on demand. No port is published (the agent sees a crash through the
 * engine's events), so nothing listens beyond the engine; a test that needs HTTP would publish
 * on 127.0.0.1 only.
 */
async function startService(purpose: string): Promise<StartedTestContainer> {
  return (
    new GenericContainer(image)
      .withName(`wm-test-aut-${purpose}-${randomBytes(3).toString('hex')}`)
      // What a killed run leaves is found by it: docker rm -f $(docker ps -aq --filter label=website-monitor-test)
      .withLabels({ 'website-monitor-test': '1' })
      .withPullPolicy(PullPolicy.neverPull())
      // The app arms its SIGUSR1 handler with EXIT_AFTER_SECONDS; it prints LOG_LINES once armed.
      .withEnvironment({ EXIT_AFTER_SECONDS: '3600', EXIT_CODE: String(crashExitCode), LOG_LINES: 'ready' })
      .withWaitStrategy(Wait.forLogMessage('ready'))
      .start()
  );
}

/** Makes the service exit on its own, as a crash does: a `die` with no `kill` before it. */
async function crash(service: StartedTestContainer): Promise<void> {
  // The exec may end with the process it killed (137): the agent's events tell what happened.
  await service.exec(['kill', '-USR1', '1']);
}

describe('startAgentUnderTest on the real engine', () => {
  it('waits for the restart of a crashed service, and its incident resolves as auto-healed', async () => {
    await using service = await startService('crash');
    const name = service.getName().replace(/^\//, '');
    await using runtime = createDockerRuntime();
    await using agent = await startAgentUnderTest({
      runtime,
      containers: [name],
      config: `
monitoring:
  defaults:
    start_period_seconds: 0
healing:
  resolve_after_seconds: 1
`,
    });
    expect(agent.config.monitoring.discovery).toBe('listed');

    await crash(service);
    const restart = await agent.waitFor('healing:result', (action) => action.containerName === name, wait);
    expect(restart).toMatchObject({ action: 'restart_container', result: 'succeeded' });
    const resolved = await agent.waitFor(
      'incident:resolved',
      (incident) => incident.containerName === name,
      wait,
    );

    expect(resolved).toMatchObject({
      trigger: 'container_stopped',
      exitCode: crashExitCode,
      autoHealed: true,
      actionsTaken: ['restart_container'],
    });
    expect(agent.incidents(name)).toEqual([resolved]);
    expect(agent.actions(name).map((action) => [action.action, action.result])).toEqual([
      ['restart_container', 'succeeded'],
    ]);
    // The engine says so too: running again, in a run started after the crash.
    const details = await runtime.inspect({ id: service.getId() });
    expect(details.state).toBe('running');
    expect(Date.parse(details.startedAt!)).toBeGreaterThanOrEqual(resolved.openedAt);
    // And the store has the records, as the agent wrote them.
    expect(await agent.store.listIncidents({ containerName: name })).toMatchObject([
      { id: resolved.id, status: 'resolved' },
    ]);
  });

  it('leaves a container the test does not name alone when it crashes', async () => {
    await using service = await startService('named');
    await using neighbour = await startService('neighbour');
    const name = service.getName().replace(/^\//, '');
    const neighbourName = neighbour.getName().replace(/^\//, '');
    await using runtime = createDockerRuntime();
    // A config that would watch every container of the engine, borrowed for the test.
    await using agent = await startAgentUnderTest({
      runtime,
      containers: [name],
      config: 'monitoring:\n  discovery: all\n  defaults:\n    start_period_seconds: 0\n',
    });

    await crash(neighbour);
    await crash(service);
    await agent.waitFor('healing:result', (action) => action.containerName === name, wait);
    // A full pass as well, as the periodic one would make.
    await agent.agent.checkAll();
    await agent.agent.idle();

    expect((await runtime.inspect({ id: neighbour.getId() })).state).toBe('exited');
    expect(agent.incidents(neighbourName)).toEqual([]);
    expect(agent.actions().map((action) => action.containerName)).toEqual([name]);
    const monitored = agent.agent.status().filter((container) => container.monitored);
    expect(monitored.map((container) => container.name)).toEqual([name]);
  });
});
