/**
 * One agent acts per Docker engine. Agents that could both act on an engine meet at a lease
 * keyed by the engine's ID (`docker info` ID): in the store they share, and in a lock file on
 * the host they share. Whoever holds the lease may restart, start and exec; everyone else either
 * refuses to run or waits as a standby until the lease is free.
 *
 * Implementations: `MemoryStore` (core/testing), the SQLite and PostgreSQL stores, the
 * host-local lock file of `@website-monitor/sqlite-store`, and PostgreSQL's advisory locks
 * (`createPostgresEngineLeases`, a `SessionEngineLeaseStore`). All pass `engineLeaseContract`.
 */

/** Who holds (or asks for) an engine: enough for a person to find the process. */
export interface EngineLeaseHolder {
  /** Unique per agent process run (a random UUID): the identity compared on renewal. */
  readonly id: string;
  /** The machine's host name (`os.hostname()`). */
  readonly hostName: string;
  readonly pid: number;
  /** When the holding process started, ms since the epoch. */
  readonly startedAt: number;
  /** Where that agent keeps its records (a file, or a URL without its password), if known. */
  readonly store?: string;
}

/** A lease as a place keeps it: which engine, who holds it, since when and until when. */
export interface EngineLeaseRecord {
  readonly engineId: string;
  readonly holder: EngineLeaseHolder;
  /**
   * Counts changes of holder for this engine (1 for the first), never reset: a fencing token a
   * later writer can compare to tell a newer holder's work from an older one's.
   */
  readonly term: number;
  /** Times in the lease place's own clock (the database's for a SQL store), ms since the epoch. */
  readonly acquiredAt: number;
  readonly renewedAt: number;
  /** Free for anyone from this time on unless renewed; `null` when the place needs no expiry (a lock the OS drops with its process). */
  readonly expiresAt: number | null;
}

/** The answer to taking or renewing a lease: held (the record), or not (who holds it). */
export type EngineLeaseAnswer =
  | {
      readonly held: true;
      readonly lease: EngineLeaseRecord;
      /**
       * The holder it was taken from, when that was someone else (it lapsed, was released, or was
       * superseded). Places that cannot tell leave it out.
       */
      readonly previousHolderId?: string;
    }
  /** `heldBy` is undefined when no record says who (a renewal of a lease that no longer exists). */
  | { readonly held: false; readonly heldBy: EngineLeaseRecord | undefined };

/**
 * A place where leases are kept. Every method takes one readonly object. Expiry is judged by the
 * place's own clock, so holders on machines whose clocks disagree still agree on who holds.
 */
export interface EngineLeaseStore {
  /**
   * Takes the lease when it is free, expired, or already this holder's (then it is renewed);
   * otherwise answers who holds it. Atomic: of two concurrent callers at most one gets it.
   */
  acquireEngineLease(options: {
    readonly engineId: string;
    readonly holder: EngineLeaseHolder;
    /** How long the lease lasts without a renewal. */
    readonly ttlMs: number;
    /**
     * A holder the caller knows to be gone (it held the host lock the caller now holds, so it
     * has died or let go): its lease is taken at once instead of after it lapses. A restarted
     * agent then need not wait out its crashed predecessor's lease. Ignored by places whose
     * leases the OS drops with their process.
     */
    readonly supersedes?: string;
  }): Promise<EngineLeaseAnswer>;
  /**
   * Extends this holder's lease by `ttlMs` from now. Answers `held: false` when someone else
   * holds it now (the caller has lost it and must stop acting at once) or there is none.
   */
  renewEngineLease(options: {
    readonly engineId: string;
    readonly holderId: string;
    readonly ttlMs: number;
  }): Promise<EngineLeaseAnswer>;
  /** Lets go of this holder's lease (expires it now); another holder's lease is left alone. */
  releaseEngineLease(options: { readonly engineId: string; readonly holderId: string }): Promise<void>;
  /** The lease as recorded (held, or expired and not yet taken), or undefined when there is none. */
  readEngineLease(options: { readonly engineId: string }): Promise<EngineLeaseRecord | undefined>;
}

/**
 * A lease place whose leases live as long as one connection to it: PostgreSQL advisory locks,
 * which the server drops the moment the holder's connection ends, whether the holder stopped,
 * was SIGKILLed or lost the network. Nobody waits for an expiry, and the holder hears of the end
 * at once. Standbys waiting for an engine say so here, so a holder knows whether someone would
 * take over if it lost its connection (then it stops acting) or not (then it may heal on).
 */
export interface SessionEngineLeaseStore extends EngineLeaseStore {
  /**
   * `listener` hears, once, that this holder's connection for the engine ended: the lease is gone
   * there (someone else may hold it already). Returns the unsubscribe function.
   */
  onEngineLeaseSessionEnded(options: {
    readonly engineId: string;
    readonly holderId: string;
    readonly listener: (reason: string) => void;
  }): () => void;
  /**
   * Marks a standby waiting for the engine until `release()` (or this process's end). Never
   * throws: while the place cannot be reached, the mark is retried in the background.
   */
  announceStandby(options: { readonly engineId: string; readonly holderId: string }): {
    release(): Promise<void>;
  };
  /** Standbys waiting for the engine, as the holder's last renewal saw them; 0 before one. */
  standbysWaiting(options: { readonly engineId: string }): number;
  /**
   * How long a lease verified by a renewal is certainly still held, from when the renewal
   * started: less than the place takes to drop a holder that went silent. A holder that could not
   * verify it again within this time stops acting (`EngineLeasePlace.validForMs`).
   */
  readonly verifiedLeaseValidForMs: number;
}

/** True when `leases` is a place whose leases end with their holder's connection. */
export function isSessionEngineLeaseStore(leases: unknown): leases is SessionEngineLeaseStore {
  const candidate = leases as Partial<Record<keyof SessionEngineLeaseStore, unknown>> | null | undefined;
  return (
    isEngineLeaseStore(leases) &&
    typeof candidate?.onEngineLeaseSessionEnded === 'function' &&
    typeof candidate.announceStandby === 'function' &&
    typeof candidate.standbysWaiting === 'function' &&
    typeof candidate.verifiedLeaseValidForMs === 'number'
  );
}

/**
 * An agent's part in its engine's lease, as `/healthz` and `/metrics` tell it: `active` acts on
 * the engine, `standby` waits to take over and acts on nothing.
 */
export interface EngineLeaseRole {
  readonly role: 'active' | 'standby';
  /** The engine's ID; undefined when the runtime cannot name it (no lease is held then, and the agent acts). */
  readonly engineId?: string;
  /** Active: the lease's term (it counts changes of holder, so a takeover shows as a new term). */
  readonly term?: number;
  /** Standby: the agent it waits on, as the lease names it; undefined when no place says who. */
  readonly activeAgent?: {
    readonly hostName: string;
    readonly pid: number;
    readonly startedAt: number;
    /** The place that named it, for people: `the lock file /run/...`, `the PostgreSQL database ...`. */
    readonly where: string;
  };
}

/** True when `store` offers leases (a store wrapped without them does not). */
export function isEngineLeaseStore(store: unknown): store is EngineLeaseStore {
  const candidate = store as Partial<Record<keyof EngineLeaseStore, unknown>> | null | undefined;
  return (
    typeof candidate?.acquireEngineLease === 'function' &&
    typeof candidate.renewEngineLease === 'function' &&
    typeof candidate.releaseEngineLease === 'function' &&
    typeof candidate.readEngineLease === 'function'
  );
}
