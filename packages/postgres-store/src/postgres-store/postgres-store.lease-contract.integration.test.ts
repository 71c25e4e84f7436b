import { engineLeaseContract } from '@website-monitor/core/testing';
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

// Each store has its own pool: two agents meeting in one real PostgreSQL database.
engineLeaseContract({
  name: 'PostgreSQL (a pool per agent)',
  makeLeases: async () => createPostgresStore({ connectionString: database.url, maxConnections: 4 }),
  test: { describe, it, expect },
  timeoutMs: 15_000,
  // An advisory lock lasts as long as its holder's connection: there is no expiry to wait for.
  expires: false,
});
