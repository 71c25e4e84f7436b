import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeContract } from '@website-monitor/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'wm-sqlite-contract-'));
let files = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeContract({
  name: 'SQLite (temp file)',
  makeStore: async () => {
    const store = createSqliteStore({ path: join(dir, `store-${files++}.db`) });
    await store.migrate();
    return store;
  },
  test: { describe, it, expect },
});

// Rolling after every write: minutes pass through the watermark between the contract's writes.
storeContract({
  name: 'SQLite (temp file, rollups rolled after every write)',
  makeStore: async () => {
    const store = createSqliteStore({ path: join(dir, `store-${files++}.db`), healthRollupIntervalMs: 0 });
    await store.migrate();
    return store;
  },
  test: { describe, it, expect },
});
