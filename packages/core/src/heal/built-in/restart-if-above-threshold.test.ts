import { describe, expect, it } from 'vitest';
import { ContainerRuntimeError } from '../../errors/monitor-error.js';
import { FakeClock } from '../../testing/fake-clock.js';
import { FakeContainerRuntime } from '../../testing/fake-container-runtime.js';
import { makeHealingContext, makeStep } from './healing-context-fixture.test-helper.js';
import { restartIfAboveThresholdStrategy } from './restart-if-above-threshold.js';

const MiB = 2 ** 20;

async function setUp(memory: { usage: number; limit: number }, thresholdPercent?: number) {
  const clock = new FakeClock();
  const runtime = new FakeContainerRuntime({ clock });
  runtime.addContainer({ name: 'api', memory });
  const step = makeStep({ action: 'restart_if_above_threshold', thresholdPercent });
  const context = await makeHealingContext({ runtime, clock, containerName: 'api', step });
  return { runtime, context };
}

describe('restart_if_above_threshold', () => {
  it('restarts when memory is at or above the default 90 %', async () => {
    const { runtime, context } = await setUp({ usage: 90 * MiB, limit: 100 * MiB });

    const outcome = await restartIfAboveThresholdStrategy.run(context);

    expect(runtime.callsOf('restart')).toHaveLength(1);
    expect(outcome.ok).toBe(true);
    expect(outcome.changedContainer).toBe(true);
    expect(outcome.detail).toContain('memory 90.0% (threshold 90%)');
  });

  it('leaves the container alone below the threshold and says what it measured', async () => {
    const { runtime, context } = await setUp({ usage: 80 * MiB, limit: 100 * MiB });

    const outcome = await restartIfAboveThresholdStrategy.run(context);

    expect(runtime.callsOf('restart')).toEqual([]);
    expect(outcome).toEqual({
      ok: true,
      changedContainer: false,
      detail: 'memory 80.0% (threshold 90%): below threshold, not restarted',
    });
  });

  it("uses the step's threshold_percent", async () => {
    const { runtime, context } = await setUp({ usage: 80 * MiB, limit: 100 * MiB }, 75);
    await restartIfAboveThresholdStrategy.run(context);
    expect(runtime.callsOf('restart')).toHaveLength(1);
  });

  it('counts the working set, not reclaimable page cache', async () => {
    const { runtime, context } = await setUp({ usage: 95 * MiB, limit: 100 * MiB });
    runtime.respond('stats', {
      readAt: 0,
      cpu: { totalUsage: 0, systemUsage: 0, onlineCpus: 1 },
      memory: { usage: 95 * MiB, limit: 100 * MiB, inactiveFile: undefined, totalInactiveFile: 40 * MiB },
    });

    const outcome = await restartIfAboveThresholdStrategy.run(context);

    expect(runtime.callsOf('restart')).toEqual([]);
    expect(outcome.detail).toContain('memory 55.0%');
  });

  it('does not restart on a threshold when the limit is unknown or stats fail', async () => {
    const unknown = await setUp({ usage: 95 * MiB, limit: 0 });
    const noLimit = await restartIfAboveThresholdStrategy.run(unknown.context);
    expect(noLimit).toMatchObject({ ok: false, changedContainer: false });
    expect(noLimit.detail).toContain('memory limit of api is unknown');

    const failing = await setUp({ usage: 95 * MiB, limit: 100 * MiB });
    failing.runtime.respond('stats', new ContainerRuntimeError('unreachable', 'engine is down'));
    const noStats = await restartIfAboveThresholdStrategy.run(failing.context);
    expect(noStats.detail).toBe('could not read memory of api: engine is down');
    expect(failing.runtime.callsOf('restart')).toEqual([]);
  });
});
