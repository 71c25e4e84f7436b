import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@website-monitor/core';
import { MemoryLogger } from '@website-monitor/core/testing';
import { createPostgresStore, type PostgresStore } from '@website-monitor/postgres-store';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createTestDatabase,
  type TestDatabase,
} from '../../../postgres-store/src/test-database/test-database.test-helper.js';
import { approval, host, incident, restartAction, samples } from './records.test-helper.js';
import { createSpooledStore, type SpooledStore } from './spooled-store.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.test-helper.js';

/** This file's own database on the run's shared test server; the stores reach it through `proxy`. */
let database: TestDatabase;
let sql: InstanceType<typeof pg.Client>;
let proxy: TcpProxy;
let dir: string;

function urlVia(port: number): string {
  const url = new URL(database.url);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return url.toString();
}

beforeAll(async () => {
  database = await createTestDatabase();
  const store = createPostgresStore({ connectionString: database.url });
  await store.migrate();
  await store.close();
  sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  const server = new URL(database.url);
  proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
});

afterAll(async () => {
  await proxy?.close();
  await sql?.end();
  await database?.drop();
});

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wm-spool-pg-'));
  await proxy.start().catch(() => {}); // already listening after a test that left it up
  await sql.query(
    'TRUNCATE monitor_incidents, monitor_healing_actions, monitor_health_metrics, monitor_approvals, monitor_container_stats',
  );
  return () => rmSync(dir, { recursive: true, force: true });
});

function spooled(logger: MemoryLogger): { store: SpooledStore; primary: PostgresStore } {
  const primary = createPostgresStore({ connectionString: urlVia(proxy.port), host, connectTimeoutMs: 1000 });
  const store = createSpooledStore({
    store: primary,
    path: join(dir, 'agent.spool'),
    maxBytes: 50_000_000,
    logger,
    clock: systemClock,
    retryIntervalMs: 100,
    maxRetryIntervalMs: 400,
  });
  return { store, primary };
}

async function count(table: string, where = 'true', values: unknown[] = []): Promise<number> {
  const { rows } = await sql.query(`SELECT COUNT(*)::int AS n FROM ${table} WHERE ${where}`, values);
  return Number(rows[0]?.n);
}

describe('spooled PostgreSQL store', () => {
  it('loses nothing when PostgreSQL goes away mid-run: every incident and action lands once, latest version', async () => {
    const logger = new MemoryLogger();
    const { store } = spooled(logger);
    const t = Date.now();
    await store.saveIncident({ incident: incident('i1', t) });
    expect(await count('monitor_incidents')).toBe(1);

    await proxy.stop();
    await store.saveIncident({
      incident: incident('i1', t, { status: 'healing', actionsTaken: ['restart'] }),
    });
    await store.saveHealingAction({
      action: restartAction('a1', t + 1, { incidentId: 'i1', result: 'pending' }),
    });
    await store.saveHealthSamples({ samples: samples('s', 1000, t) });
    await store.saveHealingAction({ action: restartAction('a1', t + 1, { incidentId: 'i1' }) });
    await store.saveIncident({
      incident: incident('i1', t, {
        status: 'resolved',
        resolvedAt: t + 5,
        actionsTaken: ['restart'],
        autoHealed: true,
      }),
    });
    await store.saveIncident({ incident: incident('i2', t + 10, { containerName: 'db' }) });
    await store.saveApproval({ approval: approval('p1', t + 11) });
    expect(store.pending()).toMatchObject({ primary: 'down', mustKeepRows: 6, rows: 1006 });

    // Reads while it is away come from the spool.
    expect((await store.listIncidents({ host })).map((i) => [i.id, i.status])).toEqual([
      ['i2', 'open'],
      ['i1', 'resolved'],
    ]);

    await proxy.start();
    await vi.waitFor(() => expect(store.pending().rows).toBe(0), { timeout: 20_000, interval: 50 });

    const incidents = await sql.query('SELECT id, status, auto_healed FROM monitor_incidents ORDER BY id');
    expect(incidents.rows).toEqual([
      { id: 'i1', status: 'resolved', auto_healed: true },
      { id: 'i2', status: 'open', auto_healed: false },
    ]);
    expect((await sql.query('SELECT id, result FROM monitor_healing_actions')).rows).toEqual([
      { id: 'a1', result: 'succeeded' },
    ]);
    expect(await count('monitor_health_metrics')).toBe(1000);
    expect(await count('monitor_approvals', "status = 'pending'")).toBe(1);
    expect(logger.find('store_unreachable')).toHaveLength(1);
    expect(logger.find('store_recovered')[0]?.fields).toMatchObject({ replayed_rows: 1006 });
    await store.close();
  });

  it('starts while PostgreSQL is not ready, restores the last hour from the spool, and replays after a restart', async () => {
    const t = Date.now();
    const firstLogger = new MemoryLogger();
    const first = spooled(firstLogger);
    await first.store.saveHealingAction({ action: restartAction('a-delivered', t - 30 * 60_000) });
    await first.store.close();

    await proxy.stop();
    const logger = new MemoryLogger();
    const second = spooled(logger);
    await second.store.saveIncident({ incident: incident('i1', t) });
    await second.store.saveHealingAction({ action: restartAction('a-spooled', t, { incidentId: 'i1' }) });
    const actions = await second.store.listHealingActions({ host, since: t - 60 * 60_000 });
    expect(actions.map((a) => a.id)).toEqual(['a-delivered', 'a-spooled']);
    await second.store.close(); // the agent stops (or is killed) before PostgreSQL is back
    expect(await count('monitor_incidents')).toBe(0);

    await proxy.start();
    const third = spooled(new MemoryLogger());
    await vi.waitFor(() => expect(third.store.pending().rows).toBe(0), { timeout: 20_000, interval: 50 });
    expect(await count('monitor_incidents', 'id = $1', ['i1'])).toBe(1);
    expect(await count('monitor_healing_actions')).toBe(2);
    await third.store.close();
  });

  it('writes a row once when PostgreSQL took it but the answer was lost, and counts it once in the stats', async () => {
    const logger = new MemoryLogger();
    const real = createPostgresStore({ connectionString: urlVia(proxy.port), host });
    let loseNextAnswer = true;
    const store = createSpooledStore({
      store: Object.assign(Object.create(real) as PostgresStore, {
        async saveIncident(options: Parameters<PostgresStore['saveIncident']>[0]) {
          await real.saveIncident(options);
          if (loseNextAnswer) {
            loseNextAnswer = false;
            throw new Error('Connection terminated unexpectedly');
          }
        },
        close: () => real.close(),
      }),
      path: join(dir, 'agent.spool'),
      maxBytes: 1_000_000,
      logger,
      retryIntervalMs: 100,
    });
    const t = Date.now();
    await store.saveIncident({ incident: incident('i1', t) });
    expect(store.pending().rows).toBe(1);
    await vi.waitFor(() => expect(store.pending().rows).toBe(0), { timeout: 10_000, interval: 50 });

    expect(await count('monitor_incidents', 'id = $1', ['i1'])).toBe(1);
    expect((await sql.query('SELECT incidents::int AS incidents FROM monitor_container_stats')).rows).toEqual(
      [{ incidents: 1 }],
    );
    await store.close();
  });
});
