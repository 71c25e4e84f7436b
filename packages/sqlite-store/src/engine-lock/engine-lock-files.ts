import { createHash, randomBytes } from 'node:crypto';
import { closeSync, lstatSync, mkdirSync, openSync, readSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import type {
  EngineLeaseAnswer,
  EngineLeaseHolder,
  EngineLeaseRecord,
  EngineLeaseStore,
} from '@website-monitor/core';
import { checkEngineLeaseTtl } from '@website-monitor/core/internal';
import { loadNodeSqlite } from '../node-sqlite/load-node-sqlite.js';

/** Where the host's engine locks are kept. */
export interface CreateEngineLockFilesOptions {
  /**
   * Where the lock files are: every agent on the host that should meet must use the same
   * directory. Created (mode 0700) if missing; refused when writable by others or owned by
   * another user (anyone who can write there could hold or fake a lock).
   */
  readonly directory: string;
  /** Default `Date.now`. */
  readonly now?: () => number;
}

/** Engine leases kept as lock files in one directory of the host; `await using` lets go of them. */
export interface EngineLockFiles extends EngineLeaseStore, AsyncDisposable {
  /** The directory the locks are in. */
  readonly directory: string;
  /** The lock file of one engine: `<directory>/engine-<sha256 of the ID, 32 hex>.lock`. */
  lockPath(engineId: string): string;
  /** Lets go of every lock this process holds here. */
  close(): Promise<void>;
}

/** What a holder writes beside its lock, for the agents it refuses: never trusted for the lock itself. */
const maxInfoBytes = 16 * 1024;
/** SQLite's "database is locked". */
const sqliteBusy = 5;
/** How long a refused caller waits for a new holder's note: 10 × 25 ms. */
const noteRetries = 10;
const noteRetryMs = 25;

interface HeldLock {
  readonly holderId: string;
  readonly database: DatabaseSync;
  record: EngineLeaseRecord;
}

function fileStem(engineId: string): string {
  // Hashed: an engine ID is the engine's text, not a safe file name, and may be long.
  return `engine-${createHash('sha256').update(engineId).digest('hex').slice(0, 32)}`;
}

function isBusy(error: unknown): boolean {
  return (error as { errcode?: unknown }).errcode === sqliteBusy;
}

function checkDirectory(directory: string): void {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const stat = lstatSync(directory);
  const where = `engine lock directory ${directory}`;
  if (!stat.isDirectory()) throw new Error(`${where} is not a directory`);
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  if (uid !== undefined && stat.uid !== uid && stat.uid !== 0) {
    throw new Error(`${where} belongs to user ${stat.uid}, not to this user (${uid}) or root`);
  }
  if ((stat.mode & 0o002) !== 0) {
    throw new Error(
      `${where} is writable by every user (mode ${(stat.mode & 0o7777).toString(8)}): use a private one`,
    );
  }
}

/** Reads the holder's note: bounded, and anything that is not a well-formed record is no record. */
function readInfo(path: string, engineId: string): EngineLeaseRecord | undefined {
  let fd: number;
  try {
    if (!lstatSync(path).isFile()) return undefined;
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const buffer = Buffer.alloc(maxInfoBytes + 1);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    if (length > maxInfoBytes) return undefined;
    const body = JSON.parse(buffer.subarray(0, length).toString('utf8')) as Record<string, unknown>;
    const holder = body.holder as Record<string, unknown> | undefined;
    const numbers = [body.term, body.acquiredAt, body.renewedAt, holder?.pid, holder?.startedAt];
    if (
      body.engineId !== engineId ||
      typeof holder?.id !== 'string' ||
      typeof holder.hostName !== 'string' ||
      !numbers.every((value) => typeof value === 'number' && Number.isFinite(value)) ||
      (body.expiresAt !== null && typeof body.expiresAt !== 'number') ||
      (holder.store !== undefined && typeof holder.store !== 'string')
    ) {
      return undefined;
    }
    return {
      engineId,
      holder: {
        id: holder.id,
        hostName: holder.hostName,
        pid: holder.pid as number,
        startedAt: holder.startedAt as number,
        ...(typeof holder.store === 'string' ? { store: holder.store } : {}),
      },
      term: body.term as number,
      acquiredAt: body.acquiredAt as number,
      renewedAt: body.renewedAt as number,
      expiresAt: body.expiresAt as number | null,
    };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Replaces the note in one step (write aside, rename), so a reader never sees half of it. */
function writeInfo(path: string, record: EngineLeaseRecord): void {
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(aside, `${JSON.stringify(record)}\n`, { mode: 0o644 });
  renameSync(aside, path);
}

/**
 * Host-local engine locks, for agents on one host that do not share a store. Each engine has a
 * lock file, and holding the engine means holding an exclusive SQLite transaction on it
 * (`BEGIN EXCLUSIVE`, an fcntl lock): the kernel drops it the moment the holding process ends,
 * however it ends (SIGKILL, OOM), so there is no stale lock to detect, no pid to trust, and a
 * standby takes over at its next attempt. SQLite also keeps two connections of one process
 * apart. Beside the lock, the holder writes a JSON note (host, pid, start time, store) so a
 * refused agent can say who holds the engine; the note is never what decides.
 *
 * Local file systems only: fcntl locks over NFS are not reliable.
 *
 * @example
 * ```ts
 * import { createEngineLockFiles } from '@website-monitor/sqlite-store';
 *
 * await using locks = await createEngineLockFiles({ directory: '/run/website-monitor' });
 * const answer = await locks.acquireEngineLease({ engineId, holder, ttlMs: 30_000 });
 * if (!answer.held) console.error(`engine held by pid ${answer.heldBy?.holder.pid}`);
 * ```
 */
export async function createEngineLockFiles(options: CreateEngineLockFilesOptions): Promise<EngineLockFiles> {
  const { DatabaseSync } = await loadNodeSqlite();
  const now = options.now ?? (() => Date.now());
  const directory = options.directory;
  const held = new Map<string, HeldLock>();
  const lockPath = (engineId: string) => join(directory, `${fileStem(engineId)}.lock`);
  const infoPath = (engineId: string) => join(directory, `${fileStem(engineId)}.json`);

  function tryLock(engineId: string): DatabaseSync | undefined {
    checkDirectory(directory);
    const path = lockPath(engineId);
    try {
      if (lstatSync(path).isSymbolicLink()) throw new Error(`engine lock file ${path} is a symbolic link`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const database = new DatabaseSync(path);
    try {
      // Never wait: node:sqlite is synchronous, and a busy wait here would freeze the event loop.
      database.exec('PRAGMA busy_timeout = 0');
      database.exec('BEGIN EXCLUSIVE');
      return database;
    } catch (error) {
      database.close();
      if (isBusy(error)) return undefined;
      throw new Error(`engine lock file ${path}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Who holds it, from the note; a note whose lock nobody holds any more is shown as lapsed. */
  function currentHolder(engineId: string): EngineLeaseRecord | undefined {
    const mine = held.get(engineId);
    if (mine !== undefined) return mine.record;
    const record = readInfo(infoPath(engineId), engineId);
    if (record === undefined || record.expiresAt !== null) return record;
    const probe = tryLock(engineId);
    if (probe === undefined) return record;
    probe.exec('ROLLBACK');
    probe.close();
    return { ...record, expiresAt: record.renewedAt };
  }

  /**
   * The note of a lock someone holds now. A holder writes its note just after taking the lock,
   * so a note that is missing or says "released" may be a moment old: read it again briefly.
   */
  async function noteOfLiveHolder(engineId: string): Promise<EngineLeaseRecord | undefined> {
    let record = readInfo(infoPath(engineId), engineId);
    for (let retry = 0; retry < noteRetries && (record === undefined || record.expiresAt !== null); retry++) {
      await new Promise((resolve) => setTimeout(resolve, noteRetryMs));
      record = readInfo(infoPath(engineId), engineId);
    }
    return record;
  }

  function unlock(engineId: string, lock: HeldLock): void {
    held.delete(engineId);
    // The note says "released" before the lock goes, so it never overwrites a next holder's.
    try {
      writeInfo(infoPath(engineId), { ...lock.record, expiresAt: now() });
    } catch {
      // Only the note: the lock below is what counts.
    }
    try {
      lock.database.exec('ROLLBACK');
    } finally {
      lock.database.close();
    }
  }

  const files: EngineLockFiles = {
    directory,
    lockPath,

    async acquireEngineLease({ engineId, holder, ttlMs }): Promise<EngineLeaseAnswer> {
      checkEngineLeaseTtl(ttlMs);
      const mine = held.get(engineId);
      if (mine !== undefined) {
        if (mine.holderId !== holder.id) return { held: false, heldBy: mine.record };
        mine.record = { ...mine.record, renewedAt: now() };
        return { held: true, lease: mine.record };
      }
      const database = tryLock(engineId);
      if (database === undefined) return { held: false, heldBy: await noteOfLiveHolder(engineId) };
      const previous = readInfo(infoPath(engineId), engineId);
      const at = now();
      const holderCopy: EngineLeaseHolder = { ...holder };
      const record: EngineLeaseRecord = {
        engineId,
        holder: holderCopy,
        term:
          previous === undefined ? 1 : previous.holder.id === holder.id ? previous.term : previous.term + 1,
        acquiredAt: at,
        renewedAt: at,
        expiresAt: null,
      };
      try {
        writeInfo(infoPath(engineId), record);
      } catch (error) {
        database.exec('ROLLBACK');
        database.close();
        throw new Error(`engine lock ${infoPath(engineId)}: ${(error as Error).message}`, { cause: error });
      }
      held.set(engineId, { holderId: holder.id, database, record });
      // Whoever the note names held this lock before us and holds it no more: dead, or let go.
      return previous === undefined || previous.holder.id === holder.id
        ? { held: true, lease: record }
        : { held: true, lease: record, previousHolderId: previous.holder.id };
    },

    async renewEngineLease({ engineId, holderId, ttlMs }): Promise<EngineLeaseAnswer> {
      checkEngineLeaseTtl(ttlMs);
      const mine = held.get(engineId);
      if (mine !== undefined && mine.holderId === holderId && mine.database.isTransaction) {
        mine.record = { ...mine.record, renewedAt: now() };
        return { held: true, lease: mine.record };
      }
      return { held: false, heldBy: currentHolder(engineId) };
    },

    async releaseEngineLease({ engineId, holderId }): Promise<void> {
      const mine = held.get(engineId);
      if (mine !== undefined && mine.holderId === holderId) unlock(engineId, mine);
    },

    async readEngineLease({ engineId }): Promise<EngineLeaseRecord | undefined> {
      return currentHolder(engineId);
    },

    async close(): Promise<void> {
      for (const [engineId, lock] of [...held]) unlock(engineId, lock);
    },

    [Symbol.asyncDispose]() {
      return files.close();
    },
  };
  return files;
}
