import { type Logger, type SessionEngineLeaseStore, StoreError, silentLogger } from '@website-monitor/core';
import { createSqlStore, type Database, describeError, type SqlStore } from '@website-monitor/sql-store';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { LeaseConnection } from '../engine-lease/lease-session.js';
import { createPostgresEngineLeases } from '../engine-lease/postgres-engine-leases.js';
import { connectionStringPassword, redactConnectionString } from '../redact/redact-connection-string.js';

/** The database to use (a pool or a connection string) and for which host. */
export interface CreatePostgresStoreOptions {
  /** A pool you built; the store uses it and leaves it open on `close()` (it is yours to end). */
  readonly pool?: pg.Pool;
  /** `postgres://user:pass@host:5432/db`; the store builds and owns a pool. */
  readonly connectionString?: string;
  /** This agent's host name: retention only removes this host's rows. */
  readonly host?: string;
  /** Logs lost and regained connections (passwords hidden); silent by default. */
  readonly logger?: Logger;
  /** How long to wait for a connection before a write fails (and can be spooled), in ms. Default 5000. */
  readonly connectTimeoutMs?: number;
  /** Connections in the pool the store builds. Default 10. */
  readonly maxConnections?: number;
  /**
   * At most how often (ms, default 10,000) a write also rolls older minutes into the per-minute
   * rollups summaries read (see `@website-monitor/sql-store`); 0 after every write.
   */
  readonly healthRollupIntervalMs?: number;
}

/**
 * The Store, plus engine leases (one agent acts per Docker engine) for every agent sharing the
 * database: session-level advisory locks, dropped by the server the moment their holder's
 * connection ends (see `createPostgresEngineLeases`).
 */
export type PostgresStore = SqlStore & SessionEngineLeaseStore;

/**
 * The PostgreSQL Store (kysely + pg). Call `migrate()` before the first write: it creates or
 * upgrades the schema under kysely's migration lock (a PostgreSQL advisory lock held for the
 * whole run, with the migrations in one transaction), so agents starting together take turns.
 *
 * @example
 * ```ts
 * import { WebsiteMonitorAgent } from '@website-monitor/core';
 * import { createPostgresStore } from '@website-monitor/postgres-store';
 *
 * const store = createPostgresStore({ connectionString: process.env.DATABASE_URL, host: 'web-1' });
 * await store.migrate();
 * const agent = new WebsiteMonitorAgent({ config, runtime, store, host: 'web-1' });
 * ```
 */
export function createPostgresStore(options: CreatePostgresStoreOptions): PostgresStore {
  const logger = options.logger ?? silentLogger;
  const secret =
    options.connectionString === undefined ? undefined : connectionStringPassword(options.connectionString);
  const redact = (text: string): string => {
    const redacted = redactConnectionString(text);
    // A password too short to search for safely is still caught by the URL pattern above.
    return secret !== undefined && secret.length >= 4 ? redacted.split(secret).join('***') : redacted;
  };

  if (
    options.pool === undefined &&
    (options.connectionString === undefined || options.connectionString === '')
  ) {
    throw new StoreError(
      'createPostgresStore needs a `pool` or a `connectionString` (postgres://user@host:5432/db)',
    );
  }
  const ownsPool = options.pool === undefined;
  const pool =
    options.pool ??
    new pg.Pool({
      connectionString: options.connectionString,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      max: options.maxConnections ?? 10,
      application_name: 'website-monitor',
    });
  // An idle client whose server went away emits 'error' on the pool; unheard, it ends the process.
  // The next query reconnects, so a log line is all it deserves.
  pool.on('error', (error) => {
    logger.log('warn', 'store_connection_lost', { store: 'PostgreSQL', error: redact(describeError(error)) });
  });
  // A client checked out when the server goes away emits 'error' on the client itself, not on the
  // pool; the query in flight fails on its own, so the event only needs a listener and a log line.
  pool.on('connect', (client) => {
    client.on('error', (error) => {
      logger.log('warn', 'store_connection_lost', {
        store: 'PostgreSQL',
        error: redact(describeError(error)),
      });
    });
  });

  // Each engine lease lives in a session of its own, off the pool: a pooled connection is shared
  // and recycled, and its end would not mean the end of the lease.
  const connectLeaseSession = async (): Promise<LeaseConnection> => {
    if (options.pool !== undefined) {
      const client = await options.pool.connect();
      return { client, close: async () => client.release(true) };
    }
    const client = new pg.Client({
      connectionString: options.connectionString,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      keepAlive: true,
    });
    // The session hears the error itself; this only keeps an unheard 'error' from ending the process.
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    return { client, close: () => client.end() };
  };
  const leases = createPostgresEngineLeases({
    connect: connectLeaseSession,
    query: async (text, values) => (await pool.query(text, [...values])).rows,
    redact,
  });

  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const store = createSqlStore({
    db,
    dialect: 'postgres',
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.healthRollupIntervalMs !== undefined
      ? { healthRollupIntervalMs: options.healthRollupIntervalMs }
      : {}),
    logger,
    redact,
    // Leases first: their sessions end, so their locks are free for a standby at once. kysely's
    // destroy() ends the pool: only do that to a pool we built.
    onClose: async () => {
      await leases.close();
      if (ownsPool) await db.destroy();
    },
  });
  const { close: _leasesClose, ...leaseMethods } = leases;
  return Object.assign(store, leaseMethods);
}
