import { describe, expect, it } from 'vitest';
import { ContainerRuntimeError } from '../errors/monitor-error.js';
import { FakeClock, FakeContainerRuntime } from '../testing/index.js';
import { swarmGuardedRuntime } from './swarm-guarded-runtime.js';
import { createSwarmTaskContainers } from './swarm-task-containers.js';

const taskLabels = {
  'com.docker.swarm.service.id': '5n8vgx5ks8l0pj7h8v3cpwleb',
  'com.docker.swarm.service.name': 'web',
  'com.docker.swarm.task.id': 'qaklqnp39jfly7ryxvdsp7vk8',
};

function setup() {
  const clock = new FakeClock();
  const runtime = new FakeContainerRuntime({ clock });
  const taskId = runtime.addContainer({ name: 'web.1.qaklqnp39jfly7ryxvdsp7vk8', labels: taskLabels });
  const claimId = runtime.addContainer({ name: 'claims', labels: { 'com.docker.swarm.task': '' } });
  const plainId = runtime.addContainer({ name: 'plain' });
  runtime.respond('exec', { exitCode: 0, output: '' });
  const tasks = createSwarmTaskContainers();
  const containers: { id: string; name: string; labels: Record<string, string> }[] = [
    { id: taskId, name: 'web.1.qaklqnp39jfly7ryxvdsp7vk8', labels: taskLabels },
    { id: claimId, name: 'claims', labels: { 'com.docker.swarm.task': '' } },
    { id: plainId, name: 'plain', labels: {} },
  ];
  for (const container of containers) tasks.note(container);
  return { runtime, guarded: swarmGuardedRuntime({ runtime, tasks }), taskId, claimId, plainId, tasks };
}

describe('swarmGuardedRuntime', () => {
  it('refuses restart, start and exec of a Swarm task, by ID or name, naming its service', async () => {
    const { runtime, guarded, taskId } = setup();
    for (const call of [
      () => guarded.restart({ id: taskId, timeoutSeconds: 1 }),
      () => guarded.start({ id: 'web.1.qaklqnp39jfly7ryxvdsp7vk8' }),
      () => guarded.exec({ id: taskId, argv: ['true'], timeoutMs: 1_000 }),
    ]) {
      const error = await call().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ContainerRuntimeError);
      expect(error).toMatchObject({ kind: 'conflict', isRetryable: false });
      expect((error as Error).message).toContain('it is a task of the Swarm service web');
    }
    expect([...runtime.callsOf('restart'), ...runtime.callsOf('start'), ...runtime.callsOf('exec')]).toEqual(
      [],
    );
  });

  it('refuses a container whose Swarm labels are malformed too, and lets ordinary ones and reads through', async () => {
    const { runtime, guarded, claimId, plainId, taskId } = setup();
    await expect(guarded.restart({ id: claimId, timeoutSeconds: 1 })).rejects.toThrow('a Swarm service');
    await guarded.restart({ id: plainId, timeoutSeconds: 1 });
    await guarded.exec({ id: plainId, argv: ['true'], timeoutMs: 1_000 });
    expect((await guarded.inspect({ id: taskId })).name).toBe('web.1.qaklqnp39jfly7ryxvdsp7vk8');
    expect(await guarded.logs({ id: taskId, tail: 5 })).toEqual([]);
    expect(runtime.callsOf('restart')).toHaveLength(1);
  });

  it('follows the registry: a forgotten task container is an ordinary one again', async () => {
    const { guarded, tasks, taskId } = setup();
    tasks.forget(taskId);
    await expect(guarded.restart({ id: taskId, timeoutSeconds: 1 })).resolves.toBeUndefined();
  });
});
