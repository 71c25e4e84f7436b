import { describe, expect, it } from 'vitest';
import { SharedCalls } from './shared-calls.js';

const aborted = () => new Error('aborted');

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe('SharedCalls', () => {
  it('gives every caller with the same key the one call under way, then forgets it', async () => {
    const calls = new SharedCalls<string>();
    const answer = deferred<string>();
    let started = 0;
    const first = calls.lead('k', undefined, aborted, () => {
      started += 1;
      return answer.promise;
    });
    const second = calls.join('k', undefined, aborted);
    expect(calls.join('other', undefined, aborted)).toBeUndefined();
    answer.resolve('diagnosis');
    await expect(first).resolves.toBe('diagnosis');
    await expect(second).resolves.toBe('diagnosis');
    expect(started).toBe(1);
    expect(calls.size).toBe(0);
    expect(calls.join('k', undefined, aborted)).toBeUndefined();
  });

  it('abandons the call only when its last caller has left', async () => {
    const calls = new SharedCalls<string>();
    const answer = deferred<string>();
    let abandoned: AbortSignal | undefined;
    const [one, two] = [new AbortController(), new AbortController()];
    const first = calls.lead('k', one.signal, aborted, (signal) => {
      abandoned = signal;
      return answer.promise;
    });
    const second = calls.join('k', two.signal, aborted);
    one.abort();
    await expect(first).rejects.toThrow('aborted');
    expect(abandoned?.aborted).toBe(false);
    two.abort();
    await expect(second).rejects.toThrow('aborted');
    expect(abandoned?.aborted).toBe(true);
    expect(calls.size).toBe(0);
  });
});
