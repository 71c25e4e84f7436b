import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineLeaseContract } from '@website-monitor/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'wm-sqlite-lease-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Every store opened here is another connection to one file, as two agents sharing it would be.
const file = join(dir, 'monitor.db');

engineLeaseContract({
  name: 'SQLite (one file, a connection per agent)',
  makeLeases: async () => {
    const store = createSqliteStore({ path: file });
    await store.migrate();
    return store;
  },
  test: { describe, it, expect },
});
