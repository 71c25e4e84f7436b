import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, flushMicrotasks, MemoryLogger } from '@website-monitor/core/testing';
import { describe, expect, it } from 'vitest';
import { openAgentStore } from './agent-store.js';
import { DatabaseUnavailableError } from './database-failure.js';
import { fakeStoreFactories } from './fake-store-factories.js';
import type { StoreSelection } from './store-selection.js';

const url = 'postgres://wm:hunter22@127.0.0.1:5432/monitor';
const postgres: StoreSelection = {
  kind: 'postgres',
  url,
  source: 'DATABASE_URL',
  spoolPath: join(mkdtempSync(join(tmpdir(), 'wm-agent-store-')), 'spool.db'),
  spoolMaxBytes: 1024 * 1024,
};

function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
}

function setup() {
  const fakes = fakeStoreFactories();
  const clock = new FakeClock();
  const logger = new MemoryLogger();
  const said: string[] = [];
  return { fakes, clock, logger, said, host: 'agent-a', say: (line: string) => said.push(line) };
}

describe('openAgentStore: PostgreSQL', () => {
  it('wraps the store in the spool and migrates before the agent starts', async () => {
    const { fakes, clock, logger, say, said, host } = setup();
    const opened = await openAgentStore({
      selection: postgres,
      factories: fakes.factories,
      logger,
      host,
      clock,
      say,
    });
    await opened.migrated;
    expect(fakes.opened).toEqual([
      { kind: 'postgres', target: url, host: 'agent-a' },
      { kind: 'spool', target: postgres.spoolPath, maxBytes: 1024 * 1024 },
    ]);
    expect(fakes.migrations.get(url)).toBe(1);
    expect(opened.where).toBe('postgres://wm:***@127.0.0.1:5432/monitor');
    expect(said).toEqual([]);
    expect(logger.find('store_opened')[0]?.fields).toMatchObject({ kind: 'postgres', url: opened.where });
    await opened.close();
    // The spool owns the PostgreSQL store: closing it closes both.
    expect(fakes.closed).toEqual([postgres.spoolPath, url]);
  });

  it('starts with the database down, spools writes, retries the migration and replays once it answers', async () => {
    const { fakes, clock, logger, say, said, host } = setup();
    fakes.failMigrations(url, [refused(), refused()]);
    fakes.setUnreachable(url, refused());

    const opened = await openAgentStore({
      selection: postgres,
      factories: fakes.factories,
      logger,
      host,
      clock,
      say,
      random: () => 0.5,
    });
    // The agent may start now; a write while the database is away is kept by the spool.
    expect(fakes.migrations.get(url)).toBe(1);
    expect(said).toEqual([
      `website-monitor: cannot reach the database at postgres://wm:***@127.0.0.1:5432/monitor: connect ECONNREFUSED 127.0.0.1:5432; writes are spooled to ${postgres.spoolPath} and the migration is retried with backoff (the agent keeps running)\n`,
    ]);
    await opened.store.saveIncident({ incident: incident('i-1') });
    expect(await fakes.databases.get(url)?.listIncidents({})).toEqual([]);

    await clock.advance(1_000);
    await flushMicrotasks();
    expect(fakes.migrations.get(url)).toBe(2);
    expect(logger.find('database_unavailable').map((entry) => entry.level)).toEqual(['error', 'warn']);

    fakes.setUnreachable(url, undefined);
    await clock.advance(2_000);
    await opened.migrated;
    expect(fakes.migrations.get(url)).toBe(3);
    expect(fakes.flushes).toEqual([postgres.spoolPath]);
    expect((await opened.store.listIncidents({})).map((row) => row.id)).toEqual(['i-1']);
    expect(said.at(-1)).toBe(
      'website-monitor: the database at postgres://wm:***@127.0.0.1:5432/monitor answers again; replaying the spool\n',
    );
    expect(JSON.stringify([said, logger.entries])).not.toContain('hunter22');
    await opened.close();
  });

  it('stops retrying once closed', async () => {
    const { fakes, clock, logger, say, host } = setup();
    fakes.failMigrations(url, [refused(), refused(), refused()]);
    const opened = await openAgentStore({
      selection: postgres,
      factories: fakes.factories,
      logger,
      host,
      clock,
      say,
    });
    await opened.close();
    await clock.advance(120_000);
    await opened.migrated;
    expect(fakes.migrations.get(url)).toBe(1);
  });

  it('does not wait forever for a database that never answers', async () => {
    const { fakes, clock, logger, say, said, host } = setup();
    fakes.hangMigrations(url);
    const opening = openAgentStore({
      selection: postgres,
      factories: fakes.factories,
      logger,
      host,
      clock,
      say,
      startWaitMs: 5_000,
    });
    // Other timers (the spool's retry loop) may be asleep too, and the wait starts only once the
    // spool is open: step time forward until the open gives up waiting (never before 5 s).
    let settled = false;
    void opening.then(() => {
      settled = true;
    });
    const startedAt = clock.now();
    const realDeadline = Date.now() + 10_000;
    while (!settled && Date.now() < realDeadline) {
      await clock.advance(500);
      // Opening the spool file is real I/O: give it real time before moving the clock again.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(settled).toBe(true);
    expect(clock.now() - startedAt).toBeGreaterThanOrEqual(5_000);
    const opened = await opening;
    expect(said[0]).toMatch(/has not answered within 5 s; starting anyway, writes are spooled to /);
    await opened.close();
  });
});

describe('openAgentStore: SQLite', () => {
  it('creates and migrates the file before the agent starts', async () => {
    const { fakes, clock, logger, say, host } = setup();
    const path = join(mkdtempSync(join(tmpdir(), 'wm-agent-sqlite-')), 'nested', 'monitor.db');
    const opened = await openAgentStore({
      selection: { kind: 'sqlite', path },
      factories: fakes.factories,
      logger,
      host,
      clock,
      say,
    });
    expect(fakes.migrations.get(path)).toBe(1);
    expect(fakes.opened.map((entry) => entry.kind)).toEqual(['sqlite']);
    await opened.close();
  });

  it('stops with one line when the file cannot be created', async () => {
    const { fakes, clock, logger, say, host } = setup();
    const blocker = join(mkdtempSync(join(tmpdir(), 'wm-agent-sqlite-')), 'a-file');
    writeFileSync(blocker, '');
    const error = await openAgentStore({
      selection: { kind: 'sqlite', path: join(blocker, 'monitor.db') },
      factories: fakes.factories,
      logger,
      host,
      clock,
      say,
    }).catch((caught: unknown) => caught);
    expect(DatabaseUnavailableError.is(error)).toBe(true);
    expect((error as Error).message).toMatch(/^cannot reach the database at .+a-file\/monitor\.db: EEXIST/);
  });
});

function incident(id: string) {
  return {
    id,
    host: 'local',
    containerId: 'c1',
    containerName: 'web',
    trigger: 'container_stopped' as const,
    problems: [],
    status: 'open' as const,
    openedAt: 1,
    updatedAt: 1,
    resolvedAt: null,
    exitCode: 1,
    oomKilled: false,
    diagnosis: null,
    actionsTaken: [],
    autoHealed: false,
    escalationReason: null,
  };
}
