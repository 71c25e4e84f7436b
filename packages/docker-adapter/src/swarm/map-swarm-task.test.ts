import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapSwarmTask } from './map-swarm-task.js';

const fixture = (name: string): unknown[] =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

describe('mapSwarmTask', () => {
  it('maps the tasks of a crash-looping service, captured from Docker 20.10 (API 1.41)', () => {
    const tasks = fixture('tasks-api-1.41.json').map(mapSwarmTask);
    const failed = tasks.find((task) => task.id === '54xoktceuzf8rk7zkv2x4xbqt');
    expect(failed).toEqual({
      id: '54xoktceuzf8rk7zkv2x4xbqt',
      serviceId: 'cc8076d9ke90t1chbdt9its0k',
      slot: 1,
      nodeId: expect.stringMatching(/^[a-z0-9]{25}$/),
      createdAt: Date.parse('2026-12-04T18:50:30.135411555Z'),
      state: 'failed',
      desiredState: 'shutdown',
      stateAt: expect.any(Number),
      message: 'started',
      error: 'task: non-zero exit (3)',
      containerId: 'c16eb70ff6b20e7f5ecb7ade576a8db8372ac924c9fb6787c0aeb36278c28578',
      exitCode: 3,
      image: 'website-monitor-test:local',
    });
    expect(tasks.map((task) => task.state).sort()).toEqual([
      'failed',
      'failed',
      'failed',
      'ready',
      'shutdown',
    ]);
    const ready = tasks.find((task) => task.state === 'ready');
    expect(ready).toMatchObject({ containerId: null, exitCode: null, error: '' });
  });

  it('maps the example of the newest published API (1.56): no exit code while running', () => {
    const [running, shutdown] = fixture('tasks-api-1.56-example.json').map(mapSwarmTask);
    expect(running).toMatchObject({ state: 'running', desiredState: 'running', exitCode: null, slot: 1 });
    expect(running?.containerId).toMatch(/^[0-9a-f]{64}$/);
    expect(shutdown).toMatchObject({ state: 'shutdown', exitCode: null });
  });

  it('reads an unknown state as unknown and bounds Swarm’s texts', () => {
    const task = mapSwarmTask({ ID: 't', Status: { State: 'melted', Err: 'e'.repeat(50_000) }, Slot: 0 });
    expect(task).toMatchObject({ state: 'unknown', desiredState: 'unknown', slot: null });
    expect(task.error.length).toBeLessThan(1_100);
  });
});
