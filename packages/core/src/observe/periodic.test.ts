import { describe, expect, it } from 'vitest';
import { FakeClock, flushMicrotasks } from '../testing/index.js';
import { runPeriodically } from './periodic.js';

function start(options: {
  clock: FakeClock;
  task: (signal: AbortSignal) => void | Promise<void>;
  intervalMs?: number;
  jitterMs?: number;
  random?: () => number;
}) {
  const controller = new AbortController();
  const errors: unknown[] = [];
  const done = runPeriodically({
    clock: options.clock,
    intervalMs: options.intervalMs ?? 1000,
    signal: controller.signal,
    task: options.task,
    onError: (error) => errors.push(error),
    ...(options.jitterMs !== undefined ? { jitterMs: options.jitterMs } : {}),
    ...(options.random ? { random: options.random } : {}),
  });
  return { controller, errors, done };
}

describe('runPeriodically', () => {
  it('runs at once and then every interval until aborted', async () => {
    const clock = new FakeClock();
    const origin = clock.now();
    const runs: number[] = [];
    const loop = start({ clock, task: () => void runs.push(clock.now() - origin) });
    await clock.advance(3500);
    expect(runs).toEqual([0, 1000, 2000, 3000]);
    loop.controller.abort();
    await expect(loop.done).resolves.toBeUndefined();
    await clock.advance(5000);
    expect(runs).toHaveLength(4);
  });

  it('keeps the beat start to start when a run takes time', async () => {
    const clock = new FakeClock();
    const origin = clock.now();
    const runs: number[] = [];
    const loop = start({
      clock,
      task: async (signal) => {
        runs.push(clock.now() - origin);
        await clock.sleep(300, signal);
      },
    });
    await clock.advance(3100);
    expect(runs).toEqual([0, 1000, 2000, 3000]);
    loop.controller.abort();
    await loop.done;
  });

  it('starts the next run at once after one that overran, never two at a time', async () => {
    const clock = new FakeClock();
    const origin = clock.now();
    const runs: number[] = [];
    let running = 0;
    let overlapped = false;
    const loop = start({
      clock,
      task: async () => {
        running++;
        overlapped ||= running > 1;
        runs.push(clock.now() - origin);
        await clock.sleep(runs.length === 1 ? 2500 : 100);
        running--;
      },
    });
    await clock.advance(3200);
    // 2500 ms first run, then at once the next (100 ms), then back on a 1000 ms beat from its start.
    expect(runs).toEqual([0, 2500]);
    await clock.advance(1000);
    expect(runs).toEqual([0, 2500, 3500]);
    expect(overlapped).toBe(false);
    loop.controller.abort();
    await loop.done;
  });

  it('reports a failing run and carries on', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const loop = start({
      clock,
      task: async () => {
        calls++;
        if (calls === 2) throw new Error('docker list failed');
      },
    });
    await clock.advance(2500);
    expect(calls).toBe(3);
    expect(loop.errors).toEqual([new Error('docker list failed')]);
    loop.controller.abort();
    await loop.done;
  });

  it('survives a throwing error handler', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    let calls = 0;
    const done = runPeriodically({
      clock,
      intervalMs: 1000,
      signal: controller.signal,
      task: () => {
        calls++;
        throw new Error('boom');
      },
      onError: () => {
        throw new Error('handler bug');
      },
    });
    await clock.advance(1000);
    expect(calls).toBe(2);
    controller.abort();
    await done;
  });

  it('waits a random part of jitterMs before the first run', async () => {
    const clock = new FakeClock();
    const origin = clock.now();
    const runs: number[] = [];
    const loop = start({
      clock,
      task: () => void runs.push(clock.now() - origin),
      jitterMs: 1000,
      random: () => 0.25,
    });
    await clock.advance(1300);
    expect(runs).toEqual([250, 1250]);
    loop.controller.abort();
    await loop.done;
  });

  it('hands the signal to the task and does not report the abort of a run as a failure', async () => {
    const clock = new FakeClock();
    let seen: AbortSignal | undefined;
    const loop = start({
      clock,
      task: async (signal) => {
        seen = signal;
        await clock.sleep(10_000, signal);
      },
    });
    await flushMicrotasks();
    loop.controller.abort();
    await loop.done;
    expect(seen?.aborted).toBe(true);
    expect(loop.errors).toEqual([]);
  });

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY])('refuses intervalMs %s', async (intervalMs) => {
    const clock = new FakeClock();
    await expect(start({ clock, task: () => {}, intervalMs }).done).rejects.toThrow(RangeError);
  });
});
