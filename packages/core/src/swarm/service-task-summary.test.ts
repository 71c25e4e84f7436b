import { describe, expect, it } from 'vitest';
import type { SwarmService, SwarmTask } from '../ports/swarm-services.js';
import { summarizeServiceTasks } from './service-task-summary.js';

const now = Date.UTC(2026, 11, 4, 18, 30);
const second = 1_000;

const service: SwarmService = {
  id: 'svc1',
  name: 'web',
  version: 29,
  createdAt: now - 600 * second,
  updatedAt: now - 60 * second,
  mode: 'replicated',
  replicas: 2,
  image: 'web:2',
  previousImage: 'web:1',
  hasPreviousSpec: true,
  changedByLastUpdate: ['ContainerSpec.Image'],
  forceUpdate: 0,
  updateStatus: {
    state: 'paused',
    startedAt: now - 60 * second,
    completedAt: null,
    message: 'update paused',
  },
  labels: {},
};

function task(id: string, fields: Partial<SwarmTask>): SwarmTask {
  return {
    id,
    serviceId: 'svc1',
    slot: 1,
    nodeId: 'node1',
    createdAt: now - 30 * second,
    state: 'running',
    desiredState: 'running',
    stateAt: now - 30 * second,
    message: 'started',
    error: '',
    containerId: `c-${id}`,
    exitCode: null,
    image: 'web:2',
    ...fields,
  };
}

const failed = (id: string, fields: Partial<SwarmTask> = {}) =>
  task(id, {
    state: 'failed',
    desiredState: 'shutdown',
    error: 'task: non-zero exit (3)',
    exitCode: 3,
    ...fields,
  });

describe('summarizeServiceTasks', () => {
  it('counts the failures within the window, newest first, and which belong to the last update', () => {
    const summary = summarizeServiceTasks({
      service,
      now,
      windowMs: 300 * second,
      tasks: [
        failed('old-spec', { createdAt: now - 120 * second, stateAt: now - 110 * second }),
        failed('new-1', { stateAt: now - 20 * second }),
        failed('new-2', { stateAt: now - 10 * second }),
        failed('long-ago', { createdAt: now - 900 * second, stateAt: now - 800 * second }),
        task('shut-down', { state: 'shutdown', desiredState: 'shutdown' }),
        task('running', {}),
        task('other-service', { serviceId: 'svc2', state: 'failed' }),
      ],
    });
    expect(summary.failures.map((failure) => failure.taskId)).toEqual(['new-2', 'new-1', 'old-spec']);
    expect(summary.failures.map((failure) => failure.sinceUpdate)).toEqual([true, true, false]);
    expect(summary.failuresSinceUpdate).toBe(2);
    expect(summary).toMatchObject({ running: 1, desired: 2 });
    expect(summary.failures[0]).toMatchObject({
      state: 'failed',
      exitCode: 3,
      error: 'task: non-zero exit (3)',
    });
  });

  it('counts a rejected task and a long-running task that completed, but not a job’s completion', () => {
    const tasks = [
      task('rejected', { state: 'rejected', error: 'No such image: web:3' }),
      task('complete', { state: 'complete', exitCode: 0 }),
    ];
    expect(summarizeServiceTasks({ service, now, windowMs: 300 * second, tasks }).failures).toHaveLength(2);
    const job = { ...service, mode: 'replicated-job' as const };
    expect(
      summarizeServiceTasks({ service: job, now, windowMs: 300 * second, tasks }).failures.map(
        (f) => f.taskId,
      ),
    ).toEqual(['rejected']);
  });

  it('leaves out a task whose container a person stopped', () => {
    const summary = summarizeServiceTasks({
      service,
      now,
      windowMs: 300 * second,
      tasks: [failed('stopped', { exitCode: 143 }), failed('crashed')],
      stoppedByOperator: (containerId) => containerId === 'c-stopped',
    });
    expect(summary.failures.map((failure) => failure.taskId)).toEqual(['crashed']);
  });

  it('counts every task Swarm wants running as desired for a global service', () => {
    const global = { ...service, mode: 'global' as const, replicas: null };
    const summary = summarizeServiceTasks({
      service: global,
      now,
      windowMs: 300 * second,
      tasks: [task('a', { slot: null }), task('b', { slot: null, state: 'starting' })],
    });
    expect(summary).toMatchObject({ running: 1, desired: 2 });
  });
});
