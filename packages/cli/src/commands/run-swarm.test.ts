import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FakeClock,
  FakeContainerRuntime,
  FakeHttpProber,
  FakeSwarmServices,
} from '@website-monitor/core/testing';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../io/captured-io.js';
import { runCli } from '../main.js';

// `website-monitor run` judges a Swarm task's service through the Swarm services it is given
// (the Docker adapter's by default), never restarting the task (issue 12, item 3).

function configFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'wm-run-swarm-')), 'config.yaml');
  writeFileSync(file, text);
  return file;
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('website-monitor run on a Swarm node', () => {
  it('rolls back a crash-looping service through Swarm and restarts no task container', async () => {
    const clock = new FakeClock({ start: Date.now() - 3_600_000 });
    const runtime = new FakeContainerRuntime({ clock });
    const swarm = new FakeSwarmServices({ clock, runtime });
    swarm.addService({ name: 'web', image: 'web:1' });
    swarm.startTask('web');
    const io = captureIo();
    let stop: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      stop = resolve;
    });
    let stopAgent: () => void = () => {};
    const exit = runCli(
      ['run', '--no-listen', '--config', configFile('monitoring:\n  interval_seconds: 30\n')],
      io,
      {
        createRuntime: () => runtime,
        createSwarmServices: () => swarm,
        clock,
        prober: new FakeHttpProber(),
        onStarted: (stopIt) => {
          stopAgent = stopIt;
          stop();
        },
      },
    );
    await Promise.race([started, exit]);

    swarm.updateService('web', { image: 'web:2' });
    swarm.startTask('web');
    for (let failure = 0; failure < 3; failure++) {
      swarm.failTask('web', { exitCode: 3 });
      if (failure === 0) swarm.setUpdateState('web', 'paused');
      for (let step = 0; step < 12; step++) {
        await clock.advance(500);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      swarm.startTask('web');
    }
    for (let turn = 0; turn < 100 && swarm.callsOf('rollbackService').length === 0; turn++) {
      await clock.advance(500);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    stopAgent();
    expect(await exit).toBe(0);

    expect(swarm.callsOf('rollbackService'), io.out()).toHaveLength(1);
    expect([...runtime.callsOf('restart'), ...runtime.callsOf('start'), ...runtime.callsOf('exec')]).toEqual(
      [],
    );
    const attempt = jsonLines(io.out()).find((record) => record.event === 'healing_attempt');
    expect(attempt).toMatchObject({ level: 'WARN', container: 'web', action: 'rollback_service' });
  });
});
