import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type EngineInfo,
  type Incident,
  parseMonitorConfig,
  type Store,
  WebsiteMonitorAgent,
} from '@website-monitor/core';
import { MemoryLogger } from '@website-monitor/core/testing';
import { createDockerRuntime } from '@website-monitor/docker-adapter';
import { CRASH_EXIT_CODE, TEST_IMAGE, TEST_LABEL } from '@website-monitor/test-support';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHostClaim, chooseHostName } from '../../cli/src/host-identity/host-identity.js';
import { type MonitorServer, startMonitorServer } from '../../http-api/src/index.js';
import { createPostgresStore } from '../../postgres-store/src/index.js';
import {
  createTestDatabase,
  type TestDatabase,
} from '../../postgres-store/src/test-database/test-database.test-helper.js';
import { type ExtraEngine, extraEngineUnavailable, startExtraEngine } from './harness/extra-engine.js';
import { reportFigure } from './harness/report-figure.js';
import { waitUntil } from './harness/wait-until.js';

// Issue 12, item 1, on real engines: three Docker engines of the test's own (each dockerd in its
// own network namespace, with its own engine ID and host name, as three machines would have),
// three agents, one PostgreSQL database. A crash on each host is healed and recorded under that
// host; any agent's API shows the fleet; ?host= and * filter; a stopped agent's host turns
// "not reporting"; the docs' per-host SQL runs as written.

const unavailable = extraEngineUnavailable();
const hostnames = ['wm-fleet-a', 'wm-fleet-b', 'wm-fleet-c'] as const;
const reportIntervalSeconds = 1;

const yaml = `
hosts:
  report_interval: ${reportIntervalSeconds}
monitoring:
  interval_seconds: 5
  discovery: all
  defaults:
    start_period_seconds: 0
healing:
  backoff_initial_seconds: 1
  backoff_max_seconds: 2
  restart_policy_grace_seconds: 0
  resolve_after_seconds: 1
  strategies:
    container_stopped:
      - action: restart_container
`;

interface FleetHost {
  readonly engine: ExtraEngine;
  readonly info: EngineInfo;
  readonly host: string;
  readonly store: Store;
  readonly agent: WebsiteMonitorAgent;
  readonly server: MonitorServer;
  readonly logger: MemoryLogger;
  stopped: boolean;
  stop(): Promise<void>;
}

let engines: ExtraEngine[] = [];
let database: TestDatabase | undefined;
const fleet: FleetHost[] = [];

beforeAll(async () => {
  if (unavailable !== undefined) return;
  const startedAt = performance.now();
  database = await createTestDatabase();
  const started = await Promise.allSettled(
    hostnames.map((hostname, index) => startExtraEngine({ name: `fleet-${index}`, hostname })),
  );
  engines = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  await Promise.all(engines.map((engine) => engine.loadImage(TEST_IMAGE)));
  reportFigure('fleet: three extra engines up, test image loaded', performance.now() - startedAt, 'ms');
}, 180_000);

afterAll(async () => {
  for (const member of fleet) await member.stop().catch(() => {});
  await Promise.allSettled(engines.map((engine) => engine.stop()));
  await database?.drop();
}, 180_000);

/** A real agent on one engine: the docker adapter on its socket, PostgreSQL, and its REST API. */
async function startFleetHost(engine: ExtraEngine, url: string): Promise<FleetHost> {
  const runtime = createDockerRuntime({ socketPath: engine.socketPath });
  const info = await runtime.info?.();
  if (!info) throw new Error('the docker adapter cannot name its engine');
  const config = parseMonitorConfig({ text: yaml, file: 'fleet-e2e.yaml', env: {} });
  // What `run` does: no WEBSITE_MONITOR_HOST and no host: in the config, so the engine names it.
  const { host, source } = chooseHostName({ env: {}, config, engine: info });
  expect(source).toBe('engine');
  const store = createPostgresStore({ connectionString: url, host });
  await store.migrate();
  const claim = await checkHostClaim({
    store,
    host,
    engine: info,
    now: Date.now(),
    intervalSeconds: reportIntervalSeconds,
  });
  expect(claim).toEqual({ kind: 'ok' });
  const logger = new MemoryLogger();
  const agent = new WebsiteMonitorAgent({
    config,
    runtime,
    store,
    host,
    engine: info,
    logger,
    agentVersion: 'e2e',
  });
  await agent.start();
  const server = await startMonitorServer({ agent, port: 0 });
  const member: FleetHost = {
    engine,
    info,
    host,
    store,
    agent,
    server,
    logger,
    stopped: false,
    async stop() {
      if (member.stopped) return;
      member.stopped = true;
      await server.close();
      await agent.stop();
      await store.close();
      await runtime[Symbol.asyncDispose]();
    },
  };
  return member;
}

/** The test app, armed to exit with CRASH_EXIT_CODE on `kill -USR1 1` (a crash, not a person's stop). */
async function runApp(engine: ExtraEngine): Promise<void> {
  await engine.docker([
    'run',
    '-d',
    '--init',
    '--name',
    'app',
    '--label',
    `${TEST_LABEL}=1`,
    '--env',
    'EXIT_AFTER_SECONDS=3600',
    '--env',
    `EXIT_CODE=${CRASH_EXIT_CODE}`,
    TEST_IMAGE,
  ]);
}

async function crashApp(engine: ExtraEngine): Promise<void> {
  // The app's USR1 trap is set a moment after its start.
  const startedAt = Date.parse(
    (await engine.docker(['inspect', '--format', '{{.State.StartedAt}}', 'app'])).trim(),
  );
  const age = Date.now() - startedAt;
  if (age < 1_500) await sleep(1_500 - age);
  await engine.docker(['exec', 'app', 'kill', '-USR1', '1']).catch((error: Error) => {
    // The exec may die with the process it just ended (137).
    if (!/137/.test(error.message)) throw error;
  });
}

// biome-ignore lint/suspicious/noExplicitAny: JSON answers whose shape the test asserts
async function api(member: FleetHost, path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${member.server.url}${path}`);
  return { status: response.status, body: await response.json() };
}

/** The per-host SQL of docs/fleet.md, as written there, with `web-1` replaced by `host`. */
function docsQueries(host: string): string[] {
  const page = readFileSync(new URL('../../../docs/fleet.md', import.meta.url), 'utf8');
  const block = /<!-- per-host-queries:start -->\s*```sql\n([\s\S]*?)```/.exec(page)?.[1];
  if (!block) throw new Error('docs/fleet.md has no per-host-queries block');
  return block
    .split(/;\s*\n/)
    .map((statement) =>
      statement
        .split('\n')
        .filter((line) => !line.startsWith('--'))
        .join('\n')
        .trim(),
    )
    .filter((statement) => statement !== '')
    .map((statement) => statement.replaceAll("'web-1'", `'${host.replaceAll("'", "''")}'`));
}

describe.skipIf(unavailable !== undefined)('three hosts on one PostgreSQL (issue 12, item 1)', () => {
  it('each crash is healed and recorded under its own host; any agent shows the fleet, filtered by ?host=', async () => {
    if (!database) throw new Error('no test database');
    const started = performance.now();
    await Promise.all(engines.map(runApp));
    for (const engine of engines) fleet.push(await startFleetHost(engine, database.url));
    const [a, b, c] = fleet as [FleetHost, FleetHost, FleetHost];

    // Three distinct engines, each named by its own host name.
    expect(fleet.map((member) => member.host)).toEqual([...hostnames]);
    expect(new Set(fleet.map((member) => member.info.id)).size).toBe(3);

    const crashedAt = performance.now();
    await Promise.all(engines.map(crashApp));
    const healed = await waitUntil(
      'an auto-healed incident of "app" on each of the three hosts',
      async () => {
        const { body } = await api(a, '/monitor/incidents?host=*');
        const incidents = body.incidents as Incident[];
        const byHost = new Map(incidents.filter((i) => i.autoHealed).map((i) => [i.host, i]));
        return byHost.size === 3 ? incidents : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    reportFigure(
      'fleet: crash on three hosts to three auto-healed incidents',
      performance.now() - crashedAt,
      'ms',
    );
    for (const member of fleet) {
      const own = healed.filter((incident) => incident.host === member.host);
      expect(own.length, member.host).toBeGreaterThanOrEqual(1);
      expect(own[0]).toMatchObject({ containerName: 'app', autoHealed: true, status: 'resolved' });
      expect(own[0]?.actionsTaken).toContain('restart_container');
      // Restarted on its own engine: the app runs again there.
      expect((await member.engine.docker(['inspect', '--format', '{{.State.Running}}', 'app'])).trim()).toBe(
        'true',
      );
    }

    // The fleet view from any one agent: all three, reporting, self marked.
    await waitUntil('b lists three reporting hosts', async () => {
      const { body } = await api(b, '/monitor/hosts');
      return body.hosts.length === 3 && body.hosts.every((host: { reporting: boolean }) => host.reporting)
        ? true
        : undefined;
    });
    const hosts = await api(b, '/monitor/hosts');
    expect(hosts.body.self).toBe(b.host);
    expect(
      hosts.body.hosts.map((host: { host: string; engineId: string; engineName: string; self: boolean }) => [
        host.host,
        host.engineId,
        host.engineName,
        host.self,
      ]),
    ).toEqual(fleet.map((member) => [member.host, member.info.id, member.info.name, member === b]));

    // ?host=: absent is the answering agent's own host; a name is that host; * is every host.
    const own = await api(a, '/monitor/incidents');
    expect(new Set(own.body.incidents.map((i: Incident) => i.host))).toEqual(new Set([a.host]));
    const ofC = await api(a, `/monitor/incidents?host=${c.host}`);
    expect(ofC.status).toBe(200);
    expect(new Set(ofC.body.incidents.map((i: Incident) => i.host))).toEqual(new Set([c.host]));
    const status = await api(c, '/monitor/status?host=*');
    expect(status.body.source).toBe('fleet');
    expect(
      status.body.containers
        .map((line: { host: string; name: string }) => `${line.host}/${line.name}`)
        .sort(),
    ).toEqual(fleet.map((member) => `${member.host}/app`).sort());
    const ofB = await api(a, `/monitor/status?host=${b.host}`);
    expect(ofB.body).toMatchObject({ host: b.host, source: 'store', reporting: true });
    expect(
      ofB.body.containers.map((line: { name: string; state: string }) => [line.name, line.state]),
    ).toEqual([['app', 'running']]);
    expect((await api(a, '/monitor/status?host=wm-fleet-z')).status).toBe(404);

    // Another engine may not record under a host name in use.
    const conflict = await checkHostClaim({
      store: a.store,
      host: a.host,
      engine: b.info,
      now: Date.now(),
      intervalSeconds: reportIntervalSeconds,
    });
    expect(conflict.kind).toBe('conflict');
    expect(conflict.kind === 'conflict' ? conflict.message : '').toContain(a.info.id);
    expect(conflict.kind === 'conflict' ? conflict.message : '').toContain(b.info.id);

    // The seed's queries as written, over three hosts: one container name, three incidents or more.
    await using sql = await connect(database.url);
    const seedRate = await sql.query(`SELECT container_name, COUNT(*) as total_incidents,
  SUM(CASE WHEN auto_healed THEN 1 ELSE 0 END)::float / COUNT(*) * 100 as success_rate_percent
FROM monitor_incidents GROUP BY container_name;`);
    expect(seedRate.rows.map((row) => row.container_name)).toEqual(['app']);
    expect(Number(seedRate.rows[0]?.total_incidents)).toBeGreaterThanOrEqual(3);

    // The per-host versions from docs/fleet.md, as written there, for host a.
    const [last, rate, times, sideBySide, silent] = docsQueries(a.host);
    const lastRows = (await sql.query(last ?? '')).rows;
    expect(lastRows.length).toBeGreaterThanOrEqual(1);
    expect(new Set(lastRows.map((row) => row.host))).toEqual(new Set([a.host]));
    const rateRows = (await sql.query(rate ?? '')).rows;
    expect(rateRows).toHaveLength(1);
    expect(rateRows[0]).toMatchObject({ container_name: 'app', success_rate_percent: 100 });
    expect(Number(rateRows[0]?.total_incidents)).toBe(healed.filter((i) => i.host === a.host).length);
    const timeRows = (await sql.query(times ?? '')).rows;
    expect(timeRows.map((row) => row.container_name)).toEqual(['app']);
    const sideRows = (await sql.query(sideBySide ?? '')).rows;
    expect(sideRows.map((row) => [row.host, row.container_name])).toEqual(
      fleet.map((member) => [member.host, 'app']),
    );
    expect((await sql.query(silent ?? '')).rows).toEqual([]);

    // Stop c's agent: after 3 report intervals its host is not reporting, as any agent says.
    const stoppedAt = performance.now();
    await c.stop();
    const notReporting = await waitUntil(
      `${c.host} shown as not reporting`,
      async () => {
        const { body } = await api(a, '/monitor/hosts');
        const row = body.hosts.find((host: { host: string }) => host.host === c.host);
        return row?.reporting === false ? body.hosts : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 200 },
    );
    reportFigure('fleet: agent stopped to its host shown not reporting', performance.now() - stoppedAt, 'ms');
    expect(
      notReporting.map((host: { host: string; reporting: boolean }) => [host.host, host.reporting]),
    ).toEqual([
      [a.host, true],
      [b.host, true],
      [c.host, false],
    ]);
    const stale = await api(b, `/monitor/status?host=${c.host}`);
    expect(stale.body).toMatchObject({ source: 'store', reporting: false });
    reportFigure('fleet: whole scenario', performance.now() - started, 'ms');
  }, 150_000);
});

async function connect(url: string): Promise<pg.Client & AsyncDisposable> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return Object.assign(client, { [Symbol.asyncDispose]: () => client.end() });
}
