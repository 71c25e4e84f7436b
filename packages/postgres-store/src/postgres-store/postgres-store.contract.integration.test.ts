import { storeContract } from '@website-monitor/core/testing';
import { monitorTableNames } from '@website-monitor/sql-store';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test-database/test-database.test-helper.js';
import { createPostgresStore } from './postgres-store.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await using store = createPostgresStore({ connectionString: database.url });
  await store.migrate();
});
afterAll(async () => {
  await database?.drop();
});

/** A store over empty tables in this run's own database. */
async function emptyStore(options: { readonly healthRollupIntervalMs?: number } = {}) {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query(`TRUNCATE ${monitorTableNames.join(', ')}`);
  await client.end();
  const store = createPostgresStore({ connectionString: database.url, ...options });
  await store.migrate();
  return store;
}

storeContract({ name: 'PostgreSQL', makeStore: () => emptyStore(), test: { describe, it, expect } });

// Rolling after every write: minutes pass through the watermark between the contract's writes.
storeContract({
  name: 'PostgreSQL (rollups rolled after every write)',
  makeStore: () => emptyStore({ healthRollupIntervalMs: 0 }),
  test: { describe, it, expect },
});
