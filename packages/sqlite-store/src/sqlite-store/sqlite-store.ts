import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { EngineLeaseStore, Logger } from '@website-monitor/core';
import {
  createSqlEngineLeases,
  createSqlStore,
  type Database,
  type SqlStore,
} from '@website-monitor/sql-store';
import { Kysely } from 'kysely';
import { loadNodeSqlite } from '../node-sqlite/load-node-sqlite.js';
import { nodeSqliteDatabase } from '../node-sqlite/node-sqlite-database.js';
import { NodeSqliteDialect } from '../node-sqlite/node-sqlite-dialect.js';

/** Which file the SQLite store keeps, and for which host. Only `path` is required. */
export interface CreateSqliteStoreOptions {
  /** The database file; its directory is created if missing. `:memory:` for a throwaway store. */
  readonly path: string;
  /** This agent's host name: retention only removes this host's rows. */
  readonly host?: string;
  /** Logs slow or failed statements; silent by default. */
  readonly logger?: Logger;
  /** How long a write waits for another process's write lock, in ms (default 5000). */
  readonly busyTimeoutMs?: number;
  /**
   * At most how often (ms, default 10,000) a write also rolls older minutes into the per-minute
   * rollups summaries read (see `@website-monitor/sql-store`); 0 after every write.
   */
  readonly healthRollupIntervalMs?: number;
}

/** The Store, plus engine leases (one agent acts per Docker engine) kept in the same file. */
export type SqliteStore = SqlStore & EngineLeaseStore;

/**
 * The embedded Store: one SQLite file through Node's built-in `node:sqlite` (no native build),
 * in WAL mode so readers (the CLI, the API) never wait for the agent's writes. The file is
 * opened on first use; call `migrate()` before the first write.
 *
 * @example
 * ```ts
 * import { WebsiteMonitorAgent } from '@website-monitor/core';
 * import { createSqliteStore } from '@website-monitor/sqlite-store';
 *
 * const store = createSqliteStore({ path: './.website-monitor/monitor.db', host: 'web-1' });
 * await store.migrate();
 * const agent = new WebsiteMonitorAgent({ config, runtime, store, host: 'web-1' });
 * ```
 */
export function createSqliteStore(options: CreateSqliteStoreOptions): SqliteStore {
  const file = options.path === ':memory:' ? ':memory:' : resolve(options.path);
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const dialect = new NodeSqliteDialect({
    file: file === ':memory:' ? `:memory:${Math.random()}` : file,
    database: async () => {
      const { DatabaseSync } = await loadNodeSqlite();
      if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
      const database = new DatabaseSync(file);
      // The busy timeout first: switching to WAL needs a lock another process may hold.
      database.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
      database.exec('PRAGMA journal_mode = WAL');
      // NORMAL is durable against application crashes in WAL mode and far faster than FULL.
      database.exec('PRAGMA synchronous = NORMAL');
      return nodeSqliteDatabase(database);
    },
  });
  const db = new Kysely<Database>({ dialect });
  const store = createSqlStore({
    db,
    dialect: 'sqlite',
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.healthRollupIntervalMs !== undefined
      ? { healthRollupIntervalMs: options.healthRollupIntervalMs }
      : {}),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
  // Agents sharing this file (on one host or a shared volume) meet at its lease table.
  return Object.assign(store, createSqlEngineLeases({ db, dialect: 'sqlite' }));
}
