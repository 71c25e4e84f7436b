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

  it('follows logs like Docker: lines since a time, then live ones, ending before the die event', async () => {
    const clock = new FakeClock({ start: 1_000_000 });
    const runtime = new FakeContainerRuntime({ clock });
    runtime.addContainer({ name: 'api', logs: ['previous run'] });
    await clock.advance(5_000);
    const since = clock.now();
    runtime.appendLogs('api', ['starting']);
    const controller = new AbortController();
    const events = runtime.events({ signal: controller.signal })[Symbol.asyncIterator]();
    const lines: string[] = [];
    let ended = false;
    const following = runtime
      .followLogs({
        id: 'api',
        since,
        signal: new AbortController().signal,
        onLine: (line) => lines.push(line),
      })
      .then(() => {
        ended = true;
      });
    expect(lines).toEqual(['starting']);
    runtime.appendLogs('api', ['listening on :8080']);
    expect(lines).toEqual(['starting', 'listening on :8080']);
    expect(runtime.openLogStreams).toBe(1);

    const nextEvent = events.next();
    runtime.crash('api', { exitCode: 1, logs: ['Error: listen EADDRINUSE'] });
    const die = await nextEvent;
    expect(die.value).toMatchObject({ action: 'die', exitCode: 1 });
    expect(ended).toBe(true);
    await following;
    expect(lines).toEqual(['starting', 'listening on :8080', 'Error: listen EADDRINUSE']);
    expect(runtime.openLogStreams).toBe(0);
    expect(runtime.callsOf('followLogs').map((call) => call.args)).toEqual([{ id: 'api', since }]);
    controller.abort();
  });

  it('ends a follow of a stopped container at once, and only new lines come without since', async () => {
    const clock = new FakeClock();
    const runtime = new FakeContainerRuntime({ clock });
    runtime.addContainer({ name: 'job', state: 'exited', logs: ['done'] });
    const lines: string[] = [];
    const signal = new AbortController().signal;
    await runtime.followLogs({ id: 'job', since: 0, signal, onLine: (line) => lines.push(line) });
    expect(lines).toEqual(['done']);

    runtime.addContainer({ name: 'web', logs: ['old'] });
    const controller = new AbortController();
    const live: string[] = [];
    const following = runtime.followLogs({
      id: 'web',
      signal: controller.signal,
      onLine: (l) => live.push(l),
    });
    runtime.appendLogs('web', ['new']);
    controller.abort();
    await following;
    runtime.appendLogs('web', ['after abort']);
    expect(live).toEqual(['new']);
    expect(runtime.openLogStreams).toBe(0);
    await expect(runtime.followLogs({ id: 'nope', signal, onLine: () => {} })).rejects.toMatchObject({
      kind: 'not_found',
    });
  });

  it('ends log follows on a docker stop, a restart and a removal; fails them when the engine goes', async () => {
    const runtime = new FakeContainerRuntime({ clock: new FakeClock() });
    runtime.addContainer({ name: 'a' });
    runtime.addContainer({ name: 'b' });
    runtime.addContainer({ name: 'c' });
    runtime.addContainer({ name: 'd' });
    const signal = new AbortController().signal;
    const follow = (id: string) => runtime.followLogs({ id, signal, onLine: () => {} });
    const [a, b, c, d] = [follow('a'), follow('b'), follow('c'), follow('d')];
    runtime.operatorStop('a');
    await runtime.restart({ id: 'b', timeoutSeconds: 10 });
    runtime.removeContainer('c');
    await Promise.all([a, b, c]);
    runtime.setReachable(false);
    await expect(d).rejects.toMatchObject({ kind: 'unreachable' });
    await expect(follow('a')).rejects.toMatchObject({ kind: 'unreachable' });
  });

  it('plays a configured followLogs answer: a function drives onLine, a list answers per call', async () => {
    const runtime = new FakeContainerRuntime({ clock: new FakeClock() });
    runtime.addContainer({ name: 'web' });
    runtime.respond('followLogs', ({ onLine }) => {
      onLine('scripted');
    });
    const lines: string[] = [];
    const signal = new AbortController().signal;
    await runtime.followLogs({ id: 'web', signal, onLine: (line) => lines.push(line) });
    expect(lines).toEqual(['scripted']);

    runtime.respond('followLogs', [undefined, new Error('log driver none')]);
    await runtime.followLogs({ id: 'web', signal, onLine: () => {} });
    await expect(runtime.followLogs({ id: 'web', signal, onLine: () => {} })).rejects.toThrow(
      'log driver none',
    );
    expect(runtime.callsOf('followLogs')).toHaveLength(3);
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
