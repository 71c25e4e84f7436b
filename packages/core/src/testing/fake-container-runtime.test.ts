import { describe, expect, it } from 'vitest';
import type { ContainerEvent } from '../domain/container.js';
import { FakeClock } from './fake-clock.js';
import { FakeContainerRuntime } from './fake-container-runtime.js';

async function take(stream: AsyncIterable<ContainerEvent>, count: number): Promise<ContainerEvent[]> {
  const events: ContainerEvent[] = [];
  for await (const event of stream) {
    events.push(event);
    if (events.length === count) break;
  }
  return events;
}

describe('FakeContainerRuntime', () => {
  it('emits Docker-shaped event sequences for a crash, a docker stop and a restart', async () => {
    const clock = new FakeClock();
    const runtime = new FakeContainerRuntime({ clock });
    runtime.addContainer({ name: 'web' });
    const controller = new AbortController();
    const stream = runtime.events({ signal: controller.signal });
    const collected = take(stream, 7);
    runtime.crash('web', { exitCode: 2 });
    await runtime.start({ id: 'web' });
    runtime.operatorStop('web');
    // Restarting a stopped container has no kill/die/stop: only start and restart.
    await runtime.restart({ id: 'web', timeoutSeconds: 10 });
    const events = await collected;
    expect(events.map((e) => e.action)).toEqual(['die', 'start', 'kill', 'die', 'stop', 'start', 'restart']);
    expect(events[0]?.exitCode).toBe(2);
    expect(runtime.state('web')).toBe('running');
    controller.abort();
  });

  it('replays the last 256 events with since, and ends streams on disconnect', async () => {
    const clock = new FakeClock();
    const runtime = new FakeContainerRuntime({ clock });
    runtime.addContainer({ name: 'db' });
    const since = clock.now();
    runtime.crash('db', { oomKilled: true });
    const controller = new AbortController();
    const replayed = await take(runtime.events({ since, signal: controller.signal }), 2);
    expect(replayed.map((e) => e.action)).toEqual(['oom', 'die']);
    expect(replayed[1]?.exitCode).toBe(137);
    const live = runtime.events({ signal: controller.signal });
    const all = (async () => {
      const seen: string[] = [];
      for await (const event of live) seen.push(event.action);
      return seen;
    })();
    runtime.operatorStart('db');
    runtime.disconnectEvents();
    expect(await all).toEqual(['start']);
    expect((await runtime.inspect({ id: 'db' })).oomKilled).toBe(false);
  });

  it('throws a clear error for exec until it is configured, then answers per call', async () => {
    const runtime = new FakeContainerRuntime({ clock: new FakeClock() });
    runtime.addContainer({ name: 'web' });
    await expect(runtime.exec({ id: 'web', argv: ['true'], timeoutMs: 1000 })).rejects.toThrow(
      /respond\('exec'/,
    );
    runtime.respond('exec', [
      { exitCode: 0, output: 'first' },
      { exitCode: 1, output: 'second' },
    ]);
    expect((await runtime.exec({ id: 'web', argv: ['a'], timeoutMs: 1000 })).output).toBe('first');
    expect((await runtime.exec({ id: 'web', argv: ['b'], timeoutMs: 1000 })).exitCode).toBe(1);
    expect(runtime.callsOf('exec')).toHaveLength(3);
  });

  it('fails every call with unreachable while the engine is down', async () => {
    const runtime = new FakeContainerRuntime({ clock: new FakeClock() });
    runtime.setReachable(false);
    await expect(runtime.list()).rejects.toMatchObject({ kind: 'unreachable', isRetryable: true });
  });
});

describe('FakeClock', () => {
  it('wakes sleepers in time order only when advanced', async () => {
    const clock = new FakeClock({ start: 0 });
    const woke: number[] = [];
    void clock.sleep(200).then(() => woke.push(clock.now()));
    void clock.sleep(100).then(() => woke.push(clock.now()));
    await clock.advance(50);
    expect(woke).toEqual([]);
    await clock.advance(200);
    expect(woke).toEqual([100, 200]);
    expect(clock.now()).toBe(250);
  });
});
