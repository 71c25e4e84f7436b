import { ContainerRuntimeError } from '@website-monitor/core';
import { FakeClock, FakeContainerRuntime } from '@website-monitor/core/testing';
import { describe, expect, it } from 'vitest';
import { instrumentContainerRuntime } from './instrument-container-runtime.js';

describe('instrumentContainerRuntime', () => {
  it('keeps followLogs (lines pass through) and reports its failures', async () => {
    const runtime = new FakeContainerRuntime({ clock: new FakeClock() });
    runtime.addContainer({ name: 'web' });
    const failures: string[] = [];
    const wrapped = instrumentContainerRuntime({
      runtime,
      onError: ({ operation }) => failures.push(operation),
    });
    const lines: string[] = [];
    const following = wrapped.followLogs?.({
      id: 'web',
      signal: new AbortController().signal,
      onLine: (line) => lines.push(line),
    });
    runtime.appendLogs('web', ['ready']);
    runtime.crash('web');
    await following;
    expect(lines).toEqual(['ready']);

    runtime.respond('followLogs', new ContainerRuntimeError('api', 'logging driver none cannot be read'));
    await expect(
      wrapped.followLogs?.({ id: 'web', signal: new AbortController().signal, onLine: () => {} }),
    ).rejects.toThrow('logging driver none');
    expect(failures).toEqual(['followLogs']);
  });
});
