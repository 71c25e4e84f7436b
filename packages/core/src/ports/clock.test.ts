import { describe, expect, it } from 'vitest';
import { cpuTimed } from '../internal/cpu-time.test-helper.js';
import { systemClock } from './clock.js';

describe('systemClock.sleep', () => {
  it('resolves after the time, and a later abort of its signal changes nothing', async () => {
    const controller = new AbortController();
    const started = Date.now();
    await systemClock.sleep(20, controller.signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
    controller.abort(new Error('stopping'));
  });

  it('rejects every sleep waiting on a signal with its reason when it is aborted, and at once if it was', async () => {
    const controller = new AbortController();
    const sleeps = Array.from({ length: 5 }, () => systemClock.sleep(60_000, controller.signal));
    const reason = new Error('stopping');
    controller.abort(reason);
    for (const sleep of sleeps) await expect(sleep).rejects.toBe(reason);
    await expect(systemClock.sleep(10, controller.signal)).rejects.toBe(reason);
  });

  it('costs the same per sleep however many wait on one signal (linear, not quadratic)', async () => {
    // Node's EventTarget looked through all listeners on each add and remove: 32,000 sleeps on the
    // agent's one signal took 1.5 s of CPU to start and settle.
    const controller = new AbortController();
    const { result: sleeps, ms } = cpuTimed(() =>
      Array.from({ length: 32_000 }, () =>
        systemClock.sleep(60_000, controller.signal).catch(() => 'aborted'),
      ),
    );
    controller.abort(new Error('stopping'));
    expect(new Set(await Promise.all(sleeps))).toEqual(new Set(['aborted']));
    expect(ms).toBeLessThan(400);
  });
});
