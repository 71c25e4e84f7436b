import { createHash } from 'node:crypto';

/** A PostgreSQL advisory lock key (a `bigint`), and how `pg_locks` shows it. */
export interface AdvisoryLockKey {
  /** The key as SQL takes it: a decimal `bigint` (as text, so no precision is lost in JavaScript). */
  readonly key: string;
  /** `pg_locks.classid`: the key's high 32 bits. */
  readonly classId: string;
  /** `pg_locks.objid`: the key's low 32 bits (`objsubid` is 1 for a bigint key). */
  readonly objId: string;
}

/** The advisory locks one engine's lease uses in a database. */
export interface EngineLeaseKeys {
  /** Held exclusively, session-level, by the agent acting on the engine. */
  readonly lock: AdvisoryLockKey;
  /** Held shared, session-level, by each standby waiting for it (so the holder can count them). */
  readonly standby: AdvisoryLockKey;
  /** Taken per transaction around every take of the lease, so the lock and its row change together. */
  readonly mutex: AdvisoryLockKey;
}

/**
 * A key from the SHA-256 of a name: 63 bits, never negative, so `pg_locks` shows it as two plain
 * halves. A website-monitor prefix keeps it apart from other programs' advisory locks in the
 * same database (kysely's migration lock among them); 63 bits make two engines' keys collide
 * with a chance of about one in 10^18 per pair.
 */
function advisoryKey(name: string): AdvisoryLockKey {
  const digest = createHash('sha256').update(name, 'utf8').digest();
  const key = digest.readBigUInt64BE(0) & 0x7fff_ffff_ffff_ffffn;
  return { key: key.toString(), classId: (key >> 32n).toString(), objId: (key & 0xffff_ffffn).toString() };
}

/**
 * The advisory lock keys for an engine's lease, derived from its `docker info` ID, so every
 * agent sharing the database finds the same ones. For a person looking at `pg_locks`:
 *
 * ```sql
 * SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND mode = 'ExclusiveLock'
 *   AND classid = <lock.classId> AND objid = <lock.objId> AND objsubid = 1;
 * ```
 *
 * @example
 * ```ts
 * import { engineLeaseKeys } from '@website-monitor/postgres-store';
 *
 * const { lock } = engineLeaseKeys(dockerInfo.ID);
 * const { rows } = await pool.query(
 *   "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1::bigint::oid AND objid = $2::bigint::oid AND objsubid = 1",
 *   [lock.classId, lock.objId],
 * );
 * ```
 */
export function engineLeaseKeys(engineId: string): EngineLeaseKeys {
  return {
    lock: advisoryKey(`website-monitor engine lease\u0000${engineId}`),
    standby: advisoryKey(`website-monitor engine standby\u0000${engineId}`),
    mutex: advisoryKey(`website-monitor engine lease mutex\u0000${engineId}`),
  };
}
