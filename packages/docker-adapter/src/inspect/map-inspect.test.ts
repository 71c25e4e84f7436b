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
      networks: [],
      links: [],
      env: [],
    });
  });

  it('maps each network with its addresses and the names it is reached by', () => {
    expect(mapInspect(fixture('inspect-api-1.41-running.json')).networks).toEqual([
      {
        name: 'bridge',
        networkId: 'd936d9dad16be50b9b0976f839a51addb8196afe8abe1344a96554fe08f73702',
        ipAddress: '172.17.0.2',
        ipv6Address: '',
        aliases: [],
      },
    ]);
    // API 1.52: Aliases and DNSNames both name it; each name once.
    expect(mapInspect(fixture('inspect-api-1.52-unhealthy.json')).networks).toEqual([
      {
        name: 'shop_default',
        networkId: 'c0ffee0000000000000000000000000000000000000000000000000000000000',
        ipAddress: '172.20.0.3',
        ipv6Address: '',
        aliases: ['shop-web', 'web', '4fa6e0f0c678'],
      },
    ]);
  });

  it("reads legacy links as the linked containers' names", () => {
    const details = mapInspect({
      HostConfig: { Links: ['/shop-db:/shop-web/db', '/cache:/shop-web/cache', 7] },
    });
    expect(details.links).toEqual(['shop-db', 'cache']);
  });

  it('bounds the networks and aliases a container claims', () => {
    const aliases = Array.from({ length: 10_000 }, (_, index) => `alias-${index}`);
    const networks = Object.fromEntries(
      Array.from({ length: 1_000 }, (_, index) => [
        `net-${index}`,
        { IPAddress: '10.0.0.1', Aliases: aliases },
      ]),
    );
    const details = mapInspect({ NetworkSettings: { Networks: networks } });
    expect(details.networks).toHaveLength(64);
    expect(details.networks?.[0]?.aliases).toHaveLength(64);
    expect(
      mapInspect({ NetworkSettings: { Networks: { n: { Aliases: ['x'.repeat(300), 'ok'] } } } }).networks,
    ).toEqual([{ name: 'n', networkId: '', ipAddress: '', ipv6Address: '', aliases: ['ok'] }]);
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
