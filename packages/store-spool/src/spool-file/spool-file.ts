import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { StoreError } from '@website-monitor/core';

/**
 * What a spooled row holds. Health samples may be dropped under pressure; the others never.
 * Baselines are learned state: a newer version of one replaces the pending older one.
 */
export type SpoolKind = 'incident' | 'healing_action' | 'approval' | 'baseline' | 'health_sample';
export type MustKeepKind = 'incident' | 'healing_action' | 'approval';
/** The kinds the spool can answer reads for from its own copy. */
export type LocalKind = Exclude<SpoolKind, 'health_sample'>;

/** The fields the spool indexes so reads can filter without parsing every payload. */
export interface SpoolEntry {
  readonly recordId: string;
  readonly host: string;
  readonly containerName: string;
  /** openedAt, startedAt, requestedAt or checkedAt: the time the Store's `since` filters on. */
  readonly at: number;
  /** The record as JSON. */
  readonly payload: string;
}

export interface SpoolRow {
  readonly seq: number;
  readonly kind: SpoolKind;
  readonly payload: string;
  readonly bytes: number;
}

export interface SpoolCounts {
  readonly rows: number;
  readonly bytes: number;
  readonly mustKeepRows: number;
}

/** A version of a record the spool still knows locally, with the sequence of the write that made it. */
export interface LocalVersion {
  readonly seq: number;
  readonly payload: string;
}

export const spoolFormatVersion = 1;

const schema = `
CREATE TABLE IF NOT EXISTS spool_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS spool_rows (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('incident', 'healing_action', 'approval', 'baseline', 'health_sample')),
  record_id TEXT NOT NULL,
  host TEXT NOT NULL,
  container_name TEXT NOT NULL,
  at INTEGER NOT NULL,
  payload TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  spooled_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS spool_rows_kind_seq ON spool_rows (kind, seq);
CREATE TABLE IF NOT EXISTS recent_state (
  kind TEXT NOT NULL CHECK (kind IN ('incident', 'healing_action', 'approval', 'baseline')),
  record_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  keep_until INTEGER,
  payload TEXT NOT NULL,
  PRIMARY KEY (kind, record_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS recent_state_keep_until ON recent_state (keep_until);
`;

/**
 * The spool on disk: one SQLite file (WAL, `synchronous=FULL`, exclusive lock) holding the rows
 * not yet delivered, in write order, and a small table of recent state the agent needs to resume
 * while the database is away. Every method is synchronous: a row is on disk when the call returns.
 */
export class SpoolFile {
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #insertRow: StatementSync;
  readonly #upsertRecent: StatementSync;
  readonly #pruneRecent: StatementSync;
  readonly #head: StatementSync;
  readonly #removeRange: StatementSync;
  readonly #oldestSamples: StatementSync;
  readonly #dropSamples: StatementSync;
  readonly #setMeta: StatementSync;
  readonly #supersede: StatementSync;
  #rows = 0;
  #bytes = 0;
  #mustKeepRows = 0;
  #droppedHealthSamples = 0;
  #closed = false;

  private constructor(path: string, db: DatabaseSync) {
    this.path = path;
    this.#db = db;
    this.#insertRow = db.prepare(
      `INSERT INTO spool_rows (kind, record_id, host, container_name, at, payload, bytes, spooled_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#upsertRecent = db.prepare(
      `INSERT INTO recent_state (kind, record_id, seq, keep_until, payload) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (kind, record_id) DO UPDATE SET
         seq = excluded.seq, keep_until = excluded.keep_until, payload = excluded.payload`,
    );
    this.#pruneRecent = db.prepare(
      'DELETE FROM recent_state WHERE keep_until IS NOT NULL AND keep_until < ?',
    );
    this.#head = db.prepare('SELECT seq, kind, payload, bytes FROM spool_rows ORDER BY seq LIMIT ?');
    this.#removeRange = db.prepare(
      'DELETE FROM spool_rows WHERE seq >= ? AND seq <= ? RETURNING kind, bytes',
    );
    this.#oldestSamples = db.prepare(
      `SELECT seq, bytes FROM spool_rows WHERE kind = 'health_sample' AND seq > ? ORDER BY seq`,
    );
    this.#dropSamples = db.prepare(
      `DELETE FROM spool_rows WHERE kind = 'health_sample' AND seq > ? AND seq <= ? RETURNING bytes`,
    );
    this.#supersede = db.prepare(
      `DELETE FROM spool_rows WHERE kind = 'baseline' AND record_id = ? RETURNING bytes`,
    );
    this.#setMeta = db.prepare(
      'INSERT INTO spool_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    const counts = db
      .prepare(
        `SELECT COUNT(*) AS rows, COALESCE(SUM(bytes), 0) AS bytes,
           COALESCE(SUM(kind <> 'health_sample'), 0) AS must_keep FROM spool_rows`,
      )
      .get() as { rows: number; bytes: number; must_keep: number };
    this.#rows = counts.rows;
    this.#bytes = counts.bytes;
    this.#mustKeepRows = counts.must_keep;
    this.#droppedHealthSamples = Number(this.#meta('dropped_health_samples') ?? 0);
  }

  /**
   * Opens (or creates) the file and takes its lock: one agent per spool file. With
   * `maxFileBytes`, the main file never grows past it: a write that would need more space fails
   * as on a full disk (SQLite's `max_page_count`), so the spool can be kept off a shared disk's
   * last free bytes, and the full-spool path can be exercised without filling a file system.
   */
  static open(path: string, options: { readonly maxFileBytes?: number } = {}): SpoolFile {
    let db: DatabaseSync | undefined;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      db = new DatabaseSync(path, { timeout: 0 });
      // Exclusive locking before WAL: no shared-memory file, and a second agent pointed at the
      // same spool fails at once instead of interleaving its replay with ours.
      db.exec('PRAGMA locking_mode = EXCLUSIVE');
      // Lets compact() hand the pages of delivered rows back to the file system after an
      // outage (takes effect when the file is created).
      db.exec('PRAGMA auto_vacuum = INCREMENTAL');
      db.exec('PRAGMA journal_mode = WAL');
      // FULL syncs the WAL on every commit, so a must-keep row survives a power cut or kernel
      // crash, not only a killed process (NORMAL's guarantee). Commits that can afford to be
      // lost in a power cut (sample batches, removing delivered rows: the worst case is a
      // harmless re-delivery) relax to NORMAL; see #transaction.
      db.exec('PRAGMA synchronous = FULL');
      db.exec('BEGIN IMMEDIATE');
      db.exec(schema);
      const format = db.prepare(`SELECT value FROM spool_meta WHERE key = 'format'`).get() as
        | { value: string }
        | undefined;
      if (format === undefined) {
        db.prepare(`INSERT INTO spool_meta (key, value) VALUES ('format', ?)`).run(
          String(spoolFormatVersion),
        );
      } else if (format.value !== String(spoolFormatVersion)) {
        throw new StoreError(
          `spool file ${path} has format ${format.value}; this version reads format ${spoolFormatVersion}`,
        );
      }
      db.exec('COMMIT');
      if (options.maxFileBytes !== undefined) {
        const { page_size: pageSize } = db.prepare('PRAGMA page_size').get() as { page_size: number };
        db.exec(`PRAGMA max_page_count = ${Math.max(1, Math.floor(options.maxFileBytes / pageSize))}`);
      }
      return new SpoolFile(path, db);
    } catch (error) {
      try {
        db?.close();
      } catch {
        // The open failed already; that error is the one worth reporting.
      }
      if (error instanceof StoreError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      const inUse = /locked|busy/i.test(message);
      throw new StoreError(
        inUse
          ? `spool file ${path} is in use by another agent (each agent needs its own spool file)`
          : `cannot open spool file ${path}: ${message}`,
        { cause: error },
      );
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  counts(): SpoolCounts {
    return { rows: this.#rows, bytes: this.#bytes, mustKeepRows: this.#mustKeepRows };
  }

  get droppedHealthSamples(): number {
    return this.#droppedHealthSamples;
  }

  /** When the oldest pending row was spooled, or null when nothing is pending. */
  oldestSpooledAt(): number | null {
    const row = this.#db.prepare('SELECT spooled_at FROM spool_rows ORDER BY seq LIMIT 1').get() as
      | { spooled_at: number }
      | undefined;
    return row?.spooled_at ?? null;
  }

  /**
   * Appends an incident, action or approval and records it as recent state, in one transaction.
   * `keepUntil` null keeps the recent state until a later version gives it an end.
   */
  appendMustKeep(kind: MustKeepKind, entry: SpoolEntry, now: number, keepUntil: number | null): number {
    return this.#transaction(() => {
      const seq = this.#append(kind, entry, now);
      this.#upsertRecent.run(kind, entry.recordId, seq, keepUntil, entry.payload);
      this.#pruneRecent.run(now);
      return seq;
    });
  }

  /** Appends health samples in one transaction (one sync for the whole batch). */
  appendHealthSamples(entries: readonly SpoolEntry[], now: number): void {
    if (entries.length === 0) return;
    this.#transaction(() => {
      for (const entry of entries) this.#append('health_sample', entry, now);
    }, 'relaxed');
  }

  /**
   * Remembers the latest baselines as recent state (what a restarted agent reads while the
   * database is away), and with `pending` also queues them for delivery, replacing any older
   * pending version of the same baseline.
   */
  appendBaselines(entries: readonly SpoolEntry[], now: number, options: { pending: boolean }): void {
    if (entries.length === 0) return;
    this.#transaction(() => {
      for (const entry of entries) {
        let seq = 0;
        if (options.pending) {
          const superseded = this.#supersede.all(entry.recordId) as { bytes: number }[];
          for (const row of superseded) this.#forget('baseline', row.bytes);
          seq = this.#append('baseline', entry, now);
        }
        this.#upsertRecent.run('baseline', entry.recordId, seq, null, entry.payload);
      }
    }, 'relaxed');
  }

  /** The oldest pending rows, in write order. */
  head(limit: number): SpoolRow[] {
    return this.#head.all(limit) as unknown as SpoolRow[];
  }

  /** Forgets rows the primary has acknowledged. */
  remove(fromSeq: number, toSeq: number): void {
    if (this.#closed) return;
    this.#transaction(() => {
      const removed = this.#removeRange.all(fromSeq, toSeq) as { kind: SpoolKind; bytes: number }[];
      for (const row of removed) this.#forget(row.kind, row.bytes);
    }, 'relaxed');
  }

  /**
   * Drops the oldest health samples after `afterSeq` until at least `bytes` are freed (or none
   * are left). Returns what was dropped.
   */
  dropOldestHealthSamples(bytes: number, afterSeq: number): { rows: number; bytes: number } {
    let freed = 0;
    let lastSeq: number | undefined;
    for (const row of this.#oldestSamples.iterate(afterSeq) as Iterable<{ seq: number; bytes: number }>) {
      freed += row.bytes;
      lastSeq = row.seq;
      if (freed >= bytes) break;
    }
    if (lastSeq === undefined) return { rows: 0, bytes: 0 };
    const upTo = lastSeq;
    return this.#transaction(() => {
      const dropped = this.#dropSamples.all(afterSeq, upTo) as { bytes: number }[];
      let droppedBytes = 0;
      for (const row of dropped) {
        droppedBytes += row.bytes;
        this.#forget('health_sample', row.bytes);
      }
      this.#droppedHealthSamples += dropped.length;
      this.#setMeta.run('dropped_health_samples', String(this.#droppedHealthSamples));
      return { rows: dropped.length, bytes: droppedBytes };
    }, 'relaxed');
  }

  /** Pending versions of one kind, oldest write first. */
  pendingVersions(kind: LocalKind): LocalVersion[] {
    return this.#db
      .prepare('SELECT seq, payload FROM spool_rows WHERE kind = ? ORDER BY seq')
      .all(kind) as unknown as LocalVersion[];
  }

  /** Pending health samples matching the Store's sample filters, oldest write first. */
  pendingHealthSamples(filter: { host?: string; containerName?: string; since?: number }): LocalVersion[] {
    return this.#db
      .prepare(
        `SELECT seq, payload FROM spool_rows
         WHERE kind = 'health_sample'
           AND (?1 IS NULL OR host = ?1)
           AND (?2 IS NULL OR container_name = ?2)
           AND (?3 IS NULL OR at >= ?3)
         ORDER BY seq`,
      )
      .all(
        filter.host ?? null,
        filter.containerName ?? null,
        filter.since ?? null,
      ) as unknown as LocalVersion[];
  }

  /** The recent state of one kind (latest version of each record), pruned of what has aged out. */
  recentVersions(kind: LocalKind, now: number): LocalVersion[] {
    return this.#db
      .prepare(
        `SELECT seq, payload FROM recent_state
         WHERE kind = ? AND (keep_until IS NULL OR keep_until >= ?) ORDER BY seq`,
      )
      .all(kind, now) as unknown as LocalVersion[];
  }

  /**
   * Throws as a real write would when the spool cannot take one now (disk or file full): writes a
   * throwaway row about the size of a large record and takes it out again, in one transaction.
   */
  probeWritable(): void {
    if (this.#closed) return;
    this.#transaction(() => {
      this.#setMeta.run('write_probe', 'x'.repeat(8192));
      this.#db.prepare(`DELETE FROM spool_meta WHERE key = 'write_probe'`).run();
    }, 'relaxed');
  }

  /**
   * Gives back the space a drained backlog used: frees unused pages and empties the WAL, so the
   * file shrinks to its resting size after an outage instead of staying at its high-water mark.
   */
  compact(): void {
    if (this.#closed) return;
    this.#db.exec('PRAGMA incremental_vacuum');
    this.#db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  }

  /** Bytes the spool occupies on disk (main file and WAL), for sizing. */
  fileBytes(): number {
    if (this.#closed) return 0;
    const pages = this.#db.prepare('PRAGMA page_count').get() as { page_count: number };
    const size = this.#db.prepare('PRAGMA page_size').get() as { page_size: number };
    return pages.page_count * size.page_size;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  #append(kind: SpoolKind, entry: SpoolEntry, now: number): number {
    const bytes = Buffer.byteLength(entry.payload);
    const result = this.#insertRow.run(
      kind,
      entry.recordId,
      entry.host,
      entry.containerName,
      entry.at,
      entry.payload,
      bytes,
      now,
    );
    this.#rows += 1;
    this.#bytes += bytes;
    if (kind !== 'health_sample') this.#mustKeepRows += 1;
    return Number(result.lastInsertRowid);
  }

  #forget(kind: SpoolKind, bytes: number): void {
    this.#rows -= 1;
    this.#bytes -= bytes;
    if (kind !== 'health_sample') this.#mustKeepRows -= 1;
  }

  #meta(key: string): string | undefined {
    const row = this.#db.prepare('SELECT value FROM spool_meta WHERE key = ?').get(key) as
      | { value: string }
      | undefined;
    return row?.value;
  }

  /**
   * `durable` commits sync the WAL (and with it every earlier relaxed commit); `relaxed` ones
   * survive a killed process but may be lost with the machine's power.
   */
  #transaction<T>(work: () => T, sync: 'durable' | 'relaxed' = 'durable'): T {
    const before = { rows: this.#rows, bytes: this.#bytes, mustKeepRows: this.#mustKeepRows };
    const dropped = this.#droppedHealthSamples;
    if (sync === 'relaxed') this.#db.exec('PRAGMA synchronous = NORMAL');
    try {
      return this.#commit(work, before, dropped);
    } finally {
      if (sync === 'relaxed') this.#db.exec('PRAGMA synchronous = FULL');
    }
  }

  #commit<T>(work: () => T, before: SpoolCounts, dropped: number): T {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      this.#rows = before.rows;
      this.#bytes = before.bytes;
      this.#mustKeepRows = before.mustKeepRows;
      this.#droppedHealthSamples = dropped;
      try {
        this.#db.exec('ROLLBACK');
      } catch {
        // SQLite may have rolled back already (disk full); the original error is what matters.
      }
      throw error;
    }
  }
}
