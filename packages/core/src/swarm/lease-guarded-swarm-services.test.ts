import { describe, expect, it } from 'vitest';
import { FakeClock, FakeSwarmServices } from '../testing/index.js';
import { leaseGuardedSwarmServices } from './lease-guarded-swarm-services.js';

describe('leaseGuardedSwarmServices', () => {
  it('refuses a rollback and a forced update while the lease is not held, and reads pass through', async () => {
    const fake = new FakeSwarmServices({ clock: new FakeClock() });
    const id = fake.addService({ name: 'web', image: 'web:1' });
    fake.updateService('web', { image: 'web:2' });
    let held = false;
    const guarded = leaseGuardedSwarmServices({
      services: fake,
      mayAct: () => held,
      refusal: () => 'this agent does not hold the engine lease',
    });
    const { version } = await guarded.inspectService({ id });
    await expect(guarded.rollbackService({ id, version })).rejects.toMatchObject({
      kind: 'conflict',
      isRetryable: false,
      message: `rollbackService of the Swarm service "${id}" refused: this agent does not hold the engine lease`,
    });
    await expect(guarded.forceUpdateService({ id, version })).rejects.toThrow('refused');
    expect(fake.callsOf('rollbackService')).toEqual([]);
    expect(fake.callsOf('forceUpdateService')).toEqual([]);
    expect(await guarded.listTasks({ serviceId: id })).toEqual([]);

    held = true;
    await guarded.rollbackService({ id, version });
    expect(fake.service('web').image).toBe('web:1');
  });
});
