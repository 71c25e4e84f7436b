import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapSwarmService } from './map-swarm-service.js';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

describe('mapSwarmService', () => {
  it('maps a service whose update Swarm paused, captured from Docker 20.10 (API 1.41)', () => {
    const service = mapSwarmService(fixture('service-api-1.41-update-paused.json'));
    expect(service).toEqual({
      id: 'cc8076d9ke90t1chbdt9its0k',
      name: 'web',
      version: 30,
      createdAt: expect.any(Number),
      updatedAt: expect.any(Number),
      mode: 'replicated',
      replicas: 1,
      image: 'website-monitor-test:local',
      previousImage: 'website-monitor-test:local',
      hasPreviousSpec: true,
      changedByLastUpdate: ['ContainerSpec.Env'],
      forceUpdate: 0,
      updateStatus: {
        state: 'paused',
        startedAt: Date.parse('2026-12-04T18:50:23.798670596Z'),
        completedAt: null,
        message: 'update paused due to failure or early termination of task oojx7az2sar25ansqyvgn49l4',
      },
      labels: { team: 'shop' },
    });
    // The environment (where secrets are) is never copied, only named as changed.
    expect(JSON.stringify(service)).not.toContain('EXIT_CODE');
  });

  it('maps a rollback under way and a global service (never updated: no previous spec, no status)', () => {
    expect(mapSwarmService(fixture('service-api-1.41-rollback-started.json'))).toMatchObject({
      version: 51,
      updateStatus: { state: 'rollback_started', message: 'manually requested rollback' },
      hasPreviousSpec: true,
    });
    expect(mapSwarmService(fixture('service-api-1.41-global.json'))).toMatchObject({
      name: 'agent',
      mode: 'global',
      replicas: null,
      hasPreviousSpec: false,
      previousImage: null,
      changedByLastUpdate: [],
      updateStatus: null,
    });
  });

  it('maps the example of the newest published API (1.56), which has no PreviousSpec', () => {
    expect(mapSwarmService(fixture('service-api-1.56-example.json'))).toMatchObject({
      id: '9mnpnzenvg8p8tdbtq4wvbkcz',
      name: 'hopeful_cori',
      version: 19,
      mode: 'replicated',
      replicas: 1,
      image: 'redis',
      hasPreviousSpec: false,
      updateStatus: null,
      labels: {},
    });
  });

  it('names the fields an update changed: image, mode, resources', () => {
    const raw = fixture('service-api-1.41-update-paused.json');
    const spec = raw.Spec as Record<string, unknown>;
    const template = spec.TaskTemplate as Record<string, unknown>;
    const changed = {
      ...raw,
      Spec: {
        ...spec,
        Mode: { Replicated: { Replicas: 3 } },
        TaskTemplate: {
          ...template,
          ContainerSpec: { ...(template.ContainerSpec as object), Image: 'web:2' },
          Resources: { Limits: { MemoryBytes: 1 } },
        },
      },
    };
    expect(mapSwarmService(changed).changedByLastUpdate).toEqual([
      'ContainerSpec.Env',
      'ContainerSpec.Image',
      'TaskTemplate.Resources',
      'Mode',
    ]);
  });

  it('bounds what the engine could send in excess, and reads an unknown state as no status', () => {
    const raw = fixture('service-api-1.41-update-paused.json');
    const service = mapSwarmService({
      ...raw,
      UpdateStatus: { State: 'paused', Message: 'x'.repeat(100_000), StartedAt: '0001-01-01T00:00:00Z' },
      Spec: { ...(raw.Spec as object), Labels: { big: 'y'.repeat(100_000) } },
    });
    expect(service.updateStatus?.message.length).toBeLessThan(1_100);
    expect(service.updateStatus?.startedAt).toBeNull();
    expect(service.labels.big?.length).toBeLessThan(17_000);
    expect(mapSwarmService({ ...raw, UpdateStatus: { State: 'exploded' } }).updateStatus).toBeNull();
    expect(mapSwarmService(null)).toMatchObject({ id: '', name: '', version: 0, mode: 'unknown' });
  });
});
