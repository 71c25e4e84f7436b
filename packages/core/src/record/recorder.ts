import type { ContainerBaseline } from '../domain/baseline.js';
import type { ApprovalRequest, HealingActionRecord } from '../domain/healing-action.js';
import type { HealthSample } from '../domain/health.js';
import type { Incident } from '../domain/incident.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Store } from '../ports/store.js';

export interface RecorderOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Health samples are written in batches of at most this many rows. */
  readonly maxBatchSize?: number;
  /** ...and at least this often. */
  readonly flushIntervalMs?: number;
}

/**
 * Writes everything the agent sees and does through the Store port. Incidents, actions and
 * approvals are awaited, so a record exists before the agent acts; health samples are buffered and
 * written in batches because there are many of them and losing the newest second of samples in a
 * crash costs nothing. A failing store is logged, never thrown into the healing path: healing
 * goes on without a database.
 */
export class Recorder {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #maxBatchSize: number;
  readonly #flushIntervalMs: number;
  #pending: HealthSample[] = [];
  #flushing: Promise<void> = Promise.resolve();
  #loop: Promise<void> | undefined;
  #abort = new AbortController();

  constructor(options: RecorderOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#maxBatchSize = options.maxBatchSize ?? 500;
    this.#flushIntervalMs = options.flushIntervalMs ?? 1000;
  }

  get store(): Store {
    return this.#store;
  }

  start(): void {
    if (this.#loop) return;
    this.#abort = new AbortController();
    const signal = this.#abort.signal;
    this.#loop = (async () => {
      while (!signal.aborted) {
        try {
          await this.#clock.sleep(this.#flushIntervalMs, signal);
        } catch {
          return;
        }
        await this.flush();
      }
    })();
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
    this.#loop = undefined;
    await this.flush();
  }

  addHealthSample(sample: HealthSample): void {
    this.#pending.push(sample);
    if (this.#pending.length >= this.#maxBatchSize) void this.flush();
  }

  /** Writes buffered samples; batches are written one after another, in order. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      while (this.#pending.length > 0) {
        const batch = this.#pending.splice(0, this.#maxBatchSize);
        try {
          await this.#store.saveHealthSamples({ samples: batch });
        } catch (error) {
          this.#logger.log('error', 'store_write_failed', {
            what: 'health_samples',
            rows: batch.length,
            error: describe(error),
          });
        }
      }
    });
    return this.#flushing;
  }

  saveIncident(incident: Incident): Promise<void> {
    return this.#write('incident', () => this.#store.saveIncident({ incident }));
  }

  saveHealingAction(action: HealingActionRecord): Promise<void> {
    return this.#write('healing_action', () => this.#store.saveHealingAction({ action }));
  }

  saveBaselines(baselines: readonly ContainerBaseline[]): Promise<void> {
    return this.#write('baselines', () => this.#store.saveBaselines({ baselines }));
  }

  saveApproval(approval: ApprovalRequest): Promise<void> {
    return this.#write('approval', () => this.#store.saveApproval({ approval }));
  }

  async #write(what: string, write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.#logger.log('error', 'store_write_failed', { what, error: describe(error) });
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
