import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerEvent, ContainerRuntime } from '@website-monitor/core';
import { ContainerRuntimeError } from '@website-monitor/core';
import Docker from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDockerRuntime } from '../src/index.js';
import { ensureAdapterTestImage } from './support/adapter-test-image.js';

// Real engine at /var/run/docker.sock. Every container is labelled, named uniquely, runs with
// an init (so SIGTERM is honoured at once) and is force-removed after each test.
const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const runId = randomBytes(3).toString('hex');
const created: string[] = [];
let image: string;
let runtime: ContainerRuntime & AsyncDisposable;

async function startContainer(options: {
  readonly role: string;
  readonly cmd: readonly string[];
  readonly tty?: boolean;
  readonly publish?: boolean;
}): Promise<{ id: string; name: string }> {
  const name = `wm-adapter-${runId}-${options.role}`;
  const container = await docker.createContainer({
    name,
    Image: image,
    Cmd: [...options.cmd],
    Tty: options.tty ?? false,
    Env: ['ADAPTER_TEST=1'],
    Labels: { 'website-monitor-test': '1', role: options.role },
    ...(options.publish ? { ExposedPorts: { '8080/tcp': {} } } : {}),
    HostConfig: {
      Init: true,
      ...(options.publish ? { PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } } : {}),
    },
  });
  created.push(container.id);
  await container.start();
  return { id: container.id, name };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const waitForState = (id: string, state: string) =>
  waitFor(`${id.slice(0, 12)} to be ${state}`, async () => {
    const details = await runtime.inspect({ id });
    return details.state === state ? details : undefined;
  });

/** Reads events until `match` or `timeoutMs`; gives the event and when it arrived. */
async function nextMatching(
  iterator: AsyncIterator<ContainerEvent>,
  match: (event: ContainerEvent) => boolean,
  timeoutMs: number,
): Promise<{ event: ContainerEvent; receivedAt: number }> {
  const found = (async () => {
    while (true) {
      const result = await iterator.next();
      if (result.done) throw new Error('event stream ended before the expected event');
      if (match(result.value)) return { event: result.value, receivedAt: performance.now() };
    }
  })();
  const timer = sleep(timeoutMs).then(() => {
    throw new Error(`no matching event within ${timeoutMs} ms`);
  });
  return Promise.race([found, timer]);
}

/** Everything the stream yields for `containerId` during `windowMs`. */
async function collectFor(
  runtimeUnderTest: ContainerRuntime,
  since: number,
  containerId: string,
  windowMs: number,
) {
  const controller = new AbortController();
  const events: ContainerEvent[] = [];
  const reading = (async () => {
    for await (const event of runtimeUnderTest.events({ since, signal: controller.signal })) {
      if (event.containerId === containerId) events.push(event);
    }
  })();
  await sleep(windowMs);
  controller.abort();
  await reading;
  return events;
}

beforeAll(async () => {
  image = await ensureAdapterTestImage();
  runtime = createDockerRuntime();
});

afterEach(async () => {
  await Promise.all(
    created.splice(0).map((id) =>
      docker
        .getContainer(id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
});

afterAll(async () => {
  await runtime[Symbol.asyncDispose]();
});

describe('createDockerRuntime against the real engine', () => {
  it('pings the engine without pinning an API version', async () => {
    const identity = await runtime.ping();
    expect(identity.version).not.toBe('');
    expect(identity.apiVersion).toMatch(/^1\.\d+$/);
  });

  it('lists containers, stopped ones included, by name without the slash', async () => {
    const running = await startContainer({ role: 'list-running', cmd: ['/bin/busybox', 'sleep', '3600'] });
    const exited = await startContainer({ role: 'list-exited', cmd: ['/bin/busybox', 'true'] });
    await waitForState(exited.id, 'exited');
    const listed = await runtime.list();
    expect(listed).toContainEqual({
      id: running.id,
      name: running.name,
      image,
      state: 'running',
      labels: { 'website-monitor-test': '1', role: 'list-running' },
    });
    expect(listed.find((summary) => summary.id === exited.id)?.state).toBe('exited');
  });

  it('inspects a running container and an exited one', async () => {
    const running = await startContainer({
      role: 'inspect-running',
      cmd: ['/bin/busybox', 'sleep', '3600'],
      publish: true,
    });
    const details = await runtime.inspect({ id: running.name });
    expect(details).toMatchObject({
      id: running.id,
      name: running.name,
      state: 'running',
      exitCode: 0,
      oomKilled: false,
      finishedAt: null,
      restartPolicy: { name: 'no', maximumRetryCount: 0 },
      health: { status: 'none' },
    });
    expect(details.startedAt).not.toBeNull();
    expect(details.env).toContain('ADAPTER_TEST=1');
    expect(details.ports).toEqual([
      { containerPort: 8080, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: expect.any(Number) },
    ]);

    const exited = await startContainer({
      role: 'inspect-exited',
      cmd: ['/bin/busybox', 'sh', '-c', 'exit 3'],
    });
    const exitedDetails = await waitForState(exited.id, 'exited');
    expect(exitedDetails).toMatchObject({ exitCode: 3, oomKilled: false });
    expect(exitedDetails.finishedAt).not.toBeNull();
  });

  it('maps a missing container to not_found naming it', async () => {
    const missing = `wm-adapter-${runId}-missing`;
    const error = await runtime.inspect({ id: missing }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ContainerRuntimeError);
    expect(error).toMatchObject({ kind: 'not_found', container: missing });
    expect((error as Error).message).toContain(missing);
  });

  it('reads one-shot stats twice, at once', async () => {
    const busy = await startContainer({
      role: 'stats',
      cmd: ['/bin/busybox', 'sh', '-c', 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; sleep 3600'],
    });
    const timings: number[] = [];
    const timed = async () => {
      const started = performance.now();
      const sample = await runtime.stats({ id: busy.id });
      timings.push(performance.now() - started);
      return sample;
    };
    const first = await timed();
    await sleep(200);
    const second = await timed();
    console.info(`one-shot stats: ${timings.map((ms) => `${ms.toFixed(1)} ms`).join(', ')}`);
    // One-shot waits for the engine's next 1 s collection tick (at once when its collector was
    // idle); without one-shot it waits two ticks, ~2 s.
    expect(Math.max(...timings)).toBeLessThan(1500);
    expect(first.cpu.totalUsage).toBeGreaterThan(0);
    expect(second.cpu.totalUsage).toBeGreaterThanOrEqual(first.cpu.totalUsage);
    expect(second.cpu.systemUsage ?? 0).toBeGreaterThan(first.cpu.systemUsage ?? 0);
    expect(second.readAt).toBeGreaterThan(first.readAt);
    expect(first.cpu.onlineCpus).toBeGreaterThanOrEqual(1);
    expect(first.memory.usage).toBeGreaterThan(0);
    expect(first.memory.limit).toBeGreaterThan(0);
  });

  it('tails the logs of a container that printed lines, stdout and stderr', async () => {
    const chatty = await startContainer({
      role: 'logs',
      // Docker copies stdout and stderr in separate goroutines, so their relative order is only
      // certain with a pause between them.
      cmd: [
        '/bin/busybox',
        'sh',
        '-c',
        'for i in $(seq 1 20); do echo "line $i"; done; sleep 0.3; echo "oops" >&2; sleep 3600',
      ],
    });
    const lines = await waitFor('log lines', async () => {
      const tail = await runtime.logs({ id: chatty.id, tail: 4 });
      return tail.includes('oops') ? tail : undefined;
    });
    expect(lines).toEqual(['line 18', 'line 19', 'line 20', 'oops']);
    expect(await runtime.logs({ id: chatty.id, tail: 0 })).toEqual([]);
    expect(await runtime.logs({ id: chatty.id, tail: 100 })).toHaveLength(21);
  });

  it('tails the logs of a TTY container, which are not framed', async () => {
    const tty = await startContainer({
      role: 'logs-tty',
      tty: true,
      cmd: ['/bin/busybox', 'sh', '-c', 'echo first; echo 42; sleep 3600'],
    });
    const lines = await waitFor('tty log lines', async () => {
      const tail = await runtime.logs({ id: tty.id, tail: 10 });
      return tail.length === 2 ? tail : undefined;
    });
    expect(lines).toEqual(['first', '42']);
  });

  it('execs an argv without a shell and reports output and exit code', async () => {
    const target = await startContainer({ role: 'exec', cmd: ['/bin/busybox', 'sleep', '3600'] });
    const literal = await runtime.exec({
      id: target.id,
      argv: ['/bin/busybox', 'echo', 'a b; $HOME `id`'],
      timeoutMs: 5000,
    });
    expect(literal).toEqual({ exitCode: 0, output: 'a b; $HOME `id`\n' });

    const failing = await runtime.exec({
      id: target.id,
      argv: ['/bin/busybox', 'sh', '-c', 'echo to-stdout; echo to-stderr >&2; exit 7'],
      timeoutMs: 5000,
    });
    expect(failing.exitCode).toBe(7);
    expect(failing.output).toContain('to-stdout\n');
    expect(failing.output).toContain('to-stderr\n');
  });

  it('bounds exec output and times out a command that does not finish', async () => {
    const target = await startContainer({ role: 'exec-bounds', cmd: ['/bin/busybox', 'sleep', '3600'] });
    const flood = await runtime.exec({
      id: target.id,
      argv: ['/bin/busybox', 'sh', '-c', 'head -c 200000 /dev/zero | tr "\\0" x'],
      timeoutMs: 10_000,
    });
    expect(flood.exitCode).toBe(0);
    expect(flood.output.startsWith('x'.repeat(65536))).toBe(true);
    expect(flood.output).toContain('[output cut: 134464 more bytes]');

    const started = performance.now();
    const error = await runtime
      .exec({ id: target.id, argv: ['/bin/busybox', 'sleep', '30'], timeoutMs: 300 })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'timeout', isRetryable: true });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('refuses exec in a stopped container as a conflict', async () => {
    const stopped = await startContainer({ role: 'exec-stopped', cmd: ['/bin/busybox', 'true'] });
    await waitForState(stopped.id, 'exited');
    const error = await runtime
      .exec({ id: stopped.id, argv: ['/bin/busybox', 'true'], timeoutMs: 5000 })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'conflict', container: stopped.id });
  });

  it('restarts a running container (StartedAt changes)', async () => {
    const target = await startContainer({ role: 'restart', cmd: ['/bin/busybox', 'sleep', '3600'] });
    const before = await runtime.inspect({ id: target.id });
    const started = performance.now();
    await runtime.restart({ id: target.id, timeoutSeconds: 10 });
    const tookMs = performance.now() - started;
    const after = await runtime.inspect({ id: target.id });
    console.info(`restart with Init and t=10: ${tookMs.toFixed(0)} ms`);
    expect(after.state).toBe('running');
    expect(after.startedAt).not.toBe(before.startedAt);
    expect(tookMs).toBeLessThan(5000);
  });

  it('starts an exited container, and starting a running one is not an error', async () => {
    const target = await startContainer({ role: 'start', cmd: ['/bin/busybox', 'sleep', '3600'] });
    await docker.getContainer(target.id).stop({ t: 0 });
    await waitForState(target.id, 'exited');
    await runtime.start({ id: target.id });
    expect((await runtime.inspect({ id: target.id })).state).toBe('running');
    await expect(runtime.start({ id: target.id })).resolves.toBeUndefined();
  });

  it('delivers die with the exit code within 2 s of a kill, and ends on abort', async () => {
    const victim = await startContainer({ role: 'events-kill', cmd: ['/bin/busybox', 'sleep', '3600'] });
    const controller = new AbortController();
    const iterator = runtime.events({ signal: controller.signal })[Symbol.asyncIterator]();
    const died = nextMatching(
      iterator,
      (event) => event.containerId === victim.id && event.action === 'die',
      5000,
    );
    // Let the subscription reach the daemon before the kill.
    await sleep(300);
    const killedAt = performance.now();
    await docker.getContainer(victim.id).kill();
    const { event, receivedAt } = await died;
    const latencyMs = receivedAt - killedAt;
    console.info(`kill -> die event: ${latencyMs.toFixed(1)} ms`);
    expect(latencyMs).toBeLessThan(2000);
    expect(event).toMatchObject({
      action: 'die',
      containerName: victim.name,
      exitCode: 137,
      image,
      labels: { role: 'events-kill' },
    });
    expect(typeof event.timeNano).toBe('bigint');
    expect(Math.abs(event.time - Date.now())).toBeLessThan(10_000);

    controller.abort();
    await expect(iterator.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it('replays a past die with since, to the millisecond', async () => {
    const before = Date.now() - 1000;
    const quitter = await startContainer({
      role: 'events-since',
      cmd: ['/bin/busybox', 'sh', '-c', 'exit 5'],
    });
    await waitForState(quitter.id, 'exited');

    const replayed = await collectFor(runtime, before, quitter.id, 500);
    const die = replayed.find((event) => event.action === 'die');
    expect(die).toMatchObject({ containerName: quitter.name, exitCode: 5 });
    expect(replayed.map((event) => event.action)).toEqual(expect.arrayContaining(['create', 'start', 'die']));

    // From the die's own millisecond (inclusive) it is replayed; one millisecond later it is not.
    const from = await collectFor(runtime, die?.time ?? 0, quitter.id, 500);
    expect(from.filter((event) => event.action === 'die')).toHaveLength(1);
    const after = await collectFor(runtime, (die?.time ?? 0) + 1, quitter.id, 500);
    expect(after.filter((event) => event.action === 'die')).toEqual([]);
  });

  it('names the socket and says no engine answers when the socket does not exist', async () => {
    await using unreachable = createDockerRuntime({ socketPath: `/tmp/wm-adapter-${runId}-no-docker.sock` });
    const error = await unreachable.ping().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ContainerRuntimeError);
    expect(error).toMatchObject({ kind: 'unreachable', isRetryable: true });
    expect((error as Error).message).toBe(
      `ping: no Docker engine answers at unix:///tmp/wm-adapter-${runId}-no-docker.sock (ENOENT)`,
    );

    const stream = unreachable.events({ signal: new AbortController().signal })[Symbol.asyncIterator]();
    await expect(stream.next()).rejects.toMatchObject({ kind: 'unreachable' });
  });
});
