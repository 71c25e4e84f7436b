import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../testing/fake-clock.js';
import { FakeContainerRuntime } from '../../testing/fake-container-runtime.js';
import { makeHealingContext } from './healing-context-fixture.test-helper.js';
import { configurationChangeStrategy, databaseMigrationStrategy } from './operator-actions.js';

describe.each([
  [databaseMigrationStrategy, 'database migration'],
  [configurationChangeStrategy, 'configuration change'],
])('%s', (strategy, what) => {
  it('records the hand-over to a person and touches nothing', async () => {
    const clock = new FakeClock();
    const runtime = new FakeContainerRuntime({ clock });
    runtime.addContainer({ name: 'db' });
    const context = await makeHealingContext({ runtime, clock, containerName: 'db' });

    const outcome = await strategy.run(context);

    expect(outcome).toEqual({
      ok: true,
      changedContainer: false,
      detail: `handed to operator: ${what} for db (incident incident-1) is done by a person`,
    });
    expect(runtime.calls.filter((call) => call.method !== 'inspect')).toEqual([]);
    expect(strategy.restartsContainer).toBe(false);
  });
});
