import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapInspect } from './map-inspect.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

describe('mapInspect', () => {
  it('maps a running container captured from Docker 20.10 (API 1.41)', () => {
    const details = mapInspect(fixture('inspect-api-1.41-running.json'));
    expect(details).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{64}$/),
      name: 'wm-fixture-running',
      image: 'website-monitor-adapter-test:local',
      imageId: expect.stringMatching(/^sha256:/),
      state: 'running',
      labels: { app: 'shop', 'website-monitor.test': '1' },
      oomKilled: false,
      restartCount: 1,
      error: '',
      restartPolicy: { name: 'on-failure', maximumRetryCount: 5 },
      networkMode: 'default',
    });
    expect(details.startedAt).toMatch(/^2026-11-28T04:5\d:\d\d\.\d+Z$/);
    expect(details.health.status).toBe('healthy');
    expect(details.health.failingStreak).toBe(0);
    expect(details.health.log.length).toBeGreaterThan(0);
    expect(details.health.log[0]).toEqual({
      exitCode: 0,
      output: '',
      startedAt: expect.stringMatching(/Z$/),
      endedAt: expect.stringMatching(/Z$/),
    });
    // 9090 is only exposed (null bindings): not reachable from the host, so not listed.
    expect(details.ports).toEqual([
      { containerPort: 8080, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 18080 },
    ]);
    expect(details.env).toContain('SHOP_MODE=demo');
  });

  it('maps an exited container with no healthcheck, no env and no published port (API 1.41)', () => {
    const details = mapInspect(fixture('inspect-api-1.41-exited.json'));
    expect(details).toMatchObject({
      name: 'wm-fixture-exited',
      state: 'exited',
      exitCode: 3,
      health: { status: 'none', failingStreak: 0, log: [] },
      restartPolicy: { name: 'no', maximumRetryCount: 0 },
      ports: [],
      env: [],
      labels: {},
    });
    expect(details.finishedAt).not.toBeNull();
  });

  it('maps an API 1.52 answer: null Labels, dual-stack bindings, empty restart-policy fields', () => {
    const details = mapInspect(fixture('inspect-api-1.52-unhealthy.json'));
    expect(details).toMatchObject({
      name: 'shop-web',
      image: 'nginx:1.29',
      state: 'running',
      labels: {},
      exitCode: 0,
      restartCount: 2,
      restartPolicy: { name: 'unless-stopped', maximumRetryCount: 0 },
      networkMode: 'shop_default',
      health: { status: 'unhealthy', failingStreak: 4 },
    });
    expect(details.health.log[1]).toEqual({
      exitCode: 1,
      output: 'curl: (7) Failed to connect to localhost port 80: Connection refused\n',
      startedAt: '2025-11-10T09:25:31.000000001Z',
      endedAt: '2025-11-10T09:25:31.098000000Z',
    });
    expect(details.ports).toEqual([
      { containerPort: 80, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 8080 },
      { containerPort: 80, protocol: 'tcp', hostIp: '::', hostPort: 8080 },
    ]);
  });

  it('maps a never-started container whose optional fields are omitted (API 1.52)', () => {
    const details = mapInspect(fixture('inspect-api-1.52-created-sparse.json'));
    expect(details).toEqual({
      id: 'b1c2d3e4f5a60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
      name: 'worker',
      image: 'registry.example/worker:2',
      imageId: 'sha256:1111111111111111111111111111111111111111111111111111111111111111',
      state: 'created',
      labels: {},
      // ExitCode 0 of a container that never ran is not a clean exit.
      exitCode: null,
      oomKilled: false,
      restartCount: 0,
      startedAt: null,
      finishedAt: null,
      error: '',
      health: { status: 'none', failingStreak: 0, log: [] },
      restartPolicy: { name: 'no', maximumRetryCount: 0 },
      networkMode: 'bridge',
      ports: [],
      env: [],
    });
  });

  it('survives an answer with nothing in it', () => {
    expect(mapInspect({})).toMatchObject({
      id: '',
      name: '',
      state: 'dead',
      exitCode: null,
      labels: {},
      ports: [],
    });
    expect(mapInspect(null).health.status).toBe('none');
  });
});
