import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { StoreError } from '@website-monitor/core';
import {
  contractHealingAction,
  contractHealthSample,
  contractIncident,
  MemoryLogger,
} from '@website-monitor/core/testing';
import { migrationTableName, sqliteDialect, sqlMigrations } from '@website-monitor/sql-store';

/** Every migration the store knows, in the order it runs them. */
const allMigrations = Object.keys(sqlMigrations(sqliteDialect)).map((name) => ({ name }));

import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'wm-sqlite-'));
let files = 0;
const freshPath = () => join(dir, `case-${files++}`, 'nested', 'monitor.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function query<T>(path: string, sql: string): T[] {
  const database = new DatabaseSync(path);
  try {
    return database.prepare(sql).all() as T[];
  } finally {
    database.close();
  }
}

describe('createSqliteStore', () => {
  it('creates the directory, uses WAL, and stores times as epoch milliseconds', async () => {
    const path = freshPath();
    await using store = createSqliteStore({ path });
    await store.migrate();
    await store.saveIncident({ incident: contractIncident({ openedAt: 1_700_000_000_123 }) });
    expect(existsSync(path)).toBe(true);
    expect(query(path, 'PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    expect(query(path, 'SELECT timestamp, auto_healed, oom_killed FROM monitor_incidents')).toEqual([
      { timestamp: 1_700_000_000_123, auto_healed: 0, oom_killed: 0 },
    ]);
  });

  it('migrate() is idempotent', async () => {
    const path = freshPath();
    await using store = createSqliteStore({ path });
    await store.migrate();
    await store.migrate();
    expect(query(path, `SELECT name FROM ${migrationTableName}`)).toEqual(allMigrations);
  });

  it('two stores migrating the same new file at once take turns', async () => {
    const path = freshPath();
    const logger = new MemoryLogger();
    const stores = [createSqliteStore({ path, logger }), createSqliteStore({ path, logger })];
    try {
      await Promise.all(stores.map((store) => store.migrate()));
      // Both can write and see each other's rows.
      await stores[0]?.saveIncident({ incident: contractIncident({ id: 'from-0' }) });
      await stores[1]?.saveIncident({ incident: contractIncident({ id: 'from-1', openedAt: 1 }) });
      expect((await stores[0]?.listIncidents({}))?.map((incident) => incident.id)).toEqual([
        'from-0',
        'from-1',
      ]);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
    expect(query(path, `SELECT name FROM ${migrationTableName}`)).toEqual(allMigrations);
    expect(logger.entries.filter((entry) => entry.event === 'store_migrated')).toHaveLength(1);
  });

  it('waits for another process holding the write lock, then migrates', async () => {
    const path = freshPath();
    // Create the file (and WAL mode) first, then let a separate process hold the write lock.
    await createSqliteStore({ path }).close();
    {
      await using opener = createSqliteStore({ path });
      await opener.listIncidents({}).catch(() => []);
    }
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const { DatabaseSync } = require('node:sqlite');
         const db = new DatabaseSync(${JSON.stringify(path)});
         db.exec('BEGIN IMMEDIATE');
         db.exec('CREATE TABLE held_by_other_process (x INTEGER)');
         process.stdout.write('locked\\n');
         setTimeout(() => { db.exec('COMMIT'); db.close(); }, 700);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    const started = Date.now();
    await using store = createSqliteStore({ path });
    await store.migrate();
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    await new Promise((resolve) => holder.once('exit', resolve));
    expect(
      query(
        path,
        "SELECT name FROM sqlite_master WHERE name IN ('held_by_other_process', 'monitor_incidents') ORDER BY name",
      ),
    ).toEqual([{ name: 'held_by_other_process' }, { name: 'monitor_incidents' }]);
  });

  it('reports a file it cannot open as a StoreError', async () => {
    const blocker = join(dir, `blocker-${files++}`);
    new DatabaseSync(blocker).close();
    // A path "inside" a regular file cannot be created.
    await using store = createSqliteStore({ path: join(blocker, 'monitor.db') });
    await expect(store.migrate()).rejects.toBeInstanceOf(StoreError);
    await expect(store.migrate()).rejects.toThrow(/^SQLite store: migrate failed: /);
  });
});

describe('monitor_container_stats on SQLite', () => {
  it('is kept current and replay-safe', async () => {
    await using store = createSqliteStore({ path: freshPath() });
    await store.migrate();
    const samples = [
      contractHealthSample({ id: 's1', checkedAt: 1_000 }),
      contractHealthSample({ id: 's2', checkedAt: 2_000, healthy: false, status: 'unhealthy' }),
    ];
    await store.saveHealthSamples({ samples });
    await store.saveHealthSamples({ samples });
    const open = contractIncident({ openedAt: 1_500, updatedAt: 1_500 });
    await store.saveIncident({ incident: open });
    const healed = {
      ...open,
      status: 'resolved' as const,
      autoHealed: true,
      updatedAt: 3_000,
      resolvedAt: 3_000,
    };
    await store.saveIncident({ incident: healed });
    await store.saveIncident({ incident: healed });
    const restart = contractHealingAction({ startedAt: 2_000 });
    await store.saveHealingAction({ action: restart });
    await store.saveHealingAction({ action: { ...restart, result: 'failed', error: 'exited again' } });
    await store.saveHealingAction({ action: { ...restart, result: 'failed', error: 'exited again' } });

    expect(await store.listContainerStats({ host: 'host-a' })).toEqual([
      {
        host: 'host-a',
        containerName: 'web',
        checks: 2,
        failures: 1,
        restarts: 1,
        incidents: 1,
        autoHealedIncidents: 1,
        autoHealSuccessRate: 100,
        lastSeen: 3_000,
      },
    ]);
  });
});

describe('pruneIncidents on SQLite', () => {
  it('removes closed incidents opened before the cutoff with their actions, in batches', async () => {
    await using store = createSqliteStore({ path: freshPath(), host: 'host-a' });
    await store.migrate();
    for (let index = 0; index < 5; index++) {
      await store.saveIncident({
        incident: contractIncident({
          id: `old-${index}`,
          status: index % 2 ? 'escalated' : 'resolved',
          openedAt: index,
        }),
      });
      await store.saveHealingAction({
        action: contractHealingAction({ id: `act-${index}`, incidentId: `old-${index}` }),
      });
    }
    await store.saveIncident({
      incident: contractIncident({ id: 'still-open', status: 'awaiting_approval', openedAt: 0 }),
    });
    await store.saveIncident({
      incident: contractIncident({ id: 'other-host', host: 'host-b', status: 'resolved', openedAt: 0 }),
    });

    expect(await store.pruneIncidents({ before: 100, batchSize: 2 })).toBe(5);
    expect((await store.listIncidents({})).map((incident) => incident.id).sort()).toEqual([
      'other-host',
      'still-open',
    ]);
    expect(await store.listHealingActions({})).toEqual([]);
    expect(await store.pruneIncidents({ before: 100 })).toBe(0);
  });
});
