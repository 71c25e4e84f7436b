import {
  type ApprovalRequest,
  type Clock,
  type ContainerBaseline,
  type HealingActionRecord,
  type HealthSample,
  type HealthSummary,
  type HealthSummaryQuery,
  type HostReport,
  healthSummaryQueryProblem,
  type Incident,
  type Logger,
  openIncidentStatuses,
  type Store,
  StoreError,
  summarizeHealthSamples,
  systemClock,
} from '@website-monitor/core';
import { describeError } from '../describe-error/describe-error.js';
import {
  type ApprovalQuery,
  approvalQuery,
  type BaselineQuery,
  baselineKey,
  baselineQuery,
  type HealingActionQuery,
  type HealthSampleQuery,
  healingActionQuery,
  healthSampleQuery,
  type IncidentQuery,
  incidentQuery,
  overlay,
  type RecordQuery,
} from '../record-filters/record-filters.js';
import {
  type LocalVersion,
  type MustKeepKind,
  type SpoolEntry,
  SpoolFile,
  type SpoolRow,
} from '../spool-file/spool-file.js';
import { type SpoolAlert, type SpooledKind, SpoolHealth, type SpoolWriteFailure } from './spool-health.js';

/** The primary store, the spool file and its limits. */
export interface SpooledStoreOptions {
  /** The primary store (PostgreSQL, SQLite...). The spooled store owns it: `close()` closes it. */
  readonly store: Store;
  /** The spool file; its folder is created. One agent per file (it is locked). */
  readonly path: string;
  /** Soft cap on spooled payload bytes; past it the oldest health samples are dropped. */
  readonly maxBytes: number;
  /**
   * Hard cap on the spool file itself: past it a write fails as on a full disk (see
   * `SpoolStatus.writeFailure`). Default none: the file system is the limit.
   */
  readonly maxFileBytes?: number;
  /**
   * After the spool could not be written (disk full), writes must work again for this long before
   * the episode is over and `spool_recovered` is said. Default 60000.
   */
  readonly writeRecoveryQuietMs?: number;
  /** Says when the primary is lost and regained, and what the spool drops. */
  readonly logger: Logger;
  /** Drives retries and the recent state; `systemClock` by default. */
  readonly clock?: Clock;
  /** First wait before retrying an unreachable primary; doubles up to `maxRetryIntervalMs`. Default 1000. */
  readonly retryIntervalMs?: number;
  /** Default 30000. */
  readonly maxRetryIntervalMs?: number;
  /**
   * How long a write waits for the primary once its row is safe in the spool, before it resolves
   * anyway and the primary is treated as unreachable. Default 1000.
   */
  readonly writeWaitMs?: number;
  /**
   * How long a batch of health samples or baselines may take before it is spooled and the
   * primary treated as unreachable. Default 10000 (batches are off the healing path).
   */
  readonly batchWriteTimeoutMs?: number;
  /** How long a read waits for the primary before answering from the spool. Default 5000. */
  readonly readTimeoutMs?: number;
  /** How long `close()` tries to deliver what is left. Default 2000. */
  readonly closeTimeoutMs?: number;
  /** How long resolved incidents, decided approvals and healing actions stay in the local recent state. Default 1 hour. */
  readonly recentWindowMs?: number;
  /** Health samples per call when replaying. Default 500. */
  readonly replayBatchSize?: number;
}

/** What the spool holds now and what it could not keep (`SpooledStore.pending()`). */
export interface SpoolStatus {
  /** Rows not yet delivered to the primary. */
  readonly rows: number;
  /** Their payload bytes (what `maxBytes` caps). */
  readonly bytes: number;
  /** When the oldest of them was spooled; null when nothing is pending. */
  readonly oldestAt: number | null;
  /** Incidents, actions and approvals among them: never dropped. */
  readonly mustKeepRows: number;
  /** Health samples dropped because the spool was full, over the life of the file. */
  readonly droppedHealthSamples: number;
  /** Size of the spool's main file; its WAL adds up to about 4 MB while rows are written. */
  readonly fileBytes: number;
  readonly primary: 'up' | 'down';
  /**
   * Set while the spool cannot be written (disk or `maxFileBytes` full): writes then reach the
   * database directly, or are lost when it is down too. Null while the spool takes writes.
   */
  readonly writeFailure: SpoolWriteFailure | null;
  /** Spool writes that failed, since the store was created. */
  readonly failedWrites: number;
  /** Records neither the spool nor the database took, since the store was created, by kind. */
  readonly lostRecords: Readonly<Record<SpooledKind, number>>;
}

/** A Store that journals writes to a local file first and delivers them when the primary answers. */
export interface SpooledStore extends Store, AsyncDisposable {
  /** Delivers everything pending now; rejects with a StoreError when the primary does not take it all. */
  flush(): Promise<void>;
  /** What is waiting in the spool now, and what was lost. */
  pending(): SpoolStatus;
  /**
   * Called once when the spool stops taking writes (`spool_full`) and once when it takes them
   * again (`spool_recovered`), never per record: hand it to a notifier. Returns an unsubscribe.
   */
  onAlert(listener: (alert: SpoolAlert) => void): () => void;
}

/**
 * Wraps a Store so that incidents, healing actions and approvals are on disk before the write
 * resolves, whatever the database is doing, and reach it later in write order. Health samples go
 * straight to the primary and are spooled only while it fails. Throws a StoreError when the
 * spool file cannot be opened (in use, not a spool, wrong format).
 *
 * @example
 * ```ts
 * import { createPostgresStore } from '@website-monitor/postgres-store';
 * import { createSpooledStore } from '@website-monitor/store-spool';
 *
 * const primary = createPostgresStore({ connectionString: process.env.DATABASE_URL });
 * await primary.migrate();
 * await using store = createSpooledStore({ store: primary, path: './.website-monitor/spool.db', maxBytes: 64 * 1024 * 1024, logger });
 * store.onAlert((alert) => console.error(alert.message));
 * ```
 */
export function createSpooledStore(options: SpooledStoreOptions): SpooledStore {
  return new SpoolingStore(options);
}

interface Outage {
  readonly since: number;
  readonly droppedBefore: number;
  replayed: number;
}

interface Pressure {
  readonly since: number;
  dropped: number;
  overCapacityLogged: boolean;
}

type Race = 'done' | 'timeout';

class SpoolingStore implements SpooledStore {
  readonly pruneIncidents?: Store['pruneIncidents'];
  readonly #primary: Store;
  readonly #spool: SpoolFile;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #maxBytes: number;
  readonly #retryIntervalMs: number;
  readonly #maxRetryIntervalMs: number;
  readonly #writeWaitMs: number;
  readonly #readTimeoutMs: number;
  readonly #batchWriteTimeoutMs: number;
  readonly #closeTimeoutMs: number;
  readonly #recentWindowMs: number;
  readonly #replayBatchSize: number;
  readonly #stop = new AbortController();
  /** Resolvers of writes waiting for their row to reach the primary, by spool sequence. */
  readonly #waiters = new Map<number, () => void>();
  readonly #health: SpoolHealth;
  #outage: Outage | undefined;
  #pressure: Pressure | undefined;
  #restartReplay: { readonly since: number; readonly rows: number } | undefined;
  #delivering: Promise<boolean> | undefined;
  /** Rows up to this sequence are being sent to the primary: dropping them would miscount. */
  #inFlightUpTo = 0;
  #wakeIdle: (() => void) | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: SpooledStoreOptions) {
    if (!Number.isFinite(options.maxBytes) || options.maxBytes <= 0) {
      throw new StoreError(`spool maxBytes must be a positive number of bytes, got ${options.maxBytes}`);
    }
    this.#primary = options.store;
    this.#logger = options.logger;
    this.#clock = options.clock ?? systemClock;
    this.#maxBytes = options.maxBytes;
    this.#retryIntervalMs = options.retryIntervalMs ?? 1000;
    this.#maxRetryIntervalMs = Math.max(this.#retryIntervalMs, options.maxRetryIntervalMs ?? 30_000);
    this.#writeWaitMs = options.writeWaitMs ?? 1000;
    this.#readTimeoutMs = options.readTimeoutMs ?? 5000;
    this.#batchWriteTimeoutMs = options.batchWriteTimeoutMs ?? 10_000;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 2000;
    this.#recentWindowMs = options.recentWindowMs ?? 60 * 60_000;
    this.#replayBatchSize = options.replayBatchSize ?? 500;
    this.#spool = SpoolFile.open(
      options.path,
      options.maxFileBytes === undefined ? {} : { maxFileBytes: options.maxFileBytes },
    );
    this.#health = new SpoolHealth({
      path: this.#spool.path,
      logger: this.#logger,
      clock: this.#clock,
      probe: () => this.#spool.probeWritable(),
      retryIntervalMs: this.#retryIntervalMs,
      maxRetryIntervalMs: this.#maxRetryIntervalMs,
      quietMs: options.writeRecoveryQuietMs ?? 60_000,
      signal: this.#stop.signal,
    });
    const prune = options.store.pruneIncidents?.bind(options.store);
    if (prune) this.pruneIncidents = (pruneOptions) => this.#primaryCall(() => prune(pruneOptions));

    const left = this.#spool.counts();
    if (left.rows > 0) {
      this.#restartReplay = { since: this.#clock.now(), rows: left.rows };
      this.#logger.log('info', 'spool_replay_started', {
        path: this.#spool.path,
        rows: left.rows,
        bytes: left.bytes,
        must_keep_rows: left.mustKeepRows,
        oldest_at: this.#spool.oldestSpooledAt(),
      });
    }
    this.#run().catch((error: unknown) => {
      // A bug, not an outage: keep the stack. Rows stay in the spool for the next start.
      this.#logger.log('error', 'spool_loop_failed', {
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    });
  }

  // ---- writes ----

  async saveIncident({ incident }: { readonly incident: Incident }): Promise<void> {
    const keepUntil = openIncidentStatuses.includes(incident.status)
      ? null
      : this.#clock.now() + this.#recentWindowMs;
    await this.#saveMustKeep('incident', entryOf(incident, incident.openedAt), keepUntil, () =>
      this.#primary.saveIncident({ incident }),
    );
  }

  async saveHealingAction({ action }: { readonly action: HealingActionRecord }): Promise<void> {
    await this.#saveMustKeep(
      'healing_action',
      entryOf(action, action.startedAt),
      action.startedAt + this.#recentWindowMs,
      () => this.#primary.saveHealingAction({ action }),
    );
  }

  async saveApproval({ approval }: { readonly approval: ApprovalRequest }): Promise<void> {
    const keepUntil = approval.status === 'pending' ? null : this.#clock.now() + this.#recentWindowMs;
    await this.#saveMustKeep('approval', entryOf(approval, approval.requestedAt), keepUntil, () =>
      this.#primary.saveApproval({ approval }),
    );
  }

  async saveHealthSamples({ samples }: { readonly samples: readonly HealthSample[] }): Promise<void> {
    this.#assertOpen();
    if (samples.length === 0) return;
    if (this.#outage === undefined) {
      try {
        const outcome = await this.#race(
          this.#primary.saveHealthSamples({ samples }),
          this.#batchWriteTimeoutMs,
        );
        if (outcome === 'done') return;
        this.#markDown(new StoreError(`no answer within ${this.#batchWriteTimeoutMs} ms`));
      } catch (error) {
        this.#markDown(error);
      }
    }
    try {
      this.#spool.appendHealthSamples(
        samples.map((sample) => entryOf(sample, sample.checkedAt)),
        this.#clock.now(),
      );
      this.#health.succeeded();
    } catch (error) {
      this.#health.failed({ what: 'health_sample', rows: samples.length, error });
      this.#health.lost({ what: 'health_sample', rows: samples.length });
      throw new StoreError(`${samples.length} health samples lost: the database and the spool both failed`, {
        cause: error,
      });
    }
    this.#enforceBound();
  }

  /**
   * Baselines are learned state, rewritten often: straight to the primary like samples, always
   * remembered locally (a restarted agent must not relearn from zero while the database is
   * away), and spooled, latest version only, while the primary fails or a backlog is queued.
   */
  async saveBaselines({ baselines }: { readonly baselines: readonly ContainerBaseline[] }): Promise<void> {
    this.#assertOpen();
    if (baselines.length === 0) return;
    const entries = baselines.map((baseline) => ({
      recordId: baselineKey(baseline),
      host: baseline.host,
      containerName: baseline.containerName,
      at: baseline.updatedAt,
      payload: JSON.stringify(baseline),
    }));
    const now = this.#clock.now();
    // Behind a backlog, going direct could let an older pending version land after this one.
    let delivered = false;
    if (this.#outage === undefined && this.#spool.counts().rows === 0) {
      try {
        const outcome = await this.#race(
          this.#primary.saveBaselines({ baselines }),
          this.#batchWriteTimeoutMs,
        );
        if (outcome === 'done') delivered = true;
        else this.#markDown(new StoreError(`no answer within ${this.#batchWriteTimeoutMs} ms`));
      } catch (error) {
        this.#markDown(error);
      }
    }
    try {
      this.#spool.appendBaselines(entries, now, { pending: !delivered });
      this.#health.succeeded();
    } catch (error) {
      this.#health.failed({ what: 'baseline', rows: baselines.length, error });
      if (!delivered) {
        this.#health.lost({ what: 'baseline', rows: baselines.length });
        throw new StoreError(`${baselines.length} baselines lost: the database and the spool both failed`, {
          cause: error,
        });
      }
      return;
    }
    if (!delivered) {
      this.#enforceBound();
      this.#wake();
    }
  }

  async #saveMustKeep(
    kind: MustKeepKind,
    entry: SpoolEntry,
    keepUntil: number | null,
    writeDirect: () => Promise<void>,
  ): Promise<void> {
    this.#assertOpen();
    let seq: number;
    try {
      seq = this.#spool.appendMustKeep(kind, entry, this.#clock.now(), keepUntil);
      this.#health.succeeded();
    } catch (error) {
      this.#health.failed({ what: kind, rows: 1, error });
      // Last resort: straight to the primary, outside the spool's order.
      try {
        await writeDirect();
        return;
      } catch (primaryError) {
        this.#markDown(primaryError);
        this.#health.lost({ what: kind, rows: 1, id: entry.recordId });
        throw new StoreError(
          `${kind} ${entry.recordId} was written neither to the spool nor to the database`,
          {
            cause: primaryError,
          },
        );
      }
    }
    this.#enforceBound();
    await this.#awaitDelivery(seq);
  }

  /**
   * While the primary is healthy and nothing is queued ahead, a write waits (briefly) until the
   * primary has the row too, so other readers of the database see it at once. Otherwise the
   * spool's copy is enough: the replay loop takes it from there.
   */
  async #awaitDelivery(seq: number): Promise<void> {
    if (this.#outage !== undefined || this.#spool.counts().rows > 1) {
      this.#wake();
      return;
    }
    const delivered = new Promise<void>((resolve) => this.#waiters.set(seq, resolve));
    this.#wake();
    const outcome = await this.#race(delivered, this.#writeWaitMs);
    this.#waiters.delete(seq);
    if (outcome === 'timeout') this.#markDown(new StoreError(`no answer within ${this.#writeWaitMs} ms`));
  }

  // ---- reads ----

  async listIncidents(options: IncidentQuery): Promise<readonly Incident[]> {
    this.#assertOpen();
    // Room for the primary rows that spooled versions replace or filter out.
    const extra = this.#spool.counts().mustKeepRows;
    return this.#readMerged(
      incidentQuery(options),
      () => this.#spool.pendingVersions('incident'),
      () =>
        this.#primary.listIncidents(
          options.limit === undefined ? options : { ...options, limit: options.limit + extra },
        ),
      () => this.#spool.recentVersions('incident', this.#clock.now()),
    );
  }

  async listHealingActions(options: HealingActionQuery): Promise<readonly HealingActionRecord[]> {
    return this.#readMerged(
      healingActionQuery(options),
      () => this.#spool.pendingVersions('healing_action'),
      () => this.#primary.listHealingActions(options),
      () => this.#spool.recentVersions('healing_action', this.#clock.now()),
    );
  }

  async listApprovals(options: ApprovalQuery): Promise<readonly ApprovalRequest[]> {
    return this.#readMerged(
      approvalQuery(options),
      () => this.#spool.pendingVersions('approval'),
      () => this.#primary.listApprovals(options),
      () => this.#spool.recentVersions('approval', this.#clock.now()),
    );
  }

  async listBaselines(options: BaselineQuery = {}): Promise<readonly ContainerBaseline[]> {
    return this.#readMerged(
      baselineQuery(options),
      () => this.#spool.pendingVersions('baseline'),
      () => this.#primary.listBaselines(options),
      () => this.#spool.recentVersions('baseline', this.#clock.now()),
    );
  }

  async listHealthSamples(options: HealthSampleQuery): Promise<readonly HealthSample[]> {
    return this.#readMerged(
      healthSampleQuery(options),
      () => this.#spool.pendingHealthSamples(options),
      () => this.#primary.listHealthSamples(options),
      () => [],
    );
  }

  /**
   * The primary's summary (aggregated in the database); samples still spooled for delivery are
   * counted once the primary has them. While the primary is away, the spooled samples alone.
   */
  async summarizeHealthSamples(options: HealthSummaryQuery): Promise<HealthSummary> {
    this.#assertOpen();
    // A malformed query is the caller's mistake, not a sign that the database is down.
    const problem = healthSummaryQueryProblem(options);
    if (problem !== undefined) throw new StoreError(`summarizeHealthSamples: ${problem}`);
    if (this.#outage === undefined) {
      try {
        return await this.#primaryRead(() => this.#primary.summarizeHealthSamples(options));
      } catch (error) {
        if (this.#closing !== undefined) throw error;
        this.#markDown(error);
      }
    }
    const spooled = latestVersions<HealthSample>(this.#spool.pendingHealthSamples(options), (s) => s.id);
    return summarizeHealthSamples(spooled, options);
  }

  /**
   * The primary's answer with the spool's newer versions laid over it; while the primary is
   * away, the spool and the recent-state table answer alone.
   */
  async #readMerged<T extends object>(
    query: RecordQuery<T>,
    readPending: () => LocalVersion[],
    readPrimary: () => Promise<readonly T[]>,
    readRecent: () => LocalVersion[],
  ): Promise<T[]> {
    this.#assertOpen();
    if (this.#outage === undefined) {
      try {
        const primaryRows = await this.#primaryRead(readPrimary);
        this.#assertOpen();
        // Read the spool only now: a row leaves it only once the primary has it, so whatever is
        // still pending at this instant is at least as new as what the primary just returned.
        return overlay(primaryRows, latestVersions<T>(readPending(), query.key), query);
      } catch (error) {
        if (this.#closing !== undefined) throw error;
        this.#markDown(error);
      }
    }
    const local = latestVersions<T>([...readRecent(), ...readPending()], query.key);
    return query.finish(local.filter((row) => query.matches(row)));
  }

  /**
   * A host report says the agent is alive now: it goes straight to the primary and is never
   * spooled (a replayed one would claim a time it was not seen). While the database is away the
   * call fails like any primary call; the next report after it returns brings `last_seen_at` back.
   */
  async saveHostReport(options: { readonly report: HostReport }): Promise<void> {
    await this.#primaryCall(async () => {
      const outcome = await this.#race(this.#primary.saveHostReport(options), this.#batchWriteTimeoutMs);
      if (outcome === 'timeout') throw new StoreError(`no answer within ${this.#batchWriteTimeoutMs} ms`);
    });
  }

  /** Every host's report, from the primary only: the spool holds none. */
  async listHosts(): Promise<readonly HostReport[]> {
    return this.#primaryCall(() => this.#primaryRead(() => this.#primary.listHosts()));
  }

  async pruneHealthSamples(options: {
    readonly before: number;
    readonly batchSize?: number;
  }): Promise<number> {
    return this.#primaryCall(() => this.#primary.pruneHealthSamples(options));
  }

  // ---- delivery ----

  pending(): SpoolStatus {
    return {
      // Still true after close(): what is left waits in the file for the next start.
      ...this.#spool.counts(),
      oldestAt: this.#spool.closed ? null : this.#spool.oldestSpooledAt(),
      droppedHealthSamples: this.#spool.droppedHealthSamples,
      fileBytes: this.#spool.fileBytes(),
      primary: this.#outage === undefined ? 'up' : 'down',
      writeFailure: this.#health.writeFailure,
      failedWrites: this.#health.failedWrites,
      lostRecords: this.#health.lostRecords,
    };
  }

  onAlert(listener: (alert: SpoolAlert) => void): () => void {
    return this.#health.onAlert(listener);
  }

  async flush(): Promise<void> {
    this.#assertOpen();
    if (!(await this.#deliverBacklog())) {
      const { rows } = this.#spool.counts();
      throw new StoreError(`the database did not take the spool's backlog; ${rows} rows still spooled`);
    }
  }

  /** One delivery run at a time, so rows reach the primary in spool order. */
  #deliverBacklog(): Promise<boolean> {
    this.#delivering ??= this.#deliverAll().finally(() => {
      this.#delivering = undefined;
    });
    return this.#delivering;
  }

  async #deliverAll(): Promise<boolean> {
    try {
      let delivered = 0;
      let chunk: SpoolRow[] = [];
      for (;;) {
        if (this.#spool.closed) return false;
        if (chunk.length === 0) {
          // Read a chunk once and deliver it group by group; protect all of it from dropping
          // so that what is counted as dropped was really never sent.
          chunk = this.#spool.head(this.#replayBatchSize);
          this.#inFlightUpTo = chunk.at(-1)?.seq ?? 0;
        }
        const group = leadingGroup(chunk);
        const first = group[0];
        const last = group.at(-1);
        if (first === undefined || last === undefined) break;
        chunk = chunk.slice(group.length);
        await this.#deliverGroup(group);
        if (!this.#removeDelivered(first, last)) {
          // The primary has them: whoever waits for these rows can go on.
          this.#settleWaiters(last.seq);
          return false;
        }
        delivered += group.length;
        if (this.#outage) this.#outage.replayed += group.length;
        this.#settleWaiters(last.seq);
        this.#checkPressureEased();
      }
      if (this.#outage !== undefined && delivered === 0) {
        // Nothing to deliver, so ask the primary something cheap to learn it is back.
        await this.#primaryRead(() => this.#primary.listIncidents({ limit: 1 }));
      }
      this.#backlogDelivered();
      return true;
    } catch (error) {
      if (!this.#spool.closed) this.#markDown(error);
      return false;
    } finally {
      this.#inFlightUpTo = 0;
    }
  }

  /**
   * Forgets rows the primary took. On a full disk even a delete can fail (WAL mode appends it):
   * that is the spool's trouble, not the database's, so it must not be taken for an outage; the
   * rows are delivered again (upserts: still once) when the spool has room.
   */
  #removeDelivered(first: SpoolRow, last: SpoolRow): boolean {
    try {
      this.#spool.remove(first.seq, last.seq);
      this.#health.succeeded();
      return true;
    } catch (error) {
      if (this.#spool.closed) return false;
      this.#health.failed({ what: first.kind, rows: last.seq - first.seq + 1, error });
      return false;
    }
  }

  async #deliverGroup(group: readonly SpoolRow[]): Promise<void> {
    const [row] = group;
    if (row === undefined) return;
    switch (row.kind) {
      case 'health_sample':
        return this.#primary.saveHealthSamples({
          samples: group.map((sample) => JSON.parse(sample.payload) as HealthSample),
        });
      case 'baseline':
        return this.#primary.saveBaselines({
          baselines: group.map((baseline) => JSON.parse(baseline.payload) as ContainerBaseline),
        });
      case 'incident':
        return this.#primary.saveIncident({ incident: JSON.parse(row.payload) as Incident });
      case 'healing_action':
        return this.#primary.saveHealingAction({ action: JSON.parse(row.payload) as HealingActionRecord });
      case 'approval':
        return this.#primary.saveApproval({ approval: JSON.parse(row.payload) as ApprovalRequest });
    }
  }

  /** The background loop: deliver when woken while healthy, retry with backoff while not. */
  async #run(): Promise<void> {
    let delay = this.#retryIntervalMs;
    while (!this.#stop.signal.aborted) {
      if (this.#outage === undefined) {
        if (this.#spool.counts().rows === 0) {
          await new Promise<void>((resolve) => {
            this.#wakeIdle = resolve;
          });
          continue;
        }
        if (await this.#deliverBacklog()) continue;
        delay = this.#retryIntervalMs;
      }
      try {
        // Only ever shorter than the nominal delay, so agents sharing a database that restarts
        // do not all come back in the same millisecond.
        await this.#clock.sleep(Math.round(delay * (0.8 + 0.2 * Math.random())), this.#stop.signal);
      } catch {
        return;
      }
      if (this.#outage === undefined) {
        delay = this.#retryIntervalMs;
        continue;
      }
      delay = (await this.#deliverBacklog())
        ? this.#retryIntervalMs
        : Math.min(delay * 2, this.#maxRetryIntervalMs);
    }
  }

  #wake(): void {
    const wake = this.#wakeIdle;
    this.#wakeIdle = undefined;
    wake?.();
  }

  #settleWaiters(upTo: number): void {
    for (const [seq, resolve] of this.#waiters) {
      if (seq <= upTo) {
        this.#waiters.delete(seq);
        resolve();
      }
    }
  }

  /** Logged once per outage, however many rows fail meanwhile. */
  #markDown(error: unknown): void {
    for (const resolve of this.#waiters.values()) resolve();
    this.#waiters.clear();
    if (this.#outage !== undefined) return;
    this.#outage = {
      since: this.#clock.now(),
      droppedBefore: this.#spool.droppedHealthSamples,
      replayed: 0,
    };
    this.#logger.log('error', 'store_unreachable', {
      error: describeError(error),
      spooled_rows: this.#spool.counts().rows,
      spool: this.#spool.path,
      retry_in_ms: this.#retryIntervalMs,
    });
    this.#wake();
  }

  #backlogDelivered(): void {
    const now = this.#clock.now();
    if (this.#outage !== undefined || this.#restartReplay !== undefined) this.#compact();
    if (this.#outage !== undefined) {
      const outage = this.#outage;
      this.#outage = undefined;
      this.#restartReplay = undefined;
      this.#logger.log('info', 'store_recovered', {
        down_ms: now - outage.since,
        replayed_rows: outage.replayed,
        dropped_health_samples: this.#spool.droppedHealthSamples - outage.droppedBefore,
      });
    } else if (this.#restartReplay !== undefined) {
      const replay = this.#restartReplay;
      this.#restartReplay = undefined;
      this.#logger.log('info', 'spool_replayed', { rows: replay.rows, duration_ms: now - replay.since });
    }
  }

  #compact(): void {
    try {
      this.#spool.compact();
    } catch (error) {
      this.#logger.log('warn', 'spool_compact_failed', {
        error: describeError(error),
        spool: this.#spool.path,
      });
    }
  }

  // ---- bounds ----

  /** Past `maxBytes`: drop the oldest health samples, never a must-keep row, and say so once. */
  #enforceBound(): void {
    const before = this.#spool.counts();
    if (before.bytes <= this.#maxBytes) return;
    const dropped = this.#spool.dropOldestHealthSamples(before.bytes - this.#maxBytes, this.#inFlightUpTo);
    const after = this.#spool.counts();
    if (dropped.rows > 0) {
      if (this.#pressure === undefined) {
        this.#pressure = { since: this.#clock.now(), dropped: 0, overCapacityLogged: false };
        this.#logger.log('error', 'spool_full', {
          message: 'spool is full: dropping the oldest health samples to keep incidents and actions',
          dropped_health_samples: dropped.rows,
          dropped_bytes: dropped.bytes,
          spooled_rows: after.rows,
          spooled_bytes: after.bytes,
          must_keep_rows: after.mustKeepRows,
          max_bytes: this.#maxBytes,
          spool: this.#spool.path,
        });
      }
      this.#pressure.dropped += dropped.rows;
    }
    if (after.bytes > this.#maxBytes) {
      this.#pressure ??= { since: this.#clock.now(), dropped: 0, overCapacityLogged: false };
      if (!this.#pressure.overCapacityLogged) {
        this.#pressure.overCapacityLogged = true;
        this.#logger.log('error', 'spool_over_capacity', {
          message: 'only incidents, actions and approvals are left; keeping them past max_bytes',
          spooled_rows: after.rows,
          spooled_bytes: after.bytes,
          must_keep_rows: after.mustKeepRows,
          max_bytes: this.#maxBytes,
          spool: this.#spool.path,
        });
      }
    }
  }

  /** An episode of pressure ends once delivery has brought the spool down to half its cap. */
  #checkPressureEased(): void {
    if (this.#pressure === undefined || this.#spool.counts().bytes > this.#maxBytes / 2) return;
    const pressure = this.#pressure;
    this.#pressure = undefined;
    this.#logger.log('warn', 'spool_full_cleared', {
      dropped_health_samples: pressure.dropped,
      duration_ms: this.#clock.now() - pressure.since,
    });
  }

  // ---- plumbing ----

  async #primaryRead<T>(read: () => Promise<T>): Promise<T> {
    let value: T | undefined;
    const outcome = await this.#race(
      read().then((result) => {
        value = result;
      }),
      this.#readTimeoutMs,
    );
    if (outcome === 'timeout') throw new StoreError(`no answer within ${this.#readTimeoutMs} ms`);
    return value as T;
  }

  /** Calls that have no local answer: the primary's error is the caller's, and marks an outage. */
  async #primaryCall<T>(call: () => Promise<T>): Promise<T> {
    this.#assertOpen();
    try {
      return await call();
    } catch (error) {
      this.#markDown(error);
      throw error;
    }
  }

  /** Resolves 'done' when `work` settles first (rethrowing its error), 'timeout' after `ms`. */
  async #race(work: Promise<unknown>, ms: number): Promise<Race> {
    const timer = new AbortController();
    // A call that loses the race may still fail later; that is not an unhandled rejection.
    work.catch(() => {});
    try {
      return await Promise.race([
        work.then((): Race => 'done'),
        this.#clock.sleep(ms, timer.signal).then(
          (): Race => 'timeout',
          () => new Promise<Race>(() => {}),
        ),
      ]);
    } finally {
      timer.abort();
    }
  }

  #assertOpen(): void {
    if (this.#closing !== undefined) throw new StoreError('the spooled store is closed');
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#stop.abort();
    this.#wake();
    if (this.#spool.counts().rows > 0) {
      const outcome = await this.#race(this.#deliverBacklog(), this.#closeTimeoutMs).catch(
        (): Race => 'timeout',
      );
      const left = this.#spool.counts();
      if (outcome === 'timeout' || left.rows > 0) {
        this.#logger.log('warn', 'spool_closed_with_backlog', {
          rows: left.rows,
          bytes: left.bytes,
          must_keep_rows: left.mustKeepRows,
          spool: this.#spool.path,
          note: 'replayed when the agent starts again',
        });
      }
    }
    this.#settleWaiters(Number.POSITIVE_INFINITY);
    this.#spool.close();
    try {
      await this.#primary.close();
    } catch (error) {
      this.#logger.log('warn', 'store_close_failed', { error: describeError(error) });
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function entryOf(
  record: { readonly id: string; readonly host: string; readonly containerName: string },
  at: number,
): SpoolEntry {
  return {
    recordId: record.id,
    host: record.host,
    containerName: record.containerName,
    at,
    payload: JSON.stringify(record),
  };
}

/** The newest version of each record, from versions in any order. */
function latestVersions<T>(versions: readonly LocalVersion[], key: (record: T) => string): T[] {
  const newest = new Map<string, { seq: number; record: T }>();
  for (const version of versions) {
    const record = JSON.parse(version.payload) as T;
    const known = newest.get(key(record));
    if (known === undefined || known.seq < version.seq) newest.set(key(record), { seq: version.seq, record });
  }
  return [...newest.values()].map((entry) => entry.record);
}

/** The first delivery unit of the head: a run of samples or of baselines (one batch call), or one row. */
function leadingGroup(head: readonly SpoolRow[]): SpoolRow[] {
  const [first] = head;
  if (first === undefined) return [];
  if (first.kind !== 'health_sample' && first.kind !== 'baseline') return [first];
  const group: SpoolRow[] = [];
  for (const row of head) {
    if (row.kind !== first.kind) break;
    group.push(row);
  }
  return group;
}
