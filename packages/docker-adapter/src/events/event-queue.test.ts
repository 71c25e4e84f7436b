import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue.js';

async function drain<T>(queue: EventQueue<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of queue) items.push(item);
  return items;
}

describe('EventQueue', () => {
  it('hands items to a consumer that starts late, then ends', async () => {
    const queue = new EventQueue<number>({ capacity: 10 });
    queue.push(1);
    queue.push(2);
    queue.end();
    expect(await drain(queue)).toEqual([1, 2]);
  });

  it('wakes a waiting consumer when an item arrives', async () => {
    const queue = new EventQueue<string>({ capacity: 10 });
    const iterator = queue[Symbol.asyncIterator]();
    const next = iterator.next();
    setTimeout(() => queue.push('late'), 5);
    expect(await next).toEqual({ value: 'late', done: false });
  });

  it('delivers what was queued before throwing a failure', async () => {
    const queue = new EventQueue<number>({ capacity: 10 });
    queue.push(1);
    queue.fail(new Error('connection reset'));
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const item of queue) seen.push(item);
      })(),
    ).rejects.toThrow('connection reset');
    expect(seen).toEqual([1]);
  });

  it('refuses items past its capacity instead of blocking the producer', () => {
    const queue = new EventQueue<number>({ capacity: 2 });
    expect([queue.push(1), queue.push(2), queue.push(3)]).toEqual([true, true, false]);
    expect(queue.size).toBe(2);
  });

  it('keeps order across many items read while they arrive', async () => {
    const queue = new EventQueue<number>({ capacity: 5000 });
    const reading = drain(queue);
    for (let index = 0; index < 3000; index += 1) queue.push(index);
    queue.end();
    const items = await reading;
    expect(items).toHaveLength(3000);
    expect(items.every((item, index) => item === index)).toBe(true);
  });
});

describe('EventQueue memory', () => {
  it('keeps no reference to an event once the consumer has taken it', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const queue = new EventQueue<{ payload: string }>({ capacity: 10_000 });
    const iterator = queue[Symbol.asyncIterator]();
    const taken: WeakRef<object>[] = [];
    // Fewer than the 1,024 a compaction waits for: before, all of them stayed in the array.
    for (let index = 0; index < 500; index++) {
      queue.push({ payload: `event ${index} ${'x'.repeat(100)}` });
      const { value } = await iterator.next();
      taken.push(new WeakRef(value as object));
    }
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    // The generator's own frame still holds the one it yielded last, until the next is asked for.
    expect(taken.filter((ref) => ref.deref() !== undefined).length).toBeLessThanOrEqual(1);
  });
});
