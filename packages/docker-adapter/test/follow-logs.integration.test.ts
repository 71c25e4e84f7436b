import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerEvent, ContainerRuntime } from '@website-monitor/core';
import { systemClock } from '@website-monitor/core';
import { createRunLogFollower } from '@website-monitor/core/internal';
import Docker from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDockerRuntime } from '../src/index.js';

// followLogs on the real engine at /var/run/docker.sock, with the project's test image and an
// `sh -c` entrypoint. What matters is when lines and the end of the stream arrive compared with
// the `die` event, because the agent diagnoses a crash from them the moment `die` comes in.
const testImage = 'website-monitor-test:local';
const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const runId = randomBytes(3).toString('hex');
const created: string[] = [];
let runtime: ContainerRuntime & AsyncDisposable;

/** Every container event as it arrives, stamped with performance.now(). */
const arrivals: { event: ContainerEvent; at: number }[] = [];
const eventsStop = new AbortController();
let eventsReading: Promise<void>;

async function createShContainer(role: string, script: string): Promise<string> {
  const container = await docker.createContainer({
    name: `wm-follow-${runId}-${role}-${randomBytes(2).toString('hex')}`,
    Image: testImage,
    Entrypoint: ['sh', '-c'],
    Cmd: [script],
    Labels: { 'website-monitor-test': '1', 'website-monitor-test.run': runId },
    HostConfig: { Init: true },
  });
  created.push(container.id);
  return container.id;
}

async function eventOf(id: string, action: string, timeoutMs = 10_000) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const found = arrivals.find(
      (arrival) => arrival.event.containerId === id && arrival.event.action === action,
    );
    if (found) return found;
    await sleep(2);
  }
  throw new Error(`no ${action} event for ${id.slice(0, 12)} within ${timeoutMs} ms`);
}

interface FollowedRun {
  readonly lines: { readonly text: string; readonly at: number }[];
  readonly endedAt: number;
  readonly dieAt: number;
}

/**
 * Starts a container and follows its logs from its `start` event, as the agent's run-log
 * follower does (since = start - 1 s); gives the lines and the stream's end, with the `die`.
 */
async function followRun(role: string, script: string): Promise<FollowedRun> {
  const id = await createShContainer(role, script);
  await docker.getContainer(id).start();
  const start = await eventOf(id, 'start');
  const lines: { text: string; at: number }[] = [];
  let endedAt = Number.NaN;
  const following = runtime.followLogs?.({
    id,
    since: start.event.time - 1000,
    signal: AbortSignal.timeout(15_000),
    onLine: (text) => lines.push({ text, at: performance.now() }),
  });
  expect(following).toBeDefined();
  await following?.then(() => {
    endedAt = performance.now();
  });
  const die = await eventOf(id, 'die');
  return { lines, endedAt, dieAt: die.at };
}

const round = (value: number) => Math.round(value * 10) / 10;

beforeAll(async () => {
  await docker.getImage(testImage).inspect();
  runtime = createDockerRuntime();
  eventsReading = (async () => {
    for await (const event of runtime.events({ signal: eventsStop.signal }))
      arrivals.push({ event, at: performance.now() });
  })();
  // Let the subscription reach the daemon before the first container starts.
  await sleep(200);
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
  eventsStop.abort();
  await eventsReading;
  await runtime[Symbol.asyncDispose]();
});

describe('followLogs against the real engine', () => {
  it('has every line of a run that dies after 0.5 s, and ends before (or right at) its die event', async () => {
    const timings: Record<string, number>[] = [];
    for (let run = 0; run < 5; run++) {
      const followed = await followRun(
        `late-${run}`,
        'echo "booting"; echo "warning: cache cold" >&2; sleep 0.5; echo "Error: listen EADDRINUSE: address already in use :::8080" >&2; exit 3',
      );
      expect(followed.lines.map((line) => line.text).sort()).toEqual([
        'Error: listen EADDRINUSE: address already in use :::8080',
        'booting',
        'warning: cache cold',
      ]);
      const lastLine = followed.lines.find((line) => line.text.startsWith('Error:'));
      timings.push({
        lastLineVsDieMs: round((lastLine?.at ?? Number.NaN) - followed.dieAt),
        endVsDieMs: round(followed.endedAt - followed.dieAt),
      });
    }
    console.log('die after 0.5 s (negative = before the die event arrived):', timings);
    // The lines are in before the die event; the stream's end comes with it, not with the
    // follower's 10 s window. Judged on the median: one run on a loaded 2-core machine can be
    // scheduled late by tens of milliseconds without saying anything about the stream.
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    expect(median(timings.map((timing) => timing.lastLineVsDieMs!))).toBeLessThan(5);
    expect(median(timings.map((timing) => timing.endVsDieMs!))).toBeLessThan(20);
    for (const timing of timings) expect(timing.endVsDieMs).toBeLessThan(1_000);
  });

  it('still delivers the lines of a process that dies at once (they come shortly after the die)', async () => {
    const timings: Record<string, number>[] = [];
    for (let run = 0; run < 5; run++) {
      const followed = await followRun(
        `quick-${run}`,
        'echo "FATAL: could not open file \\"/etc/app/config.yml\\": Permission denied" >&2; exit 1',
      );
      expect(followed.lines.map((line) => line.text)).toEqual([
        'FATAL: could not open file "/etc/app/config.yml": Permission denied',
      ]);
      timings.push({
        lineVsDieMs: round((followed.lines[0]?.at ?? Number.NaN) - followed.dieAt),
        endVsDieMs: round(followed.endedAt - followed.dieAt),
      });
    }
    console.log('die at once:', timings);
    for (const timing of timings) expect(timing.endVsDieMs).toBeLessThan(500);
  });

  it('through createRunLogFollower: at the die event the run’s lines are there', async () => {
    const follower = createRunLogFollower({ runtime, clock: systemClock });
    const seen: Record<string, unknown>[] = [];
    try {
      for (let run = 0; run < 5; run++) {
        const id = await createShContainer(
          `follower-${run}`,
          'echo "Starting server"; sleep 0.3; echo "Error: listen EADDRINUSE: address already in use 0.0.0.0:8080" >&2; exit 1',
        );
        await docker.getContainer(id).start();
        const start = await eventOf(id, 'start');
        follower.startRun({ id, name: `follower-${run}`, startedAt: start.event.time });
        const die = await eventOf(id, 'die');
        const atDie = follower.linesFor(id);
        const waitStartedAt = performance.now();
        const complete = await follower.whenComplete(id, 200);
        seen.push({
          linesAtDie: atDie?.lines.length,
          stateAtDie: atDie?.state,
          completeAfterDieMs: round(performance.now() - die.at),
          waitedMs: round(performance.now() - waitStartedAt),
        });
        expect(complete).toMatchObject({
          complete: true,
          lines: ['Starting server', 'Error: listen EADDRINUSE: address already in use 0.0.0.0:8080'],
        });
        follower.forget(id);
      }
    } finally {
      await follower.stop();
    }
    console.log('run-log follower at die:', seen);
  });

  it('gives the lines since a time of a container already stopped, and ends', async () => {
    const id = await createShContainer('stopped', 'echo one; echo two >&2');
    await docker.getContainer(id).start();
    await docker.getContainer(id).wait();
    const lines: string[] = [];
    await runtime.followLogs?.({
      id,
      since: 0,
      signal: AbortSignal.timeout(5_000),
      onLine: (line) => lines.push(line),
    });
    expect(lines.sort()).toEqual(['one', 'two']);
  });

  it('ends promptly on abort mid-stream, delivers nothing after, and leaves no socket open', async () => {
    const agent = new Agent({ keepAlive: true });
    const client = new Docker({ socketPath: '/var/run/docker.sock', agent } as Docker.DockerOptions);
    await using ownRuntime = createDockerRuntime({ docker: client });
    const id = await createShContainer('abort', 'while true; do echo tick; sleep 0.05; done');
    await docker.getContainer(id).start();
    const controller = new AbortController();
    const lines: string[] = [];
    let abortedAt = 0;
    const following = ownRuntime.followLogs?.({
      id,
      since: Date.now() - 1000,
      signal: controller.signal,
      onLine: (line) => {
        lines.push(line);
        if (lines.length === 3) {
          abortedAt = performance.now();
          controller.abort();
        }
      },
    });
    await expect(following).resolves.toBeUndefined();
    const endedAfterMs = performance.now() - abortedAt;
    await sleep(200);
    expect(lines).toEqual(['tick', 'tick', 'tick']);
    console.log(`abort -> resolved: ${round(endedAfterMs)} ms`);
    expect(endedAfterMs).toBeLessThan(50);
    const open = Object.values(agent.sockets).flat().length;
    expect(open).toBe(0);
    agent.destroy();
  });
});
