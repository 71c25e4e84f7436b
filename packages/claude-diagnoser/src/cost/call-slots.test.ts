import { flushMicrotasks } from '@website-monitor/core/testing';
import { describe, expect, it } from 'vitest';
import { CallSlots } from './call-slots.js';

describe('CallSlots', () => {
  it('lets `limit` calls through, then grants the waiting ones in arrival order', async () => {
    const slots = new CallSlots(2);
    const signal = new AbortController().signal;
    const granted: string[] = [];
    const take = (name: string) =>
      slots.acquire(signal).then((release) => {
        granted.push(name);
        return release;
      });
    const [a, b] = [take('a'), take('b')];
    void take('c');
    void take('d');
    await flushMicrotasks();
    expect(granted).toEqual(['a', 'b']);
    expect([slots.active, slots.queued]).toEqual([2, 2]);
    const releaseB = await b;
    releaseB();
    releaseB(); // twice is once
    await flushMicrotasks();
    expect(granted).toEqual(['a', 'b', 'c']);
    (await a)();
    await flushMicrotasks();
    expect(granted).toEqual(['a', 'b', 'c', 'd']);
    expect([slots.active, slots.queued]).toEqual([2, 0]);
  });

  it('drops a waiter whose signal aborts, with the signal reason, and never grants it', async () => {
    const slots = new CallSlots(1);
    const release = await slots.acquire(new AbortController().signal);
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    expect(slots.queued).toBe(0);
    release();
    expect(slots.active).toBe(0);
    await expect(slots.acquire(controller.signal)).rejects.toThrow('gave up');
  });
});
