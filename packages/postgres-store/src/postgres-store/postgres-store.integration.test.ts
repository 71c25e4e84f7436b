import { inspect } from 'node:util';
import { type HealthSample, StoreError, summarizeHealthSamples } from '@website-monitor/core';
import {
  contractHealingAction,
  contractHealthSample,
  contractIncident,
  MemoryLogger,
} from '@website-monitor/core/testing';
import {
  migrationTableName,
  monitorTableNames,
  postgresDialect,
  sqlMigrations,
} from '@website-monitor/sql-store';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test-database/test-database.test-helper.js';
import { createPostgresStore, type PostgresStore } from './postgres-store.js';

/** Every migration the store knows, in the order it runs them. */
const allMigrations = Object.keys(sqlMigrations(postgresDialect)).map((name) => ({ name }));

let database: TestDatabase;
let sqlClient: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase();
  await using store = createPostgresStore({ connectionString: database.url });
  await store.migrate();
  sqlClient = new pg.Client({ connectionString: database.url });
  await sqlClient.connect();
});
afterAll(async () => {
  await sqlClient?.end();
  await database?.drop();
});
beforeEach(async () => {
  await sqlClient.query(`TRUNCATE ${monitorTableNames.join(', ')}`);
});

function openStore(): PostgresStore {
  return createPostgresStore({ connectionString: database.url, host: 'host-a' });
}

describe('migrations', () => {
  it('are idempotent: a second migrate() changes nothing', async () => {
    await using store = openStore();
    await store.migrate();
    await store.migrate();
    const { rows } = await sqlClient.query(`SELECT name FROM ${migrationTableName}`);
    expect(rows).toEqual(allMigrations);
  });

  it('are safe when several agents migrate a fresh database at once', async () => {
    const url = await database.createSibling();
    const logger = new MemoryLogger();
    const stores = Array.from({ length: 4 }, () => createPostgresStore({ connectionString: url, logger }));
    try {
      await Promise.all(stores.map((store) => store.migrate()));
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const applied = await client.query(`SELECT name FROM ${migrationTableName}`);
      const tables = await client.query(
        `SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'monitor\\_%' ORDER BY table_name`,
      );
      await client.end();
      expect(applied.rows).toEqual(allMigrations);
      expect(tables.rows.map((row) => row.table_name)).toEqual(
        expect.arrayContaining([...monitorTableNames, migrationTableName]),
      );
      // Exactly one of the four did the work; the others found it done.
      expect(logger.entries.filter((entry) => entry.event === 'store_migrated')).toHaveLength(1);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});

describe("the seed's three queries, verbatim, over rows written through the store", () => {
  it('give the latest incidents, the auto-heal success rate, and last-hour response times', async () => {
    await using store = openStore();
    const now = Date.now();
    const minutesAgo = (minutes: number) => now - minutes * 60_000;
    // web: 9 incidents, 6 auto-healed (66.67 %); api: 3 incidents, all auto-healed (100 %).
    for (let index = 0; index < 12; index++) {
      const containerName = index < 9 ? 'web' : 'api';
      const autoHealed = index < 9 ? index % 3 !== 0 : true;
      await store.saveIncident({
        incident: contractIncident({
          id: `inc-${index}`,
          containerName,
          openedAt: minutesAgo(100 - index),
          status: 'open',
        }),
      });
      await store.saveIncident({
        incident: contractIncident({
          id: `inc-${index}`,
          containerName,
          openedAt: minutesAgo(100 - index),
          updatedAt: minutesAgo(99 - index),
          resolvedAt: autoHealed ? minutesAgo(99 - index) : null,
          status: autoHealed ? 'resolved' : 'escalated',
          autoHealed,
        }),
      });
    }
    await store.saveHealthSamples({
      samples: [
        contractHealthSample({ id: 'w1', containerName: 'web', checkedAt: minutesAgo(50) }),
        contractHealthSample({ id: 'w2', containerName: 'web', checkedAt: minutesAgo(20) }),
        contractHealthSample({ id: 'w3', containerName: 'web', checkedAt: minutesAgo(1) }),
        // Older than an hour: must not count.
        contractHealthSample({ id: 'w-old', containerName: 'web', checkedAt: minutesAgo(90) }),
        contractHealthSample({ id: 'a1', containerName: 'api', checkedAt: minutesAgo(10) }),
        contractHealthSample({ id: 'a-old', containerName: 'api', checkedAt: minutesAgo(61) }),
      ].map((sample, index) => ({
        ...sample,
        metrics: { ...sample.metrics, responseTimeMs: [100, 200, 600, 5000, 40, 9000][index] },
      })),
    });

    const latest = await sqlClient.query('SELECT * FROM monitor_incidents ORDER BY timestamp DESC LIMIT 10;');
    expect(latest.rows.map((row) => row.id)).toEqual([
      'inc-11',
      'inc-10',
      'inc-9',
      'inc-8',
      'inc-7',
      'inc-6',
      'inc-5',
      'inc-4',
      'inc-3',
      'inc-2',
    ]);
    expect(latest.rows[0]).toMatchObject({
      container_name: 'api',
      auto_healed: true,
      status: 'resolved',
      host: 'host-a',
    });

    const successRates = await sqlClient.query(`SELECT container_name, COUNT(*) as total_incidents,
  SUM(CASE WHEN auto_healed THEN 1 ELSE 0 END)::float / COUNT(*) * 100 as success_rate_percent
FROM monitor_incidents GROUP BY container_name;`);
    const rates = Object.fromEntries(
      successRates.rows.map((row) => [
        row.container_name,
        [Number(row.total_incidents), row.success_rate_percent],
      ]),
    );
    expect(rates.web?.[0]).toBe(9);
    expect(rates.web?.[1]).toBeCloseTo(66.6667, 3);
    expect(rates.api).toEqual([3, 100]);

    const responseTimes =
      await sqlClient.query(`SELECT container_name, AVG(response_time_ms) as avg_response_ms, MAX(response_time_ms) as max_response_ms
FROM monitor_health_metrics WHERE timestamp > NOW() - INTERVAL '1 hour' GROUP BY container_name;`);
    const byContainer = Object.fromEntries(
      responseTimes.rows.map((row) => [row.container_name, [row.avg_response_ms, row.max_response_ms]]),
    );
    expect(byContainer).toEqual({ web: [300, 600], api: [40, 40] });
  });
});

describe('monitor_container_stats', () => {
  it('is kept current by the writes and does not count a replayed write twice', async () => {
    await using store = openStore();
    const samples = [
      contractHealthSample({ id: 's1', checkedAt: 1_000 }),
      contractHealthSample({ id: 's2', checkedAt: 2_000, healthy: false, status: 'unhealthy' }),
      contractHealthSample({ id: 's3', checkedAt: 3_000, healthy: false, status: 'unhealthy' }),
    ];
    await store.saveHealthSamples({ samples });
    await store.saveHealthSamples({ samples }); // the spool replaying a batch
    // A sample corrected from unhealthy to healthy moves the failure count with it.
    await store.saveHealthSamples({ samples: [contractHealthSample({ id: 's3', checkedAt: 3_000 })] });

    const open = contractIncident({ id: 'inc-1', openedAt: 2_000, updatedAt: 2_000 });
    const healed = {
      ...open,
      status: 'resolved' as const,
      autoHealed: true,
      updatedAt: 4_000,
      resolvedAt: 4_000,
    };
    await store.saveIncident({ incident: open });
    await store.saveIncident({ incident: healed });
    await store.saveIncident({ incident: healed });
    await store.saveIncident({
      incident: contractIncident({ id: 'inc-2', openedAt: 5_000, updatedAt: 5_000, status: 'escalated' }),
    });

    const restart = contractHealingAction({ id: 'act-1', startedAt: 2_500 });
    await store.saveHealingAction({ action: restart });
    await store.saveHealingAction({ action: { ...restart, result: 'succeeded', durationMs: 300 } });
    await store.saveHealingAction({ action: { ...restart, result: 'succeeded', durationMs: 300 } });
    await store.saveHealingAction({
      action: contractHealingAction({ id: 'act-2', result: 'dry_run', startedAt: 6_000 }),
    });

    expect(await store.listContainerStats({})).toEqual([
      {
        host: 'host-a',
        containerName: 'web',
        checks: 3,
        failures: 1,
        restarts: 1,
        incidents: 2,
        autoHealedIncidents: 1,
        autoHealSuccessRate: 50,
        lastSeen: 6_000,
      },
    ]);
    const { rows } = await sqlClient.query(
      'SELECT checks, failures, restarts, incidents, auto_healed_incidents, auto_heal_success_rate FROM monitor_container_stats',
    );
    expect(rows).toEqual([
      {
        checks: '3',
        failures: '1',
        restarts: '1',
        incidents: '2',
        auto_healed_incidents: '1',
        auto_heal_success_rate: 50,
      },
    ]);
  });

  it('stays exact when the same rows are written concurrently', async () => {
    await using store = openStore();
    const samples = Array.from({ length: 50 }, (_, index) =>
      contractHealthSample({ id: `c-${index}`, checkedAt: 10_000 + index, healthy: index % 5 !== 0 }),
    );
    await Promise.all([
      store.saveHealthSamples({ samples }),
      store.saveHealthSamples({ samples }),
      store.saveHealthSamples({ samples: samples.slice(10, 30) }),
    ]);
    const [stats] = await store.listContainerStats({ containerName: 'web' });
    expect(stats).toMatchObject({ checks: 50, failures: 10 });
  });
});

describe('deferred health rollups (issue 10: the sample write path does no rollup work)', () => {
  it('stay exact while two agents write one host at once, late samples included, each rolling after every write', async () => {
    const start = Date.UTC(2026, 0, 1, 12, 0, 0);
    const sample = (index: number, checkedAt = start + index * 5_000): HealthSample =>
      contractHealthSample({
        id: `r-${index}`,
        host: 'host-a',
        containerName: index % 2 === 0 ? 'web' : 'db',
        checkedAt,
        healthy: index % 5 !== 0,
        status: index % 5 !== 0 ? 'healthy' : 'unhealthy',
        metrics: { ...contractHealthSample().metrics, responseTimeMs: (index % 97) + 0.25 },
      });
    const stores = [0, 1].map(() =>
      createPostgresStore({ connectionString: database.url, host: 'host-a', healthRollupIntervalMs: 0 }),
    );
    const written: HealthSample[] = [];
    try {
      for (let batch = 0; batch < 10; batch++) {
        // Each agent writes every other sample of the same minutes, plus one late sample.
        const parts = [0, 1].map((agent) => [
          ...Array.from({ length: 40 }, (_, i) => sample(batch * 80 + i * 2 + agent)),
          sample(10_000 + batch * 2 + agent, start + batch * 60_000 + agent * 1_000),
        ]);
        written.push(...parts.flat());
        await Promise.all(
          stores.map((store, agent) => store.saveHealthSamples({ samples: parts[agent] ?? [] })),
        );
      }
      const { rows } = await sqlClient.query(
        "SELECT rolled_until FROM monitor_health_rollup_watermarks WHERE host = 'host-a'",
      );
      // Rolled to two minutes before the newest sample (800 samples 5 s apart: 66 min 35 s).
      expect(Number(rows[0].rolled_until)).toBe(start + 64 * 60_000);
      for (const containerName of ['web', 'db']) {
        for (const query of [
          { containerName, since: start },
          { host: 'host-a', containerName, since: start + 90_000, bucketMs: 60_000 },
          { containerName, since: start, bucketMs: 10 * 60_000 },
        ]) {
          expect(await stores[0]?.summarizeHealthSamples(query)).toEqual(
            summarizeHealthSamples(written, query),
          );
        }
      }
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});

describe('retention', () => {
  it('removes old health samples in batches of one short DELETE each, only for its own host', async () => {
    const pool = new pg.Pool({ connectionString: database.url });
    const deletes: string[] = [];
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as { query: unknown }).query = (...args: unknown[]) => {
        // The raw rows' deletes; the per-minute rollups are pruned after them.
        if (typeof args[0] === 'string' && /^delete from "monitor_health_metrics"/i.test(args[0])) {
          deletes.push(args[0]);
        }
        return query(...args);
      };
    });
    await using store = createPostgresStore({ pool, host: 'host-a' });
    const old = Array.from({ length: 2_500 }, (_, index) =>
      contractHealthSample({ id: `old-${index}`, checkedAt: index }),
    );
    await store.saveHealthSamples({
      samples: [
        ...old,
        contractHealthSample({ id: 'other-host', host: 'host-b', checkedAt: 5 }),
        contractHealthSample({ id: 'recent', checkedAt: 1_000_000 }),
      ],
    });

    expect(await store.pruneHealthSamples({ before: 500_000, batchSize: 1_000 })).toBe(2_500);
    expect(deletes).toHaveLength(3);
    const { rows } = await sqlClient.query('SELECT id FROM monitor_health_metrics ORDER BY id');
    expect(rows.map((row) => row.id)).toEqual(['other-host', 'recent']);
    await store.close();
    // The pool was ours: the store left it open.
    expect((await pool.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    await pool.end();
  });

  it('pruneIncidents removes closed incidents with their actions and approvals, never open ones', async () => {
    await using store = openStore();
    await store.saveIncident({
      incident: contractIncident({ id: 'old-resolved', status: 'resolved', openedAt: 1_000 }),
    });
    await store.saveIncident({
      incident: contractIncident({ id: 'old-open', status: 'healing', openedAt: 1_000 }),
    });
    await store.saveIncident({
      incident: contractIncident({ id: 'new-resolved', status: 'resolved', openedAt: 9_000 }),
    });
    await store.saveHealingAction({
      action: contractHealingAction({ id: 'a-old', incidentId: 'old-resolved' }),
    });
    await store.saveHealingAction({
      action: contractHealingAction({ id: 'a-open', incidentId: 'old-open' }),
    });

    expect(await store.pruneIncidents({ before: 5_000, batchSize: 1 })).toBe(1);
    expect((await store.listIncidents({})).map((incident) => incident.id).sort()).toEqual([
      'new-resolved',
      'old-open',
    ]);
    expect((await store.listHealingActions({})).map((action) => action.id)).toEqual(['a-open']);
  });
});

describe('errors', () => {
  it('become StoreErrors that never show the password, not even in the cause', async () => {
    const secret = 'Sup3r-s3cret-pw';
    await using store = createPostgresStore({
      connectionString: `postgres://monitor:${secret}@127.0.0.1:1/wm`,
      connectTimeoutMs: 2_000,
    });
    const error = await store.listIncidents({}).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toMatch(/^PostgreSQL store: listIncidents failed: .*ECONNREFUSED/);
    expect(inspect(error, { depth: 5 })).not.toContain(secret);
  });

  it('a malformed connection string is reported without its password', async () => {
    const secret = 'An0ther-s3cret';
    await using store = createPostgresStore({
      connectionString: `postgres://monitor:${secret}@127.0.0.1:notaport/wm`,
    });
    const error = await store.migrate().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect(inspect(error, { depth: 5 })).not.toContain(secret);
  });
});
