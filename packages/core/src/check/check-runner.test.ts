import { describe, expect, it } from 'vitest';
import { createCheckRunner } from './check-runner.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('createCheckRunner', () => {
  it('finishes 19 checks while the 20th hangs', async () => {
    const runner = createCheckRunner<string>({ maxConcurrent: 4 });
    const hanging = deferred<string>();
    const finished: string[] = [];
    const checks = Array.from({ length: 20 }, (_, index) => {
      const name = `web-${index}`;
      const task = index === 0 ? () => hanging.promise : async () => name;
      return runner.run(name, task).then((result) => {
        finished.push(result);
        return result;
      });
    });

    await Promise.all(checks.slice(1));
    expect(finished).toHaveLength(19);
    expect(finished).not.toContain('web-0');
    expect(runner.isInFlight('web-0')).toBe(true);
    expect(runner.activeCount).toBe(1);

    hanging.resolve('web-0');
    await expect(checks[0]).resolves.toBe('web-0');
    expect(runner.inFlightCount).toBe(0);
  });

  it('never runs more than maxConcurrent at once', async () => {
    const runner = createCheckRunner<void>({ maxConcurrent: 3 });
    const gates = Array.from({ length: 10 }, () => deferred<void>());
    let running = 0;
    let peak = 0;
    const checks = gates.map((gate, index) =>
      runner.run(`c${index}`, async () => {
        running++;
        peak = Math.max(peak, running);
        await gate.promise;
        running--;
      }),
    );
    await tick();
    expect(runner.activeCount).toBe(3);
    expect(runner.pendingCount).toBe(7);
    for (const gate of gates) {
      gate.resolve();
      await tick();
    }
    await Promise.all(checks);
    expect(peak).toBe(3);
  });

  it('joins a check already queued or running for the same key instead of running it twice', async () => {
    const runner = createCheckRunner<number>({ maxConcurrent: 1 });
    const gate = deferred<void>();
    let calls = 0;
    const task = async () => {
      calls++;
      await gate.promise;
      return calls;
    };
    const blocker = runner.run('other', () => gate.promise.then(() => 0));
    const first = runner.run('web', task); // queued behind "other"
    const second = runner.run('web', task);
    expect(second).toBe(first);
    await tick();
    const third = runner.run('web', task);
    expect(third).toBe(first);
    gate.resolve();
    await Promise.all([blocker, first]);
    expect(calls).toBe(1);

    // Once it finished, the next request runs again.
    await expect(runner.run('web', task)).resolves.toBe(2);
  });

  it('passes a failure to every caller and frees the key', async () => {
    const runner = createCheckRunner<string>({ maxConcurrent: 2 });
    const gate = deferred<string>();
    const first = runner.run('web', () => gate.promise);
    const joined = runner.run('web', async () => 'never');
    gate.reject(new Error('inspect failed'));
    await expect(first).rejects.toThrow('inspect failed');
    await expect(joined).rejects.toThrow('inspect failed');
    expect(runner.isInFlight('web')).toBe(false);
    await expect(runner.run('web', async () => 'again')).resolves.toBe('again');
  });

  it('onIdle waits for queued and running checks', async () => {
    const runner = createCheckRunner<void>({ maxConcurrent: 1 });
    const gate = deferred<void>();
    let done = 0;
    void runner.run('a', () => gate.promise.then(() => void done++));
    void runner.run('b', async () => void done++);
    let idle = false;
    const waiting = runner.onIdle().then(() => {
      idle = true;
    });
    await tick();
    expect(idle).toBe(false);
    gate.resolve();
    await waiting;
    expect(done).toBe(2);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects maxConcurrent %s', (maxConcurrent) => {
    expect(() => createCheckRunner({ maxConcurrent })).toThrow(RangeError);
  });
});
