import { describe, expect, it } from 'vitest';
import { ContainerRuntimeError } from '../errors/monitor-error.js';
import { FakeClock } from '../testing/fake-clock.js';
import { FakeContainerRuntime } from '../testing/fake-container-runtime.js';
import { leaseGuardedRuntime } from './lease-guarded-runtime.js';

function guarded() {
  const engine = new FakeContainerRuntime({ clock: new FakeClock() });
  const id = engine.addContainer({ name: 'web' });
  let held = true;
  const runtime = leaseGuardedRuntime({
    runtime: engine,
    mayAct: () => held,
    refusal: () => 'the engine lease is held by pid 202 on edge-2',
  });
  return { engine, id, runtime, setHeld: (value: boolean) => (held = value) };
}

describe('leaseGuardedRuntime', () => {
  it('lets restart, start and exec through while the lease is held', async () => {
    const { engine, id, runtime } = guarded();
    await runtime.restart({ id, timeoutSeconds: 1 });
    expect(engine.callsOf('restart')).toHaveLength(1);
  });

  it('refuses restart, start and exec the moment the lease is not held, naming the holder', async () => {
    const { engine, id, runtime, setHeld } = guarded();
    setHeld(false);
    const refused = runtime.restart({ id, timeoutSeconds: 1 });
    await expect(refused).rejects.toThrow(
      `restart of "${id}" refused: the engine lease is held by pid 202 on edge-2`,
    );
    await refused.catch((error: unknown) => {
      expect(ContainerRuntimeError.isInstance(error)).toBe(true);
      expect((error as ContainerRuntimeError).kind).toBe('conflict');
      expect((error as ContainerRuntimeError).isRetryable).toBe(false);
    });
    await expect(runtime.start({ id })).rejects.toThrow(/refused/);
    await expect(runtime.exec({ id, argv: ['true'], timeoutMs: 1000 })).rejects.toThrow(/refused/);
    expect(engine.callsOf('restart')).toHaveLength(0);
    expect(engine.callsOf('start')).toHaveLength(0);
    expect(engine.callsOf('exec')).toHaveLength(0);
  });

  it('passes reads through whether or not the lease is held', async () => {
    const { id, runtime, setHeld } = guarded();
    setHeld(false);
    expect((await runtime.list()).map((container) => container.name)).toEqual(['web']);
    expect((await runtime.inspect({ id })).name).toBe('web');
    expect((await runtime.ping()).version).toBe('fake');
  });
});
