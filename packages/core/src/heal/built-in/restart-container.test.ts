import { describe, expect, it } from 'vitest';
import { ContainerRuntimeError } from '../../errors/monitor-error.js';
import { FakeClock } from '../../testing/fake-clock.js';
import { FakeContainerRuntime } from '../../testing/fake-container-runtime.js';
import { makeHealingContext } from './healing-context-fixture.test-helper.js';
import { resetConnectionsStrategy } from './reset-connections.js';
import { restartContainerStrategy } from './restart-container.js';

async function setUp(stopTimeoutSeconds?: number) {
  const clock = new FakeClock();
  const runtime = new FakeContainerRuntime({ clock });
  runtime.addContainer({ name: 'web' });
  await clock.advance(60_000);
  const context = await makeHealingContext({ runtime, clock, containerName: 'web', stopTimeoutSeconds });
  return { clock, runtime, context };
}

describe('restart_container', () => {
  it('restarts gracefully with the stop timeout and reports the new start time', async () => {
    const { runtime, context } = await setUp(7);
    const before = context.container.startedAt;

    const outcome = await restartContainerStrategy.run(context);

    expect(runtime.callsOf('restart').map((call) => call.args)).toEqual([
      { id: context.container.id, timeoutSeconds: 7 },
    ]);
    expect(outcome.ok).toBe(true);
    expect(outcome.changedContainer).toBe(true);
    expect(outcome.detail).toContain('stop timeout 7 s');
    expect(outcome.detail).toContain(`was ${before}`);
    expect(runtime.state('web')).toBe('running');
  });

  it('falls back to the 10 s default when the context carries no usable timeout', async () => {
    const { runtime, context } = await setUp(Number.NaN);
    await restartContainerStrategy.run(context);
    expect(runtime.callsOf('restart')[0]?.args).toEqual({ id: context.container.id, timeoutSeconds: 10 });
  });

  it('fails with the engine error message when the restart is refused', async () => {
    const { runtime, context } = await setUp();
    runtime.respond('restart', new ContainerRuntimeError('conflict', 'container is being removed'));

    const outcome = await restartContainerStrategy.run(context);

    expect(outcome.ok).toBe(false);
    expect(outcome.detail).toBe('restart of web failed: container is being removed');
  });

  it('fails when the container is not running after the restart', async () => {
    const { runtime, context } = await setUp();
    // The process dies straight after the start, as a broken release does.
    runtime.respond('restart', () => runtime.crash('web', { exitCode: 3 }));

    const outcome = await restartContainerStrategy.run(context);

    expect(outcome.ok).toBe(false);
    expect(outcome.detail).toBe('restarted web (restart_container) but it is exited, exit code 3');
  });

  it('does not restart once the healing is cancelled', async () => {
    const { runtime, context } = await setUp();
    const controller = new AbortController();
    controller.abort();
    const outcome = await restartContainerStrategy.run({ ...context, signal: controller.signal });
    expect(outcome).toEqual({ ok: false, changedContainer: false, detail: 'did not restart web: cancelled' });
    expect(runtime.callsOf('restart')).toEqual([]);
  });
});

describe('reset_connections', () => {
  it('is a restart, recorded as dropping connection pools', async () => {
    const { runtime, context } = await setUp();

    const outcome = await resetConnectionsStrategy.run(context);

    expect(runtime.callsOf('restart')).toHaveLength(1);
    expect(outcome.ok).toBe(true);
    expect(outcome.detail).toContain('reset_connections: dropping connection pools');
    expect(resetConnectionsStrategy.restartsContainer).toBe(true);
  });
});
