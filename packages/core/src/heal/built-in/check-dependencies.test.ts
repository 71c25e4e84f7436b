import { describe, expect, it } from 'vitest';
import type { DiagnosisContext } from '../../ports/diagnoser.js';
import { FakeClock } from '../../testing/fake-clock.js';
import { FakeContainerRuntime } from '../../testing/fake-container-runtime.js';
import { checkDependenciesStrategy } from './check-dependencies.js';
import { makeHealingContext } from './healing-context-fixture.test-helper.js';

async function run(dependencies: DiagnosisContext['dependencies']) {
  const clock = new FakeClock();
  const runtime = new FakeContainerRuntime({ clock });
  runtime.addContainer({ name: 'app' });
  const context = await makeHealingContext({ runtime, clock, containerName: 'app', dependencies });
  const outcome = await checkDependenciesStrategy.run(context);
  // It never touches the container.
  expect(runtime.calls.filter((call) => call.method !== 'inspect')).toEqual([]);
  return outcome;
}

describe('check_dependencies', () => {
  it('succeeds when every dependency is healthy', async () => {
    expect(await run({ postgres: 'healthy', redis: 'healthy' })).toEqual({
      ok: true,
      changedContainer: false,
      detail: 'all dependencies of app are healthy (postgres: healthy, redis: healthy)',
    });
  });

  it('fails naming the dependencies that are unhealthy or missing', async () => {
    expect(await run({ postgres: 'unhealthy', redis: 'healthy', queue: 'missing' })).toEqual({
      ok: false,
      changedContainer: false,
      detail:
        'dependencies of app not healthy: postgres, queue (postgres: unhealthy, redis: healthy, queue: missing)',
    });
  });

  it('succeeds with nothing to check when there are no dependencies', async () => {
    expect((await run({})).detail).toBe('app has no declared dependencies');
  });
});
