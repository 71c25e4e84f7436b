import { type EngineInfo, StoreError } from '@website-monitor/core';
import { MemoryStore } from '@website-monitor/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiHarness, configFrom, startApiHarness } from './api-harness.test-helper.js';

const token = 'test-token-0123456789abcdef';
const harnesses: ApiHarness[] = [];

afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((harness) => harness.close()));
});

const config = configFrom('hosts:\n  report_interval: 5\n');

function engine(id: string, name: string): EngineInfo {
  return { id, name, serverVersion: '20.10.24' };
}

/** Two agents, two hosts, one store: what agents sharing one PostgreSQL database see. */
async function twoHosts() {
  const store = new MemoryStore();
  const start = async (host: string, container: string) => {
    const harness = await startApiHarness({
      config,
      containers: [container],
      server: { token },
      agent: { host, store, engine: engine(`ENGINE:${host}`, `docker-${host}`), agentVersion: '9.9.9' },
    });
    harnesses.push(harness);
    return harness;
  };
  const a = await start('web-1', 'web');
  const b = await start('web-2', 'api');
  b.runtime.crash('api', { exitCode: 1 });
  await b.settle(1_000);
  return { a, b, store };
}

const json = async (response: Response) => ({
  status: response.status,
  // biome-ignore lint/suspicious/noExplicitAny: walking JSON answers whose shape the test asserts
  body: (await response.json()) as any,
});

describe("the fleet through one agent's API (issue 12, item 1)", () => {
  it('GET /monitor/hosts lists every host sorted, with its engine, self and reporting', async () => {
    const { a } = await twoHosts();
    const { status, body } = await json(await a.call('/monitor/hosts'));
    expect(status).toBe(200);
    expect(body.self).toBe('web-1');
    expect(body.hosts.map((host: { host: string }) => host.host)).toEqual(['web-1', 'web-2']);
    expect(body.hosts[1]).toMatchObject({
      host: 'web-2',
      engineId: 'ENGINE:web-2',
      engineName: 'docker-web-2',
      role: 'active',
      agentVersion: '9.9.9',
      reporting: true,
      self: false,
      containers: 1,
    });
    expect(body.hosts[0]).toMatchObject({ self: true, reporting: true });
    expect(Date.parse(body.hosts[1].lastSeenAt)).toBeGreaterThan(0);
    expect(body.hosts[1].startedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("a host whose report is older than 3 x the reader's interval is not reporting", async () => {
    const { a } = await twoHosts();
    // B's clock stands still (it reports no more); A's moves on 16 s and A keeps reporting.
    await a.settle(16_000);
    const { body } = await json(await a.call('/monitor/hosts'));
    expect(body.hosts.map((host: { reporting: boolean }) => host.reporting)).toEqual([true, false]);
    const other = await json(await a.call('/monitor/status?host=web-2'));
    expect(other.body).toMatchObject({ source: 'store', reporting: false });
  });

  it('?host= on incidents: absent is this host, a name is that host, * is every host', async () => {
    const { a } = await twoHosts();
    const own = await json(await a.call('/monitor/incidents'));
    expect(own.body.incidents).toEqual([]);
    const other = await json(await a.call('/monitor/incidents?host=web-2'));
    expect(other.status).toBe(200);
    expect(
      other.body.incidents.map((i: { host: string; containerName: string }) => [i.host, i.containerName]),
    ).toEqual([['web-2', 'api']]);
    const all = await json(await a.call('/monitor/incidents?host=*'));
    expect(all.body.incidents.map((i: { host: string }) => i.host)).toEqual(['web-2']);
  });

  it('?host= on status: another host from the store, * every host, each line with its host', async () => {
    const { a } = await twoHosts();
    const own = await json(await a.call('/monitor/status'));
    expect(own.body).toMatchObject({ host: 'web-1', source: 'agent' });
    expect(own.body.containers.map((line: { name: string; host: string }) => [line.host, line.name])).toEqual(
      [['web-1', 'web']],
    );
    const other = await json(await a.call('/monitor/status?host=web-2'));
    expect(other.body).toMatchObject({ host: 'web-2', source: 'store', reporting: true });
    expect(Date.parse(other.body.lastSeenAt)).toBeGreaterThan(0);
    expect(other.body.containers).toHaveLength(1);
    expect(other.body.containers[0]).toMatchObject({ host: 'web-2', name: 'api', monitored: true });
    expect(other.body.containers[0].incident).toMatchObject({ host: 'web-2', containerName: 'api' });
    expect(other.body.containers[0].lastCheckAt).toEqual(expect.any(Number));
    const all = await json(await a.call('/monitor/status?host=*'));
    expect(all.body).toMatchObject({ host: '*', source: 'fleet' });
    expect(all.body.containers.map((line: { name: string; host: string }) => [line.host, line.name])).toEqual(
      [
        ['web-1', 'web'],
        ['web-2', 'api'],
      ],
    );
  });

  it("another host's container whose only record is its incident (no samples written yet) has a page, not a 404", async () => {
    const { a, store } = await twoHosts();
    // What web-3's status lists right after its crash, before its recorder's first flush.
    const [incident] = await store.listIncidents({ host: 'web-2', limit: 1 });
    await store.saveIncident({
      incident: { ...incident!, id: 'incident-web-3', host: 'web-3', containerName: 'db' },
    });
    const status = await json(await a.call('/monitor/status?host=web-3'));
    expect(status.body.containers.map((line: { name: string }) => line.name)).toEqual(['db']);
    const metrics = await json(await a.call('/monitor/metrics/container/db?host=web-3'));
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatchObject({ host: 'web-3', container: 'db', samples: [], baselines: [] });
    const unknown = await json(await a.call('/monitor/metrics/container/cache?host=web-3'));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe('no container named cache has records under host "web-3"');
  });

  it('container metrics and approvals of another host; * is refused there', async () => {
    const { a } = await twoHosts();
    const metrics = await json(await a.call('/monitor/metrics/container/api?host=web-2'));
    expect(metrics.status).toBe(200);
    expect(metrics.body.host).toBe('web-2');
    expect(metrics.body.samples.length).toBeGreaterThan(0);
    expect((await a.call('/monitor/metrics/container/api')).status).toBe(404);
    const star = await json(await a.call('/monitor/metrics/container/api?host=*'));
    expect(star.status).toBe(400);
    expect(star.body.error.message).toContain('query.host');
    const approvals = await json(await a.call('/monitor/approvals?host=web-2'));
    expect(approvals).toEqual({ status: 200, body: { approvals: [] } });
  });

  it('an unknown host is 404 naming it; a malformed one is 400 naming query.host', async () => {
    const { a } = await twoHosts();
    for (const path of [
      '/monitor/status?host=web-9',
      '/monitor/incidents?host=web-9',
      '/monitor/approvals?host=web-9',
    ]) {
      const { status, body } = await json(await a.call(path));
      expect(status, path).toBe(404);
      expect(body.error.message).toContain('"web-9"');
    }
    for (const value of ['', '%20web', 'a%01b', 'x'.repeat(254)]) {
      const { status, body } = await json(await a.call(`/monitor/incidents?host=${value}`));
      expect(status, value).toBe(400);
      expect(body.error.message).toContain('query.host');
    }
  });

  it('writes stay local: heal, approve and reject naming another host are 409 saying whom to call', async () => {
    const { a } = await twoHosts();
    const heal = await json(await a.post('/monitor/heal/web?host=web-2', {}, token));
    expect(heal.status).toBe(409);
    expect(heal.body.error.message).toContain('"web-2"');
    expect(heal.body.error.message).toContain('"web-1"');
    for (const verb of ['approve', 'reject']) {
      const response = await a.post(`/monitor/approvals/some-id/${verb}?host=web-2`, {}, token);
      expect(response.status, verb).toBe(409);
    }
    // Its own name is accepted.
    const own = await a.post('/monitor/heal/web?host=web-1', {}, token);
    expect(own.status).not.toBe(409);
  });

  it('a database that does not answer is 503 naming the database, not 500', async () => {
    const { a, store } = await twoHosts();
    const failing = new StoreError('connect ECONNREFUSED 127.0.0.1:5432');
    store.listHosts = async () => {
      throw failing;
    };
    const { status, body } = await json(await a.call('/monitor/hosts'));
    expect(status).toBe(503);
    expect(body.error.message).toContain('the database does not answer');
  });
});
