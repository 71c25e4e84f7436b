import type { Clock, Logger } from '@website-monitor/core';
import { describeError } from '../describe-error/describe-error.js';
import { type SpoolWriteFailureReason, spoolWriteFailureReason } from '../spool-file/spool-write-failure.js';

/** What the spool holds: the kinds a write or a loss is counted under. */
export type SpooledKind = 'incident' | 'healing_action' | 'approval' | 'health_sample' | 'baseline';

/** The spool cannot take writes right now: a full disk, or a full `maxFileBytes`. */
export interface SpoolWriteFailure {
  /** When the first write of this episode failed. */
  readonly since: number;
  readonly reason: SpoolWriteFailureReason;
  /** The latest failure's message. */
  readonly error: string;
  /** Writes that failed in this episode. */
  readonly failedWrites: number;
  /** Records lost in this episode: neither the spool nor the database took them. */
  readonly lostRecords: number;
}

/**
 * Said once when the spool stops taking writes and once when it takes them again, never per
 * record: what a person should hear about (the notifier sends it on).
 */
export interface SpoolAlert {
  readonly kind: 'spool_full' | 'spool_recovered';
  readonly at: number;
  /** One line for a person. */
  readonly message: string;
  readonly details: Readonly<Record<string, string | number | null>>;
}

export interface SpoolHealthOptions {
  readonly path: string;
  readonly logger: Logger;
  readonly clock: Clock;
  /** A write that throws if the spool still cannot take one (`SpoolFile.probeWritable`). */
  readonly probe: () => void;
  /** First wait between probes while failing; doubles up to `maxRetryIntervalMs`. */
  readonly retryIntervalMs: number;
  readonly maxRetryIntervalMs: number;
  /**
   * An episode ends once writes work again and none has failed for this long, so a disk hovering
   * at full makes one episode (one alert), not one per record.
   */
  readonly quietMs: number;
  readonly signal: AbortSignal;
}

interface Episode {
  readonly since: number;
  reason: SpoolWriteFailureReason;
  error: string;
  lastFailureAt: number;
  failedWrites: number;
  lost: Map<SpooledKind, number>;
}

/**
 * Tracks whether the spool can be written, so that a full disk is loud: one `spool_unwritable`
 * ERROR line and one alert per episode, a `record_lost` ERROR line for each incident, action or
 * approval that neither the spool nor the database took, counters for metrics, and the state
 * `/healthz` reports. While failing, it probes the file with backoff to learn when room is back.
 */
export class SpoolHealth {
  readonly #options: SpoolHealthOptions;
  readonly #listeners = new Set<(alert: SpoolAlert) => void>();
  #episode: Episode | undefined;
  #probing = false;
  #failedWrites = 0;
  readonly #lostRecords = new Map<SpooledKind, number>();

  constructor(options: SpoolHealthOptions) {
    this.#options = options;
  }

  /** The current episode, or null while the spool takes writes. */
  get writeFailure(): SpoolWriteFailure | null {
    const episode = this.#episode;
    if (episode === undefined) return null;
    return {
      since: episode.since,
      reason: episode.reason,
      error: episode.error,
      failedWrites: episode.failedWrites,
      lostRecords: sum(episode.lost),
    };
  }

  /** Failed spool writes since the store was created. */
  get failedWrites(): number {
    return this.#failedWrites;
  }

  /** Records lost (neither spooled nor in the database) since the store was created, by kind. */
  get lostRecords(): Readonly<Record<SpooledKind, number>> {
    return {
      incident: this.#lostRecords.get('incident') ?? 0,
      healing_action: this.#lostRecords.get('healing_action') ?? 0,
      approval: this.#lostRecords.get('approval') ?? 0,
      health_sample: this.#lostRecords.get('health_sample') ?? 0,
      baseline: this.#lostRecords.get('baseline') ?? 0,
    };
  }

  onAlert(listener: (alert: SpoolAlert) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A spool write threw: start an episode (loudly) or add to the current one (quietly). */
  failed(input: { readonly what: SpooledKind; readonly rows: number; readonly error: unknown }): void {
    const now = this.#options.clock.now();
    const reason = spoolWriteFailureReason(input.error);
    const error = describeError(input.error);
    this.#failedWrites += 1;
    const episode = this.#episode;
    if (episode !== undefined) {
      episode.failedWrites += 1;
      episode.lastFailureAt = now;
      episode.reason = reason;
      episode.error = error;
      this.#options.logger.log('debug', 'spool_write_failed', { what: input.what, rows: input.rows, error });
      return;
    }
    this.#episode = { since: now, reason, error, lastFailureAt: now, failedWrites: 1, lost: new Map() };
    const message =
      reason === 'disk_full'
        ? `the spool at ${this.#options.path} is full (${error}): incidents, actions and approvals are kept only while the database answers`
        : `the spool at ${this.#options.path} cannot be written (${error}): incidents, actions and approvals are kept only while the database answers`;
    this.#options.logger.log('error', 'spool_unwritable', {
      message,
      reason,
      error,
      what: input.what,
      rows: input.rows,
      spool: this.#options.path,
    });
    this.#emit({
      kind: 'spool_full',
      at: now,
      message,
      details: { reason, error, spool: this.#options.path, first_failed_write: input.what },
    });
    void this.#probeUntilWritable();
  }

  /** Neither the spool nor the database took these records: gone. */
  lost(input: { readonly what: SpooledKind; readonly rows: number; readonly id?: string }): void {
    this.#lostRecords.set(input.what, (this.#lostRecords.get(input.what) ?? 0) + input.rows);
    const episode = this.#episode;
    const firstOfKind = episode !== undefined && !episode.lost.has(input.what);
    if (episode !== undefined) episode.lost.set(input.what, (episode.lost.get(input.what) ?? 0) + input.rows);
    const mustKeep =
      input.what === 'incident' || input.what === 'healing_action' || input.what === 'approval';
    // Each lost incident, action or approval is worth its own line; samples and baselines are
    // many and repetitive: the first loss of an episode says so, the recovery gives the total.
    if (!mustKeep && !firstOfKind) return;
    this.#options.logger.log('error', 'record_lost', {
      message: `${input.rows === 1 ? `${input.what} ${input.id ?? ''}`.trim() : `${input.rows} ${input.what} records`} lost: neither the spool nor the database took it`,
      what: input.what,
      rows: input.rows,
      ...(input.id === undefined ? {} : { id: input.id }),
      spool: this.#options.path,
    });
  }

  /** A spool write worked: the episode may be over. */
  succeeded(): void {
    const episode = this.#episode;
    if (episode === undefined) return;
    const now = this.#options.clock.now();
    if (now - episode.lastFailureAt < this.#options.quietMs) return;
    this.#episode = undefined;
    const lost = Object.fromEntries([...episode.lost].map(([kind, rows]) => [`lost_${kind}`, rows]));
    const lostRecords = sum(episode.lost);
    const message = `the spool at ${this.#options.path} takes writes again after ${Math.round((now - episode.since) / 1000)} s; ${lostRecords} records were lost meanwhile`;
    this.#options.logger.log('warn', 'spool_writable_again', {
      message,
      duration_ms: now - episode.since,
      failed_writes: episode.failedWrites,
      lost_records: lostRecords,
      ...lost,
      spool: this.#options.path,
    });
    this.#emit({
      kind: 'spool_recovered',
      at: now,
      message,
      details: {
        duration_ms: now - episode.since,
        failed_writes: episode.failedWrites,
        lost_records: lostRecords,
        ...lost,
        spool: this.#options.path,
      },
    });
  }

  /** While an episode lasts, try a write now and then, so its end is noticed without traffic. */
  async #probeUntilWritable(): Promise<void> {
    if (this.#probing) return;
    this.#probing = true;
    let delay = this.#options.retryIntervalMs;
    try {
      while (this.#episode !== undefined && !this.#options.signal.aborted) {
        await this.#options.clock.sleep(delay, this.#options.signal);
        try {
          this.#options.probe();
        } catch (error) {
          const episode = this.#episode;
          if (episode !== undefined) {
            episode.lastFailureAt = this.#options.clock.now();
            episode.error = describeError(error);
          }
          delay = Math.min(delay * 2, this.#options.maxRetryIntervalMs);
          continue;
        }
        this.succeeded();
        delay = this.#options.retryIntervalMs;
      }
    } catch {
      // Aborted: the store is closing.
    } finally {
      this.#probing = false;
    }
  }

  #emit(alert: SpoolAlert): void {
    for (const listener of this.#listeners) {
      try {
        listener(alert);
      } catch (error) {
        this.#options.logger.log('warn', 'spool_alert_listener_failed', { error: describeError(error) });
      }
    }
  }
}

function sum(counts: ReadonlyMap<unknown, number>): number {
  let total = 0;
  for (const value of counts.values()) total += value;
  return total;
}
