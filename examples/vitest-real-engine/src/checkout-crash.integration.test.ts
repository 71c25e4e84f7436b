import { startAgentUnderTest } from '@website-monitor/core/testing';
import { createDockerRuntime } from '@website-monitor/docker-adapter';
import { GenericContainer, PullPolicy, Wait } from 'testcontainers';
import { describe, expect, it } from 'vitest';

// testcontainers' reaper (Ryuk) is one more image to pull; every container here is removed by its
// `await using` instead. Read when the first container starts.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

// Your service's image. Here, the repository's small test app (`scripts/setup.sh` builds it): it
// exits with EXIT_CODE when it gets SIGUSR1, so the test can make it crash.
const checkoutImage = 'website-monitor-test:local';

// Your monitoring config, as in production; the harness narrows it to the containers the test
// names, so nothing else on your engine is checked or restarted. The two settings make the test
// quick: a restarted container counts as up at once, and its incident resolves after 1 s of health.
const config = `
monitoring:
  discovery: all
  defaults:
    start_period_seconds: 0
healing:
  resolve_after_seconds: 1
`;

/** Real-engine steps get more than the 4 s default. */
const realEngine = { timeoutMs: 15_000 };

describe('checkout, under website-monitor', () => {
  it('is restarted when it crashes, and its incident resolves as auto-healed', async () => {
    await using checkout = await new GenericContainer(checkoutImage)
      .withPullPolicy(PullPolicy.neverPull())
      // Without Ryuk, a killed run leaves its containers behind: this label finds them
      // (docker rm -f $(docker ps -aq --filter label=website-monitor-test)).
      .withLabels({ 'website-monitor-test': '1' })
      // No port is published: the agent sees a crash through the engine's events. Publish one on
      // 127.0.0.1 only if the test needs HTTP.
      .withEnvironment({ EXIT_AFTER_SECONDS: '3600', EXIT_CODE: '3', LOG_LINES: 'checkout ready' })
      .withWaitStrategy(Wait.forLogMessage('checkout ready'))
      .start();
    const name = checkout.getName().replace(/^\//, '');

    await using runtime = createDockerRuntime();
    await using agent = await startAgentUnderTest({ runtime, config, containers: [name] });

    // The crash: checkout exits with code 3 on its own.
    await checkout.exec(['kill', '-USR1', '1']);

    const restart = await agent.waitFor(
      'healing:result',
      (action) => action.containerName === name,
      realEngine,
    );
    expect(restart).toMatchObject({ action: 'restart_container', result: 'succeeded' });
    const incident = await agent.waitFor(
      'incident:resolved',
      (resolved) => resolved.containerName === name,
      realEngine,
    );
    expect(incident).toMatchObject({
      trigger: 'container_stopped',
      exitCode: 3,
      autoHealed: true,
      actionsTaken: ['restart_container'],
    });
    expect((await runtime.inspect({ id: checkout.getId() })).state).toBe('running');
  });
});
