import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Incident } from '@website-monitor/core';
import { FakeClock, FakeContainerRuntime, FakeHttpProber } from '@website-monitor/core/testing';
import { createPostgresStore, redactConnectionString } from '@website-monitor/postgres-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  type TestDatabase,
} from '../../../postgres-store/src/test-database/test-database.test-helper.js';
import { urlForConfigFile } from '../../../postgres-store/src/test-database/url-for-config-file.js';
import { captureIo } from '../io/captured-io.js';
import { runCli } from '../main.js';

/**
 * Against a real PostgreSQL server: a database of this file's own on the run's shared test server
 * (or DATABASE_URL's), dropped after.
 */
let database: TestDatabase;
let databaseUrl: string;

function psql(url: string, sql: string): string {
  return execFileSync(
    'psql',
    [url, '--no-psqlrc', '--tuples-only', '--no-align', '--field-separator=|', '-c', sql],
    {
      encoding: 'utf8',
    },
  ).trim();
}

beforeAll(async () => {
  database = await createTestDatabase();
  databaseUrl = database.url;
});

afterAll(async () => {
  await database?.drop();
});

function incident(id: string, containerName: string, autoHealed: boolean, openedAt: number): Incident {
  return {
    id,
    host: 'local',
    containerId: `${containerName}-id`,
    containerName,
    trigger: 'container_stopped',
    problems: [{ kind: 'container_stopped', message: 'exited with code 1' }],
    status: 'resolved',
    openedAt,
    updatedAt: openedAt + 500,
    resolvedAt: openedAt + 500,
    exitCode: 1,
    oomKilled: false,
    diagnosis: null,
    actionsTaken: autoHealed ? ['restart_container'] : [],
    autoHealed,
    escalationReason: null,
  };
}

describe('website-monitor db migrate and incidents: PostgreSQL', () => {
  it('migrates the database named by DATABASE_URL, twice without harm', async () => {
    for (let run = 0; run < 2; run++) {
      const io = captureIo({ DATABASE_URL: databaseUrl });
      expect(await runCli(['db', 'migrate'], io)).toBe(0);
      // The test server's URL carries a password: printed masked.
      expect(io.out()).toBe(`migrated PostgreSQL database at ${redactConnectionString(databaseUrl)}\n`);
    }
    const tables = psql(
      databaseUrl,
      "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'monitor\\_%' ORDER BY 1",
    ).split('\n');
    expect(tables).toEqual(
      expect.arrayContaining([
        'monitor_container_stats',
        'monitor_healing_actions',
        'monitor_health_metrics',
        'monitor_incidents',
      ]),
    );
  });

  it('lists what the store wrote, and the seed query agrees', async () => {
    const now = Date.now();
    const store = createPostgresStore({ connectionString: databaseUrl });
    try {
      await store.migrate();
      await store.saveIncident({ incident: incident('pg-1', 'shop-web', true, now - 60_000) });
      await store.saveIncident({ incident: incident('pg-2', 'shop-web', false, now - 30_000) });
      await store.saveIncident({ incident: incident('pg-3', 'shop-db', true, now - 10_000) });
    } finally {
      await store.close();
    }

    const io = captureIo({ DATABASE_URL: databaseUrl });
    expect(await runCli(['incidents', '--json', '--container', 'shop-web'], io)).toBe(0);
    expect((JSON.parse(io.out()) as { id: string }[]).map((row) => row.id)).toEqual(['pg-2', 'pg-1']);

    const table = captureIo({ DATABASE_URL: databaseUrl });
    expect(await runCli(['incidents'], table)).toBe(0);
    expect(table.out().split('\n')[0]).toMatch(/^OPENED \(UTC\) +CONTAINER +TRIGGER/);
    expect(table.out().trimEnd().split('\n')).toHaveLength(4);

    expect(
      psql(
        databaseUrl,
        `SELECT container_name, COUNT(*) as total_incidents,
           SUM(CASE WHEN auto_healed THEN 1 ELSE 0 END)::float / COUNT(*) * 100 as success_rate_percent
         FROM monitor_incidents GROUP BY container_name ORDER BY container_name`,
      ),
    ).toBe('shop-db|1|100\nshop-web|2|50');
  });

  it('runs the agent on storage.url and records its incidents there', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wm-run-pg-')), 'monitor.yaml');
    const inFile = urlForConfigFile(databaseUrl);
    writeFileSync(file, `monitoring:\n  containers:\n    - name: api\nstorage:\n  url: ${inFile.url}\n`);
    const clock = new FakeClock({ start: Date.now() - 3_600_000 });
    const runtime = new FakeContainerRuntime({ clock });
    runtime.addContainer({ name: 'api' });
    let stop: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      stop = resolve;
    });
    let stopAgent: () => void = () => {};
    const io = captureIo(inFile.env);
    const exit = runCli(['run', '--no-listen', '--config', file], io, {
      createRuntime: () => runtime,
      clock,
      prober: new FakeHttpProber(),
      onStarted: (stopIt) => {
        stopAgent = stopIt;
        stop();
      },
    });
    await Promise.race([started, exit]);
    runtime.crash('api', { exitCode: 2 });

    let rows: { container_name: string; exit_code: number }[] = [];
    for (let turn = 0; turn < 100 && rows.length === 0; turn++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const query = captureIo(inFile.env);
      expect(
        await runCli(['incidents', '--config', file, '--json', '--container', 'api'], query, { clock }),
      ).toBe(0);
      rows = JSON.parse(query.out());
    }
    stopAgent();
    expect(await exit).toBe(0);
    expect(rows).toMatchObject([{ container_name: 'api', exit_code: 2 }]);
    expect(io.err()).toBe('');
  });
});
