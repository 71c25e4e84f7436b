import type {
  EngineLeaseAnswer,
  EngineLeaseHolder,
  EngineLeaseRecord,
  SessionEngineLeaseStore,
} from '@website-monitor/core';
import { StoreError } from '@website-monitor/core';
import { checkEngineLeaseTtl } from '@website-monitor/core/internal';
import { type EngineLeaseRow, engineLeaseFromRow } from '@website-monitor/sql-store';
import type pg from 'pg';
import { type EngineLeaseKeys, engineLeaseKeys } from './engine-lease-keys.js';
import { engineLeaseValidForMs, type LeaseConnection, LeaseSession } from './lease-session.js';

/** Where the leases connect, and how long each step may take. */
export interface CreatePostgresEngineLeasesOptions {
  /** Opens a connection of the leases' own: one per engine and holder, kept while held or waited for. */
  readonly connect: () => Promise<LeaseConnection>;
  /**
   * Statements that need no session (reading a lease, expiring the row of a holder whose session
   * is gone): the store's pool.
   */
  readonly query: <Row extends pg.QueryResultRow>(text: string, values: readonly unknown[]) => Promise<Row[]>;
  /** Removes secrets from error messages. */
  readonly redact?: (text: string) => string;
  /** How long a renewal (the holder's verification) may take before the session is given up. Default 1500. */
  readonly verifyTimeoutMs?: number;
  /** How long connecting and taking the lease may take. Default 5000. */
  readonly acquireTimeoutMs?: number;
  /** How soon a standby's mark is tried again while the database cannot be reached. Default 2000. */
  readonly standbyRetryMs?: number;
}

/** The leases, plus `close()`: ends every session (and so lets go of every lock) this process holds. */
export type PostgresEngineLeases = SessionEngineLeaseStore & { close(): Promise<void> };

/** The database's clock in ms since the epoch (the transaction's start), as the record's times are. */
const nowMs = '(floor(extract(epoch from now()) * 1000))::bigint';

/** This database's advisory locks of one key, as `pg_locks` lists them (`$n` are classid and objid). */
const advisoryLocks = (classId: string, objId: string, mode: 'ExclusiveLock' | 'ShareLock') => `
  SELECT 1 FROM pg_locks
  WHERE locktype = 'advisory' AND granted AND mode = '${mode}' AND objsubid = 1
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND classid::int8 = ${classId} AND objid::int8 = ${objId}`;

const takeRecord = `
  INSERT INTO monitor_engine_leases AS lease
    (engine_id, holder_id, holder_host, holder_pid, holder_started_at, holder_store,
     term, acquired_at, renewed_at, expires_at)
  VALUES ($1, $2, $3, $4, $5, $6, 1, ${nowMs}, ${nowMs}, ${nowMs} + $7)
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
  RETURNING *`;

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A lease held through a session has no expiry: it lasts while its holder's connection does. */
function sessionLease(row: EngineLeaseRow): EngineLeaseRecord {
  return { ...engineLeaseFromRow(row), expiresAt: null };
}

/**
 * Engine leases held through PostgreSQL session-level advisory locks (issue 12, item 2): the
 * agent acting on an engine holds `pg_try_advisory_lock(<key of the engine ID>)` on a connection
 * of its own, and the server lets go of it the moment that connection ends: the holder stopped,
 * was SIGKILLed, its host froze past the TCP keepalive (about 6 s), or someone ran
 * `pg_terminate_backend` on it. A standby polling for the lock takes over at once, with no
 * expiry to wait out.
 *
 * The row in `monitor_engine_leases` is kept beside the lock, written under it: who holds the
 * engine (for the message a refused agent prints) and the `term`, which counts changes of holder.
 * Every take of the lease runs in a transaction holding a per-engine mutex (a transaction-level
 * advisory lock), so the lock and its row change together and a refused agent always reads the
 * row of the holder that refused it.
 *
 * The holder's renewal verifies, on the lock's own connection, that the lock is still held
 * (`pg_locks`), renews the row, and counts the standbys waiting (each holds a shared advisory
 * lock on a second key while it waits), so the holder knows whether to stop acting when it loses
 * the connection. A renewal with no answer within `verifyTimeoutMs` ends the session.
 *
 * @example
 * ```ts
 * import { createPostgresStore } from '@website-monitor/postgres-store';
 *
 * const store = createPostgresStore({ connectionString: process.env.DATABASE_URL });
 * await store.migrate();
 * const answer = await store.engineLeases.acquireEngineLease({ engineId, holder, ttlMs: 6_000 });
 * ```
 */
export function createPostgresEngineLeases(options: CreatePostgresEngineLeasesOptions): PostgresEngineLeases {
  const redact = options.redact ?? ((text: string) => text);
  const verifyTimeoutMs = options.verifyTimeoutMs ?? 1_500;
  const acquireTimeoutMs = options.acquireTimeoutMs ?? 5_000;
  const standbyRetryMs = options.standbyRetryMs ?? 2_000;
  /** `engineId \0 holderId` -> its session. */
  const sessions = new Map<string, LeaseSession>();
  /** engineId -> standbys waiting, as a renewal last counted them. */
  const standbyCounts = new Map<string, number>();
  const presences = new Set<{ release(): Promise<void> }>();
  let closed = false;

  const sessionKey = (engineId: string, holderId: string) => `${engineId}\u0000${holderId}`;

  async function run<T>(operation: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (StoreError.isInstance(error)) throw error;
      throw new StoreError(`PostgreSQL ${operation} failed: ${redact(describeError(error))}`, {
        cause: error,
      });
    }
  }

  async function sessionFor(engineId: string, holderId: string): Promise<LeaseSession> {
    if (closed) throw new StoreError('the PostgreSQL engine leases are closed');
    const key = sessionKey(engineId, holderId);
    const existing = sessions.get(key);
    if (existing !== undefined && existing.ended === undefined) return existing;
    const session = await LeaseSession.open(options.connect, acquireTimeoutMs, 'lease');
    if (closed) {
      await session.close();
      throw new StoreError('the PostgreSQL engine leases are closed');
    }
    sessions.set(key, session);
    return session;
  }

  async function readRecord(engineId: string, keys: EngineLeaseKeys): Promise<EngineLeaseRecord | undefined> {
    const [row] = await options.query<EngineLeaseRow & { lock_held: boolean }>(
      `SELECT lease.*, EXISTS (${advisoryLocks(keys.lock.classId, keys.lock.objId, 'ExclusiveLock')}) AS lock_held
       FROM monitor_engine_leases AS lease WHERE engine_id = $1`,
      [engineId],
    );
    if (row === undefined) return undefined;
    // Nobody holds the lock: the row is history (its holder stopped, or its session ended).
    return row.lock_held ? sessionLease(row) : engineLeaseFromRow(row);
  }

  /** Takes the lock on `session` if free, and writes the row under it; or reads who holds it. */
  async function take(
    session: LeaseSession,
    engineId: string,
    holder: EngineLeaseHolder,
    ttlMs: number,
  ): Promise<EngineLeaseAnswer> {
    const keys = engineLeaseKeys(engineId);
    const statement = <Row extends pg.QueryResultRow>(text: string, values: readonly unknown[] = []) =>
      session.query<Row>(text, values, acquireTimeoutMs);
    await statement('BEGIN');
    let tookLock = false;
    try {
      // Whoever takes the lease next waits here until this transaction has written its row.
      await statement('SELECT pg_advisory_xact_lock($1::bigint)', [keys.mutex.key]);
      if (!session.locked) {
        const [row] = await statement<{ locked: boolean }>(
          'SELECT pg_try_advisory_lock($1::bigint) AS locked',
          [keys.lock.key],
        );
        tookLock = row?.locked === true;
        session.locked = tookLock;
      }
      if (!session.locked) {
        const [row] = await statement<EngineLeaseRow>(
          'SELECT * FROM monitor_engine_leases WHERE engine_id = $1',
          [engineId],
        );
        await statement('COMMIT');
        return { held: false, heldBy: row === undefined ? undefined : sessionLease(row) };
      }
      // Under the mutex, so nobody changes the row between this read and the write.
      const [previousRow] = await statement<{ holder_id: string }>(
        'SELECT holder_id FROM monitor_engine_leases WHERE engine_id = $1',
        [engineId],
      );
      const [row] = await statement<EngineLeaseRow>(takeRecord, [
        engineId,
        holder.id,
        holder.hostName,
        holder.pid,
        holder.startedAt,
        holder.store ?? null,
        ttlMs,
      ]);
      await statement('COMMIT');
      if (row === undefined) throw new Error('the lease row was not written');
      const lease = sessionLease(row);
      const previous = previousRow?.holder_id;
      return previous !== undefined && previous !== holder.id
        ? { held: true, lease, previousHolderId: previous }
        : { held: true, lease };
    } catch (error) {
      if (session.ended === undefined) {
        await statement('ROLLBACK').catch(() => {});
        // A session-level lock outlives the rolled-back transaction that took it: let go of it.
        if (tookLock) {
          await statement('SELECT pg_advisory_unlock($1::bigint)', [keys.lock.key]).catch(() => {});
          session.locked = false;
        }
      }
      throw error;
    }
  }

  const leases: PostgresEngineLeases = {
    async acquireEngineLease({ engineId, holder, ttlMs }): Promise<EngineLeaseAnswer> {
      checkEngineLeaseTtl(ttlMs);
      return run('acquireEngineLease', async () => {
        const session = await sessionFor(engineId, holder.id);
        return take(session, engineId, holder, ttlMs);
      });
    },

    async renewEngineLease({ engineId, holderId, ttlMs }): Promise<EngineLeaseAnswer> {
      checkEngineLeaseTtl(ttlMs);
      const keys = engineLeaseKeys(engineId);
      return run('renewEngineLease', async () => {
        const session = sessions.get(sessionKey(engineId, holderId));
        if (session === undefined || (session.ended === undefined && !session.locked)) {
          // Never held here (or let go): whoever holds it now, if anyone.
          const heldBy = await readRecord(engineId, keys);
          return { held: false, heldBy: heldBy?.expiresAt === null ? heldBy : undefined };
        }
        if (session.ended !== undefined) throw new Error(`the lease connection ended: ${session.ended}`);
        const [row] = await session.query<Partial<EngineLeaseRow> & { lock_held: boolean; standbys: number }>(
          `WITH lock AS (
             SELECT EXISTS (${advisoryLocks(keys.lock.classId, keys.lock.objId, 'ExclusiveLock')}
                            AND pid = pg_backend_pid()) AS held
           ), renewed AS (
             UPDATE monitor_engine_leases SET renewed_at = ${nowMs}, expires_at = ${nowMs} + $3
             WHERE engine_id = $1 AND holder_id = $2 AND (SELECT held FROM lock)
             RETURNING *
           )
           SELECT lock.held AS lock_held,
                  (SELECT count(*) FROM (${advisoryLocks(keys.standby.classId, keys.standby.objId, 'ShareLock')}) AS waiting)::int AS standbys,
                  renewed.*
           FROM lock LEFT JOIN renewed ON true`,
          [engineId, holderId, ttlMs],
          verifyTimeoutMs,
        );
        standbyCounts.set(engineId, row?.standbys ?? 0);
        if (row?.lock_held !== true) session.locked = false;
        if (row?.lock_held === true && row.engine_id !== undefined && row.engine_id !== null) {
          return { held: true, lease: sessionLease(row as EngineLeaseRow) };
        }
        // The lock is gone, or the row names someone else (an agent that does not use the lock):
        // either way this holder must stop.
        const heldBy = await readRecord(engineId, keys);
        return { held: false, heldBy: heldBy?.holder.id === holderId ? undefined : heldBy };
      });
    },

    async releaseEngineLease({ engineId, holderId }): Promise<void> {
      const keys = engineLeaseKeys(engineId);
      await run('releaseEngineLease', async () => {
        const key = sessionKey(engineId, holderId);
        const session = sessions.get(key);
        sessions.delete(key);
        if (session !== undefined) {
          if (session.locked && session.ended === undefined) {
            await session
              .query('SELECT pg_advisory_unlock($1::bigint)', [keys.lock.key], verifyTimeoutMs)
              .catch(() => {});
          }
          await session.close();
        }
        // The row says it was let go (kept, so the next holder's term still counts up); a row
        // someone else has taken since is left alone.
        await options.query(
          `UPDATE monitor_engine_leases SET expires_at = LEAST(expires_at, ${nowMs})
           WHERE engine_id = $1 AND holder_id = $2`,
          [engineId, holderId],
        );
      });
    },

    async readEngineLease({ engineId }): Promise<EngineLeaseRecord | undefined> {
      return run('readEngineLease', () => readRecord(engineId, engineLeaseKeys(engineId)));
    },

    onEngineLeaseSessionEnded({ engineId, holderId, listener }): () => void {
      const session = sessions.get(sessionKey(engineId, holderId));
      if (session === undefined) {
        queueMicrotask(() => listener('no connection holds this lease'));
        return () => {};
      }
      return session.onEnded((reason) => listener(redact(reason)));
    },

    announceStandby({ engineId }) {
      const keys = engineLeaseKeys(engineId);
      let released = closed;
      let session: LeaseSession | undefined;
      let retry: NodeJS.Timeout | undefined;
      const again = () => {
        if (released) return;
        retry = setTimeout(() => void mark(), standbyRetryMs);
        retry.unref();
      };
      const mark = async () => {
        if (released) return;
        try {
          session = await LeaseSession.open(options.connect, acquireTimeoutMs, 'standby');
          if (released) {
            await session.close();
            return;
          }
          await session.query(
            'SELECT pg_try_advisory_lock_shared($1::bigint)',
            [keys.standby.key],
            acquireTimeoutMs,
          );
          session.onEnded(again);
        } catch {
          await session?.close();
          again();
        }
      };
      void mark();
      const presence = {
        async release() {
          released = true;
          presences.delete(presence);
          clearTimeout(retry);
          await session?.close();
        },
      };
      presences.add(presence);
      return presence;
    },

    standbysWaiting({ engineId }): number {
      return standbyCounts.get(engineId) ?? 0;
    },

    verifiedLeaseValidForMs: engineLeaseValidForMs,

    async close(): Promise<void> {
      closed = true;
      const open = [...sessions.values()];
      sessions.clear();
      await Promise.all([
        ...open.map((session) => session.close()),
        ...[...presences].map((p) => p.release()),
      ]);
    },
  };
  return leases;
}
