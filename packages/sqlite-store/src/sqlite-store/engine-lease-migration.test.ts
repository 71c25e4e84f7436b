import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractLeaseHolder } from '@website-monitor/core/testing';
import { migrationTableName } from '@website-monitor/sql-store';
import { afterAll, describe, expect, it } from 'vitest';
import { loadNodeSqlite } from '../node-sqlite/load-node-sqlite.js';
import { createSqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'wm-lease-migration-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('migration 0003_engine_lease', () => {
  it('is applied to a database that already ran 0004 (the two were written side by side)', async () => {
    const file = join(dir, 'at-0004.db');
    {
      await using store = createSqliteStore({ path: file });
      await store.migrate();
    }
    // A database migrated by a build that had 0004 but not yet 0003.
    const { DatabaseSync } = await loadNodeSqlite();
    const raw = new DatabaseSync(file);
    raw.exec('DROP TABLE monitor_engine_leases');
    raw.exec(`DELETE FROM ${migrationTableName} WHERE name = '0003_engine_lease'`);
    raw.close();

    await using store = createSqliteStore({ path: file });
    await store.migrate();
    const answer = await store.acquireEngineLease({
      engineId: 'engine-1',
      holder: contractLeaseHolder(),
      ttlMs: 1_000,
    });
    expect(answer.held).toBe(true);
  });
});
