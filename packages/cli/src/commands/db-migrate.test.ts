import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '@website-monitor/sqlite-store';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../io/captured-io.js';
import { runCli } from '../main.js';

describe('website-monitor db migrate: SQLite', () => {
  it('creates the file and its schema, and is safe to run again', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'wm-db-migrate-'));
    const file = join(directory, 'monitor.yaml');
    writeFileSync(file, 'storage:\n  path: state/monitor.db\n');
    const database = join(directory, 'state', 'monitor.db');

    for (let run = 0; run < 2; run++) {
      const io = captureIo();
      expect(await runCli(['db', 'migrate', '--config', file], io)).toBe(0);
      expect(io.out()).toBe(`migrated SQLite database at ${database}\n`);
      expect(io.err()).toBe('');
    }
    expect(existsSync(database)).toBe(true);

    // The schema is there: the store reads and writes without migrating itself.
    const store = createSqliteStore({ path: database });
    try {
      expect(await store.listIncidents({})).toEqual([]);
      expect(await store.pruneHealthSamples({ before: Date.now() })).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('exits 1 with one line naming the redacted URL when PostgreSQL cannot be reached', async () => {
    const io = captureIo({ DATABASE_URL: 'postgresql://wm:hunter22@127.0.0.1:1/monitor' });
    expect(await runCli(['db', 'migrate'], io)).toBe(1);
    expect(io.err()).toMatch(
      /^error: cannot reach the database at postgresql:\/\/wm:\*\*\*@127\.0\.0\.1:1\/monitor: /,
    );
    expect(io.err().trimEnd().split('\n')).toHaveLength(1);
    expect(io.err()).not.toContain('hunter22');
  });
});
