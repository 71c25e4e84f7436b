import { describe, expect, it } from 'vitest';
import { ContainerRuntimeError } from '../../errors/monitor-error.js';
import { FakeClock } from '../../testing/fake-clock.js';
import { FakeContainerRuntime } from '../../testing/fake-container-runtime.js';
import { garbageCollectionStrategy, gcCommandLabel, parseGcCommand } from './garbage-collection.js';
import { makeHealingContext } from './healing-context-fixture.test-helper.js';

async function setUp(labels: Record<string, string>) {
  const clock = new FakeClock();
  const runtime = new FakeContainerRuntime({ clock });
  runtime.addContainer({ name: 'php', labels });
  const context = await makeHealingContext({ runtime, clock, containerName: 'php' });
  return { runtime, context };
}

describe('garbage_collection', () => {
  it('runs the argv from the gc_command label inside the container', async () => {
    const { runtime, context } = await setUp({ [gcCommandLabel]: '["php","-r","gc_collect_cycles();"]' });
    runtime.respond('exec', { exitCode: 0, output: 'collected\n' });

    const outcome = await garbageCollectionStrategy.run(context);

    expect(runtime.callsOf('exec').map((call) => call.args)).toEqual([
      { id: context.container.id, argv: ['php', '-r', 'gc_collect_cycles();'], timeoutMs: 30_000 },
    ]);
    expect(outcome).toEqual({
      ok: true,
      changedContainer: true,
      detail: 'ran ["php","-r","gc_collect_cycles();"] in php: exit 0: collected',
    });
  });

  it('without the label does nothing and fails, so the next step runs', async () => {
    const { runtime, context } = await setUp({});

    const outcome = await garbageCollectionStrategy.run(context);

    expect(outcome).toEqual({
      ok: false,
      changedContainer: false,
      detail: 'no gc_command configured for php; nothing to do (set the website-monitor.gc_command label)',
    });
    expect(runtime.callsOf('exec')).toEqual([]);
  });

  it('fails on a non-zero exit or an engine error', async () => {
    const { runtime, context } = await setUp({ [gcCommandLabel]: '["kill","-USR2","1"]' });
    let calls = 0;
    runtime.respond('exec', () => {
      calls++;
      if (calls === 1) return { exitCode: 1, output: 'kill: (1) - No such process' };
      throw new ContainerRuntimeError('conflict', 'container is not running');
    });

    const first = await garbageCollectionStrategy.run(context);
    expect(first.ok).toBe(false);
    expect(first.detail).toContain('exit 1: kill: (1) - No such process');

    const second = await garbageCollectionStrategy.run(context);
    expect(second).toEqual({
      ok: false,
      changedContainer: false,
      detail: 'gc_command in php failed: container is not running',
    });
  });

  it('refuses a label that is not a JSON array of strings, without running anything', async () => {
    const { runtime, context } = await setUp({ [gcCommandLabel]: 'kill -USR2 1' });
    const outcome = await garbageCollectionStrategy.run(context);
    expect(outcome.ok).toBe(false);
    expect(outcome.detail).toContain('must be a JSON array of strings');
    expect(runtime.callsOf('exec')).toEqual([]);
  });
});

describe('parseGcCommand', () => {
  it('accepts only a non-empty array of strings with a program first', () => {
    expect(parseGcCommand('["kill","-USR2","1"]')).toEqual(['kill', '-USR2', '1']);
    expect(parseGcCommand('[]')).toBeUndefined();
    expect(parseGcCommand('["kill",1]')).toBeUndefined();
    expect(parseGcCommand('[""]')).toBeUndefined();
    expect(parseGcCommand('{"argv":["kill"]}')).toBeUndefined();
    expect(parseGcCommand('kill -USR2 1')).toBeUndefined();
  });
});
