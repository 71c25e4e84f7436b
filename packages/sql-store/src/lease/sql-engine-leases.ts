import type {
  EngineLeaseAnswer,
  EngineLeaseHolder,
  EngineLeaseRecord,
  EngineLeaseStore,
} from '@website-monitor/core';
import { checkEngineLeaseTtl } from '@website-monitor/core/internal';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../database/database.js';
import type { SqlDialectName } from '../dialect/sql-dialect.js';
import { toStoreError } from '../store/store-failure.js';

/** A `monitor_engine_leases` row as the driver returns it: pg gives `bigint` columns as strings. */
export interface EngineLeaseRow {
  readonly engine_id: string;
  readonly holder_id: string;
  readonly holder_host: string;
  readonly holder_pid: number | string;
  readonly holder_started_at: number | string;
  readonly holder_store: string | null;
  readonly term: number | string;
  readonly acquired_at: number | string;
  readonly renewed_at: number | string;
  readonly expires_at: number | string;
}

/** The database the leases are kept in (the store's own, migrated). */
export interface CreateSqlEngineLeasesOptions {
  /** Your kysely instance over the store's database. */
  readonly db: Kysely<Database>;
  /** Which SQL the database speaks. */
  readonly dialect: SqlDialectName;
  /** Removes secrets from error messages. */
  readonly redact?: (text: string) => string;
}

/**
 * The database's clock in ms since the epoch: expiry is judged by one clock however many
 * machines' agents share the database. Both forms read the same instant however often one
 * statement uses them (PostgreSQL's `now()` is the transaction's start, and each lease
 * statement is its own transaction; SQLite's 'now' is fixed for one step).
 */
function databaseNowMs(dialect: SqlDialectName): RawBuilder<number> {
  return dialect === 'postgres'
    ? sql<number>`(floor(extract(epoch from now()) * 1000))::bigint`
    : // julianday('now') carries milliseconds; 2440587.5 is the Julian day of 1970-01-01.
      sql<number>`cast(round((julianday('now') - 2440587.5) * 86400000) as integer)`;
}

/**
 * The lease a row records.
 *
 * @example
 * ```ts
 * import { engineLeaseFromRow } from '@website-monitor/sql-store';
 *
 * const { rows } = await pool.query('SELECT * FROM monitor_engine_leases WHERE engine_id = $1', [engineId]);
 * const lease = rows[0] === undefined ? undefined : engineLeaseFromRow(rows[0]);
 * ```
 */
export function engineLeaseFromRow(row: EngineLeaseRow): EngineLeaseRecord {
  const holder: EngineLeaseHolder = {
    id: row.holder_id,
    hostName: row.holder_host,
    pid: Number(row.holder_pid),
    startedAt: Number(row.holder_started_at),
    ...(row.holder_store === null ? {} : { store: row.holder_store }),
  };
  return {
    engineId: row.engine_id,
    holder,
    term: Number(row.term),
    acquiredAt: Number(row.acquired_at),
    renewedAt: Number(row.renewed_at),
    expiresAt: Number(row.expires_at),
  };
}

/**
 * Engine leases in `monitor_engine_leases` (migration 0003), for PostgreSQL and SQLite alike.
 * Taking a lease is one `INSERT ... ON CONFLICT DO UPDATE ... WHERE` (the lease is expired or
 * already ours), so two agents racing for it are decided by the database: PostgreSQL locks the
 * row and evaluates the condition on its latest version, SQLite serialises the writers.
 *
 * @example
 * ```ts
 * import { createSqlEngineLeases, createSqlStore } from '@website-monitor/sql-store';
 *
 * const store = createSqlStore({ db, dialect: 'postgres' });
 * await store.migrate();
 * const leases = createSqlEngineLeases({ db, dialect: 'postgres' });
 * const answer = await leases.acquireEngineLease({ engineId, holder, ttlMs: 30_000 });
 * ```
 */
export function createSqlEngineLeases(options: CreateSqlEngineLeasesOptions): EngineLeaseStore {
  const { db, dialect } = options;
  const label = dialect === 'postgres' ? 'PostgreSQL' : 'SQLite';
  const redact = options.redact ?? ((text: string) => text);
  const now = databaseNowMs(dialect);

  async function run<T>(operation: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toStoreError(label, operation, error, redact);
    }
  }

  async function read(engineId: string): Promise<EngineLeaseRecord | undefined> {
    const { rows } = await sql<EngineLeaseRow>`
      SELECT * FROM monitor_engine_leases WHERE engine_id = ${engineId}`.execute(db);
    return rows[0] === undefined ? undefined : engineLeaseFromRow(rows[0]);
  }

  return {
    async acquireEngineLease({ engineId, holder, ttlMs, supersedes }): Promise<EngineLeaseAnswer> {
      checkEngineLeaseTtl(ttlMs);
      return run('acquireEngineLease', async () => {
        const { rows } = await sql<EngineLeaseRow>`
          INSERT INTO monitor_engine_leases AS lease
            (engine_id, holder_id, holder_host, holder_pid, holder_started_at, holder_store,
             term, acquired_at, renewed_at, expires_at)
          VALUES (${engineId}, ${holder.id}, ${holder.hostName}, ${holder.pid}, ${holder.startedAt},
                  ${holder.store ?? null}, 1, ${now}, ${now}, ${now} + ${ttlMs})
          ON CONFLICT (engine_id) DO UPDATE SET
            term = CASE WHEN lease.holder_id = excluded.holder_id THEN lease.term ELSE lease.term + 1 END,
            acquired_at = CASE WHEN lease.holder_id = excluded.holder_id
                               THEN lease.acquired_at ELSE excluded.acquired_at END,
            holder_id = excluded.holder_id,
            holder_host = excluded.holder_host,
            holder_pid = excluded.holder_pid,
            holder_started_at = excluded.holder_started_at,
            holder_store = excluded.holder_store,
            renewed_at = excluded.renewed_at,
            expires_at = excluded.expires_at
          WHERE lease.holder_id = excluded.holder_id
             OR lease.expires_at <= excluded.renewed_at
             OR lease.holder_id = ${supersedes ?? null}
          RETURNING *`.execute(db);
        if (rows[0] !== undefined) return { held: true, lease: engineLeaseFromRow(rows[0]) };
        return { held: false, heldBy: await read(engineId) };
      });
    },

    async renewEngineLease({ engineId, holderId, ttlMs }): Promise<EngineLeaseAnswer> {
      checkEngineLeaseTtl(ttlMs);
      return run('renewEngineLease', async () => {
        // Only ever the holder's own row: a lease someone else took is lost, not taken back.
        const { rows } = await sql<EngineLeaseRow>`
          UPDATE monitor_engine_leases
          SET renewed_at = ${now}, expires_at = ${now} + ${ttlMs}
          WHERE engine_id = ${engineId} AND holder_id = ${holderId}
          RETURNING *`.execute(db);
        if (rows[0] !== undefined) return { held: true, lease: engineLeaseFromRow(rows[0]) };
        return { held: false, heldBy: await read(engineId) };
      });
    },

    async releaseEngineLease({ engineId, holderId }): Promise<void> {
      await run('releaseEngineLease', async () => {
        // Expired rather than deleted, so the next holder's term still counts up.
        await sql`
          UPDATE monitor_engine_leases SET expires_at = ${now}
          WHERE engine_id = ${engineId} AND holder_id = ${holderId}`.execute(db);
      });
    },

    async readEngineLease({ engineId }): Promise<EngineLeaseRecord | undefined> {
      return run('readEngineLease', () => read(engineId));
    },
  };
}
