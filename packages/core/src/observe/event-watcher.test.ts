import { describe, expect, it } from 'vitest';
import type { ContainerEvent, ContainerEventAction } from '../domain/container.js';
import { ContainerRuntimeError } from '../errors/monitor-error.js';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import { FakeClock, FakeContainerRuntime, flushMicrotasks, MemoryLogger } from '../testing/index.js';
import { watchContainerEvents } from './event-watcher.js';

const backoff = { initialMs: 100, maxMs: 1000 };

function watch(
  runtime: ContainerRuntime,
  clock: FakeClock,
  extra: { onEvent?: (event: ContainerEvent) => void } = {},
) {
  const logger = new MemoryLogger();
  const controller = new AbortController();
  const events: ContainerEvent[] = [];
  const reconnects: number[] = [];
  const connection: string[] = [];
  const done = watchContainerEvents({
    runtime,
    clock,
    logger,
    signal: controller.signal,
    onEvent: extra.onEvent ?? ((event) => events.push(event)),
    onReconnect: ({ since }) => {
      reconnects.push(since);
    },
    onConnectionChange: ({ connected, error }) => connection.push(connected ? 'up' : `down: ${error}`),
    backoff,
    // The top of the jitter range, so delays are exact: 100, 200, 400...
    random: () => 1,
  });
  return { logger, controller, events, reconnects, connection, done };
}

function setup() {
  const clock = new FakeClock();
  const runtime = new FakeContainerRuntime({ clock });
  runtime.addContainer({ name: 'web' });
  return { clock, runtime };
}

const actions = (events: readonly ContainerEvent[]) => events.map((event) => event.action);
const pingTimes = (runtime: FakeContainerRuntime) => runtime.callsOf('ping').map((call) => call.at);

describe('watchContainerEvents', () => {
  it('delivers live events and reports the connection', async () => {
    const { clock, runtime } = setup();
    const watcher = watch(runtime, clock);
    await flushMicrotasks();
    runtime.crash('web', { exitCode: 1 });
    runtime.operatorStart('web');
    await flushMicrotasks();
    expect(actions(watcher.events)).toEqual(['die', 'start']);
    expect(watcher.connection).toEqual(['up']);
    expect(watcher.reconnects).toEqual([]);
    expect(runtime.callsOf('events')[0]!.args).toEqual({ since: undefined });

    watcher.controller.abort();
    await watcher.done;
    expect(watcher.logger.find('docker_events_disconnected')).toEqual([]);
  });

  it('after a dropped stream, replays from the last event, skips what it already delivered and asks for a reconcile', async () => {
    const { clock, runtime } = setup();
    const watcher = watch(runtime, clock);
    await flushMicrotasks();
    runtime.crash('web', { exitCode: 1 });
    await flushMicrotasks();
    const dieTime = watcher.events[0]!.time;

    await clock.advance(20);
    runtime.disconnectEvents();
    await flushMicrotasks();
    expect(watcher.logger.find('docker_events_disconnected')).toEqual([
      {
        level: 'warn',
        event: 'docker_events_disconnected',
        fields: { reason: 'stream ended', lastEventTime: dieTime },
      },
    ]);
    expect(watcher.connection).toEqual(['up', 'down: stream ended']);

    // Happens while nobody listens: only the replay can bring it.
    runtime.operatorStart('web');
    await clock.advance(100);

    expect(runtime.callsOf('events')[1]!.args).toEqual({ since: dieTime - 1 });
    expect(actions(watcher.events)).toEqual(['die', 'start']);
    expect(watcher.reconnects).toEqual([dieTime - 1]);
    expect(watcher.connection).toEqual(['up', 'down: stream ended', 'up']);

    runtime.crash('web');
    await flushMicrotasks();
    expect(actions(watcher.events)).toEqual(['die', 'start', 'die']);
    watcher.controller.abort();
    await watcher.done;
  });

  it('logs an unreachable engine once per outage, backs off exponentially, and recovers', async () => {
    const { clock, runtime } = setup();
    const watcher = watch(runtime, clock);
    await flushMicrotasks();
    const outageStart = clock.now();
    runtime.disconnectEvents(new ContainerRuntimeError('unreachable', 'connect ENOENT /var/run/docker.sock'));
    runtime.setReachable(false);
    await flushMicrotasks();
    expect(watcher.logger.events()).toEqual(['docker_events_disconnected', 'docker_unreachable']);

    await clock.advance(100 + 200 + 400 + 800 + 1000 + 1000);
    expect(pingTimes(runtime).map((at) => at - outageStart)).toEqual([0, 100, 300, 700, 1500, 2500, 3500]);
    const unreachable = watcher.logger.find('docker_unreachable');
    expect(unreachable).toHaveLength(1);
    expect(unreachable[0]!.level).toBe('error');
    expect(unreachable[0]!.fields.message).toBe(
      'Docker engine unreachable: connect ENOENT /var/run/docker.sock; retrying with backoff',
    );
    expect(watcher.connection).toEqual(['up', 'down: connect ENOENT /var/run/docker.sock']);
    expect(watcher.reconnects).toEqual([]);

    runtime.setReachable(true);
    await clock.advance(1000);
    expect(watcher.logger.find('docker_reconnected')).toEqual([
      { level: 'info', event: 'docker_reconnected', fields: { downForMs: 4500 } },
    ]);
    expect(watcher.connection).toEqual(['up', 'down: connect ENOENT /var/run/docker.sock', 'up']);
    expect(watcher.reconnects).toHaveLength(1);
    expect(runtime.openEventStreams).toBe(1);

    // A second outage is logged again. The backoff was not reset: the stream that ended delivered
    // nothing and lasted less than maxMs, so this retry still waits the longest delay.
    runtime.setReachable(false);
    await flushMicrotasks();
    await clock.advance(999);
    expect(watcher.logger.find('docker_unreachable')).toHaveLength(1);
    await clock.advance(1);
    expect(watcher.logger.find('docker_unreachable')).toHaveLength(2);
    watcher.controller.abort();
    await watcher.done;
  });

  it('starts with the engine down and counts the first subscription after it as a reconnect', async () => {
    const { clock, runtime } = setup();
    runtime.setReachable(false);
    const startedAt = clock.now();
    const watcher = watch(runtime, clock);
    await flushMicrotasks();
    expect(watcher.connection).toEqual(['down: fake engine is down']);
    expect(watcher.logger.events()).toEqual(['docker_unreachable']);

    runtime.setReachable(true);
    await clock.advance(100);
    expect(watcher.connection).toEqual(['down: fake engine is down', 'up']);
    expect(watcher.reconnects).toEqual([startedAt]);
    watcher.controller.abort();
    await watcher.done;
  });

  it('resets the backoff once a subscription delivers an event', async () => {
    const { clock, runtime } = setup();
    const watcher = watch(runtime, clock);
    await flushMicrotasks();
    const start = clock.now();
    runtime.disconnectEvents();
    await clock.advance(100); // attempt 0: 100 ms
    runtime.disconnectEvents();
    await clock.advance(200); // attempt 1: 200 ms
    runtime.crash('web');
    await flushMicrotasks();
    runtime.disconnectEvents();
    await clock.advance(100); // an event arrived: back to 100 ms
    expect(pingTimes(runtime).map((at) => at - start)).toEqual([0, 100, 300, 400]);
    watcher.controller.abort();
    await watcher.done;
  });

  it('resets the backoff after a quiet stream that stayed open for maxMs', async () => {
    const { clock, runtime } = setup();
    const watcher = watch(runtime, clock);
    await flushMicrotasks();
    runtime.disconnectEvents();
    await clock.advance(100);
    runtime.disconnectEvents();
    await clock.advance(200);
    await clock.advance(5000); // open and quiet for 5 s
    const before = pingTimes(runtime).length;
    runtime.disconnectEvents();
    await clock.advance(100);
    expect(pingTimes(runtime)).toHaveLength(before + 1);
    watcher.controller.abort();
    await watcher.done;
  });

  it('keeps reading when the consumer throws, and logs the failure with its stack', async () => {
    const { clock, runtime } = setup();
    const seen: ContainerEventAction[] = [];
    const watcher = watch(runtime, clock, {
      onEvent: (event) => {
        seen.push(event.action);
        if (event.action === 'die') throw new Error('consumer bug');
      },
    });
    await flushMicrotasks();
    runtime.crash('web');
    runtime.operatorStart('web');
    await flushMicrotasks();
    expect(seen).toEqual(['die', 'start']);
    const failure = watcher.logger.find('event_handler_failed')[0]!;
    expect(failure.level).toBe('error');
    expect((failure.fields.error as Error).stack).toContain('consumer bug');
    watcher.controller.abort();
    await watcher.done;
  });

  it('logs a failed reconcile without stopping', async () => {
    const { clock, runtime } = setup();
    const logger = new MemoryLogger();
    const controller = new AbortController();
    const done = watchContainerEvents({
      runtime,
      clock,
      logger,
      signal: controller.signal,
      onEvent: () => {},
      onReconnect: async () => {
        throw new Error('list failed');
      },
      backoff,
      random: () => 1,
    });
    await flushMicrotasks();
    runtime.disconnectEvents();
    await clock.advance(100);
    expect(logger.find('reconcile_failed')).toHaveLength(1);
    expect(runtime.openEventStreams).toBe(1);
    controller.abort();
    await done;
  });

  it('resolves when aborted while waiting to retry', async () => {
    const { clock, runtime } = setup();
    runtime.setReachable(false);
    const watcher = watch(runtime, clock);
    await flushMicrotasks();
    expect(clock.pendingSleeps).toBe(1);
    watcher.controller.abort();
    await expect(watcher.done).resolves.toBeUndefined();
  });

  it('delivers an event older than the last one seen when it is new, and skips true replays', async () => {
    const clock = new FakeClock();
    const event = (action: ContainerEventAction, time: number, nano = 0n): ContainerEvent => ({
      action,
      containerId: 'c1',
      containerName: 'web',
      time,
      timeNano: BigInt(time) * 1_000_000n + nano,
      labels: {},
    });
    const streams: ContainerEvent[][] = [
      [event('die', 1000), event('start', 2000)],
      // The replay: the start again, then a die from before it that the first stream never sent,
      // a second die in the same millisecond as the first but a different nanosecond, and a new one.
      [event('start', 2000), event('die', 1500), event('die', 1000, 7n), event('stop', 2500)],
    ];
    const sinces: (number | undefined)[] = [];
    const controller = new AbortController();
    const runtime = {
      ping: async () => ({ version: 'test', apiVersion: '1.41' }),
      events: ({ since }: { since?: number }) => {
        sinces.push(since);
        const batch = streams.shift();
        return (async function* () {
          if (batch === undefined) {
            // Stay open until the test ends.
            await new Promise((resolve) => controller.signal.addEventListener('abort', resolve));
            return;
          }
          yield* batch;
        })();
      },
    } as unknown as ContainerRuntime;
    const delivered: string[] = [];
    const done = watchContainerEvents({
      runtime,
      clock,
      logger: new MemoryLogger(),
      signal: controller.signal,
      onEvent: (e) => delivered.push(`${e.action}@${e.time}`),
      onReconnect: () => {},
      backoff,
      since: 500,
      random: () => 1,
    });
    await flushMicrotasks();
    await clock.advance(100);
    await clock.advance(200);
    expect(sinces).toEqual([500, 1999, 2499]);
    expect(delivered).toEqual(['die@1000', 'start@2000', 'die@1500', 'die@1000', 'stop@2500']);
    controller.abort();
    await done;
  });
});
