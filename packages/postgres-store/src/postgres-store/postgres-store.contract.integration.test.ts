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

storeContract({
  name: 'PostgreSQL',
  makeStore: async () => {
    // Each test starts from empty tables in this run's own database.
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(`TRUNCATE ${monitorTableNames.join(', ')}`);
    await client.end();
    const store = createPostgresStore({ connectionString: database.url });
    await store.migrate();
    return store;
  },
  test: { describe, it, expect },
});
