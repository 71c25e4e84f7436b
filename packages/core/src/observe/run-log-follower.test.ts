import { describe, expect, it } from 'vitest';
import { ContainerRuntimeError } from '../errors/monitor-error.js';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import { FakeClock, flushMicrotasks } from '../testing/fake-clock.js';
import { FakeContainerRuntime } from '../testing/fake-container-runtime.js';
import { MemoryLogger } from '../testing/memory-logger.js';
import { createRunLogFollower, type RunLogFollowerOptions } from './run-log-follower.js';

function setup(options: Partial<RunLogFollowerOptions> = {}) {
  const clock = new FakeClock({ start: 1_000_000 });
  const runtime = new FakeContainerRuntime({ clock });
  const logger = new MemoryLogger();
  const follower = createRunLogFollower({ runtime, clock, logger, ...options });
  /** `docker start`: the start event's time is the run's start. */
  const start = (name: string) => {
    runtime.operatorStart(name);
    follower.startRun({ id: runtime.idOf(name), name, startedAt: clock.now() });
    return runtime.idOf(name);
  };
  return { clock, runtime, logger, follower, start };
}

describe('createRunLogFollower', () => {
  it('has a run’s lines, complete, when the container dies inside the window', async () => {
    const { clock, runtime, follower, start } = setup();
    runtime.addContainer({ name: 'api', state: 'exited', logs: ['last week'] });
    await clock.advance(60_000);
    const id = start('api');
    runtime.appendLogs('api', ['listening on :8080']);
    await clock.advance(2_000);
    expect(follower.linesFor(id)).toMatchObject({ state: 'following', complete: false });

    runtime.crash('api', { exitCode: 1, logs: ['Error: listen EADDRINUSE: address already in use :::8080'] });
    await flushMicrotasks();
    expect(follower.linesFor(id)).toEqual({
      id,
      name: 'api',
      startedAt: 1_060_000,
      state: 'complete',
      complete: true,
      lines: ['listening on :8080', 'Error: listen EADDRINUSE: address already in use :::8080'],
      droppedLines: 0,
    });
    expect(runtime.openLogStreams).toBe(0);
  });

  it('reads from a little before the start event, or from the since it is given', async () => {
    const { clock, runtime, follower } = setup({ startLeadMs: 500 });
    runtime.addContainer({ name: 'api', state: 'exited' });
    runtime.appendLogs('api', ['previous run']);
    await clock.advance(700);
    runtime.appendLogs('api', ['stamped before the start event']);
    await clock.advance(300);
    runtime.operatorStart('api');
    follower.startRun({ id: 'api', name: 'api', startedAt: clock.now() });
    expect(follower.linesFor('api')?.lines).toEqual(['stamped before the start event']);
    expect(runtime.callsOf('followLogs').at(-1)?.args).toEqual({ id: 'api', since: clock.now() - 500 });

    follower.startRun({ id: 'api', name: 'api', startedAt: clock.now(), since: 0 });
    expect(follower.linesFor('api')?.lines).toEqual(['previous run', 'stamped before the start event']);
  });

  it('stops following when the window is over and lets the lines go', async () => {
    const { clock, runtime, follower, start } = setup({ windowMs: 10_000 });
    runtime.addContainer({ name: 'web', state: 'exited' });
    const id = start('web');
    runtime.appendLogs('web', ['ready']);
    await clock.advance(9_999);
    expect(follower.linesFor(id)?.lines).toEqual(['ready']);
    expect(follower.following).toBe(1);
    await clock.advance(1);
    expect(follower.linesFor(id)).toBeUndefined();
    expect(runtime.openLogStreams).toBe(0);
    expect(follower.following).toBe(0);
    // A crash after the window is for the log tail to explain.
    runtime.crash('web');
    expect(follower.linesFor(id)).toBeUndefined();
  });

  it('does not follow a run whose window is already over (a replayed start event)', () => {
    const { clock, runtime, follower } = setup({ windowMs: 10_000 });
    runtime.addContainer({ name: 'web' });
    follower.startRun({ id: 'web', name: 'web', startedAt: clock.now() - 10_000 });
    expect(follower.linesFor('web')).toBeUndefined();
    expect(runtime.callsOf('followLogs')).toHaveLength(0);
  });

  it('a new run of the same container replaces the previous follower', async () => {
    const { clock, runtime, follower, start } = setup();
    runtime.addContainer({ name: 'web', state: 'exited' });
    const id = start('web');
    runtime.appendLogs('web', ['run 1']);
    await clock.advance(1_500);
    follower.startRun({ id, name: 'web', startedAt: clock.now() });
    await flushMicrotasks();
    runtime.appendLogs('web', ['run 2']);
    expect(runtime.openLogStreams).toBe(1);
    expect(follower.linesFor(id)?.lines).toEqual(['run 2']);
    expect(follower.following).toBe(1);
  });

  it('whenComplete waits for a stream that ends after the die, up to its timeout', async () => {
    const { clock, runtime, follower } = setup();
    runtime.addContainer({ name: 'quick' });
    runtime.addContainer({ name: 'slow' });
    let endQuick = () => {};
    runtime.respond('followLogs', ({ id, onLine, signal }) =>
      id === 'quick'
        ? new Promise<void>((resolve) => {
            endQuick = () => {
              onLine('FATAL: could not open configuration file');
              resolve();
            };
          })
        : new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve())),
    );
    follower.startRun({ id: 'quick', name: 'quick', startedAt: clock.now() });
    follower.startRun({ id: 'slow', name: 'slow', startedAt: clock.now() });

    const quick = follower.whenComplete('quick', 100);
    const slow = follower.whenComplete('slow', 100);
    await clock.advance(45);
    endQuick();
    expect(await quick).toMatchObject({
      complete: true,
      lines: ['FATAL: could not open configuration file'],
    });
    await clock.advance(55);
    expect(await slow).toMatchObject({ state: 'following', complete: false, lines: [] });
    expect(await follower.whenComplete('unknown', 100)).toBeUndefined();
    expect(clock.pendingSleeps).toBe(1); // only the slow run's window is left
  });

  it('keeps the newest lines within maxLines and maxBytes, each line cut', async () => {
    const { runtime, follower, start } = setup({ maxLines: 3, maxBytes: 40, maxLineBytes: 10 });
    runtime.addContainer({ name: 'chatty', state: 'exited' });
    const id = start('chatty');
    runtime.appendLogs('chatty', ['1', '2', '3', '4', 'x'.repeat(1_000_000)]);
    expect(follower.linesFor(id)).toMatchObject({ lines: ['3', '4', 'xxxxxxx…'], droppedLines: 2 });
    runtime.appendLogs('chatty', ['a'.repeat(9), 'b'.repeat(9), 'c'.repeat(9), 'd'.repeat(9)]);
    // 4 lines of 10 bytes (a newline each) would be 40: the byte budget lets only 3 stay with the cut.
    expect(follower.linesFor(id)).toMatchObject({
      lines: ['b'.repeat(9), 'c'.repeat(9), 'd'.repeat(9)],
      droppedLines: 6,
    });
  });

  it('stops reading a run that writes more than maxReadBytes, keeping what it had (not complete)', async () => {
    const { runtime, logger, follower, start } = setup({ maxReadBytes: 100 });
    runtime.addContainer({ name: 'flood', state: 'exited' });
    const id = start('flood');
    runtime.appendLogs('flood', ['starting', 'x'.repeat(10 * 1024 * 1024)]);
    runtime.appendLogs('flood', ['never read']);
    expect(follower.linesFor(id)).toMatchObject({ state: 'stopped', complete: false, lines: ['starting'] });
    expect(runtime.openLogStreams).toBe(0);
    expect(logger.find('run_logs_not_followed')[0]?.fields).toMatchObject({ container: 'flood' });
    // A diagnosis does not wait for it: the tail is read instead.
    expect(await follower.whenComplete(id, 1_000)).toMatchObject({ state: 'stopped', complete: false });
  });

  it('follows at most maxFollowers runs, says so once, and lets finished runs go to make room', async () => {
    const { runtime, logger, follower, start } = setup({ maxFollowers: 2 });
    for (const name of ['a', 'b', 'c', 'd']) runtime.addContainer({ name, id: name, state: 'exited' });
    start('a');
    start('b');
    start('c');
    start('d');
    expect(follower.following).toBe(2);
    expect(follower.linesFor('c')).toBeUndefined();
    expect(runtime.openLogStreams).toBe(2);
    expect(logger.find('run_logs_not_followed')).toEqual([
      {
        level: 'debug',
        event: 'run_logs_not_followed',
        fields: { reason: '2 runs are already followed', container: 'c' },
      },
    ]);

    runtime.crash('a', { logs: ['a died'] });
    await flushMicrotasks();
    expect(follower.linesFor('a')?.complete).toBe(true);
    runtime.crash('c');
    start('c');
    expect(follower.following).toBe(2);
    expect(follower.linesFor('a')).toBeUndefined(); // the oldest finished run made room
    expect(follower.linesFor('c')?.state).toBe('following');
    runtime.crash('c');
    start('c');
    runtime.crash('d');
    start('d'); // full again: said again, once
    expect(logger.find('run_logs_not_followed')).toHaveLength(2);
  });

  it('records a failed follow and keeps what came before the failure', async () => {
    const { clock, runtime, logger, follower } = setup();
    runtime.addContainer({ name: 'web' });
    runtime.respond('followLogs', async ({ onLine }) => {
      onLine('first');
      throw new ContainerRuntimeError(
        'api',
        'followLogs "web": configured logging driver does not support reading',
      );
    });
    follower.startRun({ id: 'web', name: 'web', startedAt: clock.now() });
    expect(await follower.whenComplete('web', 1_000)).toMatchObject({
      state: 'failed',
      complete: false,
      lines: ['first'],
    });
    expect(logger.find('run_logs_follow_failed')[0]?.fields).toMatchObject({ container: 'web' });
  });

  it('ignores lines a runtime still delivers after it was told to stop', async () => {
    const { clock, runtime, follower } = setup();
    runtime.addContainer({ name: 'web' });
    let late: (line: string) => void = () => {};
    runtime.respond('followLogs', ({ onLine, signal }) => {
      late = onLine;
      return new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
    });
    follower.startRun({ id: 'web', name: 'web', startedAt: clock.now() });
    late('in time');
    const before = follower.linesFor('web');
    follower.forget('web');
    late('too late');
    expect(before?.lines).toEqual(['in time']);
    expect(follower.linesFor('web')).toBeUndefined();
  });

  it('does nothing when the runtime cannot follow logs, and says so once', () => {
    const clock = new FakeClock();
    const logger = new MemoryLogger();
    const fake = new FakeContainerRuntime({ clock });
    const runtime: ContainerRuntime = {
      ping: () => fake.ping(),
      list: () => fake.list(),
      inspect: (options) => fake.inspect(options),
      stats: (options) => fake.stats(options),
      logs: (options) => fake.logs(options),
      restart: (options) => fake.restart(options),
      start: (options) => fake.start(options),
      exec: (options) => fake.exec(options),
      events: (options) => fake.events(options),
    };
    const follower = createRunLogFollower({ runtime, clock, logger });
    follower.startRun({ id: 'a', name: 'a', startedAt: clock.now() });
    follower.startRun({ id: 'b', name: 'b', startedAt: clock.now() });
    expect(follower.linesFor('a')).toBeUndefined();
    expect(logger.find('run_logs_not_followed')).toHaveLength(1);
  });

  it('stop closes every stream and follows no later run', async () => {
    const { runtime, follower, start } = setup();
    runtime.addContainer({ name: 'a', state: 'exited' });
    runtime.addContainer({ name: 'b', state: 'exited' });
    start('a');
    start('b');
    expect(runtime.openLogStreams).toBe(2);
    await follower.stop();
    expect(runtime.openLogStreams).toBe(0);
    start('a');
    expect(runtime.openLogStreams).toBe(0);
    expect(follower.linesFor('a')).toBeUndefined();
  });
});
