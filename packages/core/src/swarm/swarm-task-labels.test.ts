import { describe, expect, it } from 'vitest';
import { claimsSwarmTask, readSwarmTaskLabels } from './swarm-task-labels.js';

const task = {
  'com.docker.swarm.node.id': 'kc1naq0c4gpkscif31ozr374y',
  'com.docker.swarm.service.id': '5n8vgx5ks8l0pj7h8v3cpwleb',
  'com.docker.swarm.service.name': 'web',
  'com.docker.swarm.task': '',
  'com.docker.swarm.task.id': 'qaklqnp39jfly7ryxvdsp7vk8',
  'com.docker.swarm.task.name': 'web.1.qaklqnp39jfly7ryxvdsp7vk8',
};

describe('readSwarmTaskLabels', () => {
  it('reads the labels Docker 20.10 put on a task container (taken from a single-node Swarm)', () => {
    expect(readSwarmTaskLabels(task)).toEqual({
      kind: 'task',
      task: {
        serviceId: '5n8vgx5ks8l0pj7h8v3cpwleb',
        serviceName: 'web',
        taskId: 'qaklqnp39jfly7ryxvdsp7vk8',
      },
    });
    expect(readSwarmTaskLabels({ ...task, 'com.docker.swarm.service.name': 'shop_web' })).toMatchObject({
      kind: 'task',
      task: { serviceName: 'shop_web' },
    });
  });

  it('says none for an ordinary container, Compose labels and look-alike names included', () => {
    expect(readSwarmTaskLabels({})).toEqual({ kind: 'none' });
    expect(
      readSwarmTaskLabels({
        'com.docker.compose.service': 'web',
        'com.docker.swarm.serviceX': 'x',
        'website-monitor.enable': 'true',
      }),
    ).toEqual({ kind: 'none' });
  });

  it('calls hostile or partial labels malformed, quoting at most 40 characters', () => {
    const long = 'a'.repeat(10_000);
    const cases: [Record<string, string>, string][] = [
      [{ 'com.docker.swarm.task.id': 'qaklqnp39jfly7ryxvdsp7vk8' }, 'com.docker.swarm.service.id is missing'],
      [
        { ...task, 'com.docker.swarm.service.id': 'NOT-AN-ID' },
        'com.docker.swarm.service.id "NOT-AN-ID" is not a Swarm ID',
      ],
      [{ ...task, 'com.docker.swarm.service.id': long }, `"${'a'.repeat(40)}…" is not a Swarm ID`],
      [{ ...task, 'com.docker.swarm.service.name': 'web; rm -rf /' }, 'is not a Swarm service name'],
      [{ ...task, 'com.docker.swarm.service.name': `w${long}` }, 'is not a Swarm service name'],
      [{ ...task, 'com.docker.swarm.task.id': '' }, 'com.docker.swarm.task.id "" is not a Swarm ID'],
      [{ 'com.docker.swarm.task': '' }, 'is missing'],
    ];
    for (const [labels, issue] of cases) {
      const read = readSwarmTaskLabels(labels);
      expect(read.kind).toBe('malformed');
      expect(read.kind === 'malformed' ? read.issue : '').toContain(issue);
      expect(read.kind === 'malformed' ? read.issue.length : 0).toBeLessThan(120);
      expect(claimsSwarmTask(labels)).toBe(true);
    }
  });

  it('does not read labels a prototype could lend', () => {
    const labels = Object.create({ 'com.docker.swarm.service.id': '5n8vgx5ks8l0pj7h8v3cpwleb' }) as Record<
      string,
      string
    >;
    expect(readSwarmTaskLabels(labels)).toEqual({ kind: 'none' });
  });
});
