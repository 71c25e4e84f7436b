import type {
  ApprovalRequest,
  ContainerBaseline,
  HealingActionRecord,
  HealthSample,
  HealthSummary,
  HealthSummaryQuery,
  HostReport,
  Incident,
  Store,
} from '@website-monitor/core';
import { MemoryStore } from '@website-monitor/core/testing';

/**
 * - `up`: every call reaches the database.
 * - `down`: every call fails, as a refused connection would.
 * - `writes_down`: reads work, writes fail (a read-only replica, a full disk).
 * - `ack_lost`: a write reaches the database, then the answer is lost and the call fails.
 */
export type FlakyMode = 'up' | 'down' | 'writes_down' | 'ack_lost';

export interface WriteAttempt {
  readonly kind: 'incident' | 'healing_action' | 'approval' | 'health_samples' | 'baselines' | 'host_report';
  /** The record ids of the call, in order (several for a batch; `container/metric` for baselines). */
  readonly ids: readonly string[];
  readonly accepted: boolean;
}

/**
 * A primary store whose failures a test switches on and off. The `database` outlives the client,
 * as a real database outlives an agent: `close()` closes only the client.
 */
export class FlakyStore implements Store {
  mode: FlakyMode = 'up';
  readonly database: MemoryStore;
  readonly attempts: WriteAttempt[] = [];
  failure = 'connect ECONNREFUSED 127.0.0.1:5432 (postgres://monitor:s3cret@127.0.0.1:5432/monitor)';
  closed = false;
  #gate: Promise<void> | undefined;

  constructor(database = new MemoryStore()) {
    this.database = database;
  }

  /** Makes every write wait until the returned function is called (a slow or hung primary). */
  hold(): () => void {
    let release!: () => void;
    this.#gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    return () => {
      this.#gate = undefined;
      release();
    };
  }

  /** Ids the database accepted, in the order it accepted them. */
  acceptedIds(): string[] {
    return this.attempts.filter((attempt) => attempt.accepted).flatMap((attempt) => attempt.ids);
  }

  saveHealthSamples(options: { readonly samples: readonly HealthSample[] }): Promise<void> {
    return this.#write(
      'health_samples',
      options.samples.map((s) => s.id),
      () => this.database.saveHealthSamples(options),
    );
  }

  saveIncident(options: { readonly incident: Incident }): Promise<void> {
    return this.#write('incident', [options.incident.id], () => this.database.saveIncident(options));
  }

  saveHealingAction(options: { readonly action: HealingActionRecord }): Promise<void> {
    return this.#write('healing_action', [options.action.id], () => this.database.saveHealingAction(options));
  }

  saveApproval(options: { readonly approval: ApprovalRequest }): Promise<void> {
    return this.#write('approval', [options.approval.id], () => this.database.saveApproval(options));
  }

  saveBaselines(options: { readonly baselines: readonly ContainerBaseline[] }): Promise<void> {
    return this.#write(
      'baselines',
      options.baselines.map((b) => `${b.containerName}/${b.metric}`),
      () => this.database.saveBaselines(options),
    );
  }

  async listBaselines(options: Parameters<Store['listBaselines']>[0]): Promise<readonly ContainerBaseline[]> {
    await this.#read();
    return this.database.listBaselines(options);
  }

  async listIncidents(options: Parameters<Store['listIncidents']>[0]): Promise<readonly Incident[]> {
    await this.#read();
    return this.database.listIncidents(options);
  }

  async listHealingActions(
    options: Parameters<Store['listHealingActions']>[0],
  ): Promise<readonly HealingActionRecord[]> {
    await this.#read();
    return this.database.listHealingActions(options);
  }

  async listHealthSamples(
    options: Parameters<Store['listHealthSamples']>[0],
  ): Promise<readonly HealthSample[]> {
    await this.#read();
    return this.database.listHealthSamples(options);
  }

  async listApprovals(options: Parameters<Store['listApprovals']>[0]): Promise<readonly ApprovalRequest[]> {
    await this.#read();
    return this.database.listApprovals(options);
  }

  async summarizeHealthSamples(options: HealthSummaryQuery): Promise<HealthSummary> {
    await this.#read();
    return this.database.summarizeHealthSamples(options);
  }

  async pruneHealthSamples(options: {
    readonly before: number;
    readonly batchSize?: number;
  }): Promise<number> {
    await this.#read();
    return this.database.pruneHealthSamples(options);
  }

  saveHostReport(options: { readonly report: HostReport }): Promise<void> {
    return this.#write('host_report', [options.report.host], () => this.database.saveHostReport(options));
  }

  async listHosts(): Promise<readonly HostReport[]> {
    await this.#read();
    return this.database.listHosts();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  async #write(
    kind: WriteAttempt['kind'],
    ids: readonly string[],
    write: () => Promise<void>,
  ): Promise<void> {
    if (this.closed) throw new Error('client is closed');
    await this.#gate;
    const accepted = this.mode === 'up' || this.mode === 'ack_lost';
    this.attempts.push({ kind, ids, accepted });
    if (!accepted) throw this.#error();
    await write();
    if (this.mode === 'ack_lost') throw new Error('Connection terminated unexpectedly');
  }

  async #read(): Promise<void> {
    if (this.closed) throw new Error('client is closed');
    if (this.mode === 'down') throw this.#error();
  }

  #error(): Error {
    return Object.assign(new Error(this.failure), { code: 'ECONNREFUSED' });
  }
}
