import type { ContainerBaseline } from '../domain/baseline.js';
import type { ApprovalRequest, HealingActionRecord } from '../domain/healing-action.js';
import type { HealthSample } from '../domain/health.js';
import {
  type HealthSummary,
  type HealthSummaryQuery,
  healthSummaryQueryProblem,
  summarizeHealthSamples,
} from '../domain/health-summary.js';
import type { HostReport } from '../domain/host-report.js';
import type { Incident } from '../domain/incident.js';
import { MemoryEngineLeases } from '../lease/memory-engine-leases.js';
import type { EngineLeaseStore } from '../ports/engine-lease.js';
import type { Store } from '../ports/store.js';

/**
 * The reference Store: everything in memory, the same upsert-by-id semantics the durable stores
 * must match. Also what the agent uses when no durable store is configured.
 *
 * @example
 * ```ts
 * import { MemoryStore } from '@website-monitor/core/testing';
 *
 * const store = new MemoryStore();
 * const agent = new WebsiteMonitorAgent({ config, runtime, store });
 * // ...
 * const [incident] = await store.listIncidents({ containerName: 'web', limit: 1 });
 * ```
 */
export class MemoryStore implements Store, EngineLeaseStore {
  readonly #incidents = new Map<string, Incident>();
  readonly #actions = new Map<string, HealingActionRecord>();
  readonly #samples = new Map<string, HealthSample>();
  readonly #approvals = new Map<string, ApprovalRequest>();
  readonly #baselines = new Map<string, ContainerBaseline>();
  readonly #hosts = new Map<string, HostReport>();
  readonly #leases = new MemoryEngineLeases();
  #closed = false;

  async saveHealthSamples({ samples }: { readonly samples: readonly HealthSample[] }): Promise<void> {
    this.#assertOpen();
    for (const sample of samples) this.#samples.set(sample.id, sample);
  }

  async saveIncident({ incident }: { readonly incident: Incident }): Promise<void> {
    this.#assertOpen();
    this.#incidents.set(incident.id, incident);
  }

  async saveHealingAction({ action }: { readonly action: HealingActionRecord }): Promise<void> {
    this.#assertOpen();
    this.#actions.set(action.id, action);
  }

  async saveApproval({ approval }: { readonly approval: ApprovalRequest }): Promise<void> {
    this.#assertOpen();
    this.#approvals.set(approval.id, approval);
  }

  async listIncidents(options: Parameters<Store['listIncidents']>[0]): Promise<readonly Incident[]> {
    this.#assertOpen();
    const rows = [...this.#incidents.values()]
      .filter((i) => options.host === undefined || i.host === options.host)
      .filter((i) => options.containerName === undefined || i.containerName === options.containerName)
      .filter((i) => options.since === undefined || i.openedAt >= options.since)
      .filter((i) => options.statuses === undefined || options.statuses.includes(i.status))
      .sort((a, b) => b.openedAt - a.openedAt);
    return options.limit === undefined ? rows : rows.slice(0, checkedLimit(options.limit));
  }

  async listHealingActions(
    options: Parameters<Store['listHealingActions']>[0],
  ): Promise<readonly HealingActionRecord[]> {
    this.#assertOpen();
    const rows = [...this.#actions.values()]
      .filter((a) => options.host === undefined || a.host === options.host)
      .filter((a) => options.incidentId === undefined || a.incidentId === options.incidentId)
      .filter((a) => options.containerName === undefined || a.containerName === options.containerName)
      .filter((a) => options.since === undefined || a.startedAt >= options.since)
      .sort((a, b) => a.startedAt - b.startedAt);
    return options.limit === undefined ? rows : newest(rows, checkedLimit(options.limit));
  }

  async listHealthSamples(
    options: Parameters<Store['listHealthSamples']>[0],
  ): Promise<readonly HealthSample[]> {
    this.#assertOpen();
    const rows = [...this.#samples.values()]
      .filter((s) => options.host === undefined || s.host === options.host)
      .filter((s) => options.containerName === undefined || s.containerName === options.containerName)
      .filter((s) => options.since === undefined || s.checkedAt >= options.since)
      .sort((a, b) => a.checkedAt - b.checkedAt);
    return options.limit === undefined ? rows : newest(rows, checkedLimit(options.limit));
  }

  async summarizeHealthSamples(query: HealthSummaryQuery): Promise<HealthSummary> {
    this.#assertOpen();
    const problem = healthSummaryQueryProblem(query);
    if (problem !== undefined) throw new Error(`MemoryStore: ${problem}`);
    return summarizeHealthSamples(this.#samples.values(), query);
  }

  async listApprovals(options: Parameters<Store['listApprovals']>[0]): Promise<readonly ApprovalRequest[]> {
    this.#assertOpen();
    return [...this.#approvals.values()]
      .filter((a) => options.host === undefined || a.host === options.host)
      .filter((a) => options.ids === undefined || options.ids.includes(a.id))
      .filter((a) => options.statuses === undefined || options.statuses.includes(a.status))
      .sort((a, b) => a.requestedAt - b.requestedAt);
  }

  async saveBaselines({ baselines }: { readonly baselines: readonly ContainerBaseline[] }): Promise<void> {
    this.#assertOpen();
    for (const baseline of baselines) {
      this.#baselines.set(
        `${baseline.host}\u0000${baseline.containerName}\u0000${baseline.metric}`,
        baseline,
      );
    }
  }

  async listBaselines(
    options: { readonly host?: string; readonly containerName?: string } = {},
  ): Promise<readonly ContainerBaseline[]> {
    this.#assertOpen();
    return [...this.#baselines.values()]
      .filter((b) => options.host === undefined || b.host === options.host)
      .filter((b) => options.containerName === undefined || b.containerName === options.containerName)
      .sort((a, b) => a.containerName.localeCompare(b.containerName) || a.metric.localeCompare(b.metric));
  }

  async pruneHealthSamples(options: {
    readonly before: number;
    readonly batchSize?: number;
  }): Promise<number> {
    this.#assertOpen();
    let removed = 0;
    for (const [id, sample] of this.#samples) {
      if (sample.checkedAt < options.before) {
        this.#samples.delete(id);
        removed++;
      }
    }
    return removed;
  }

  // Engine leases (one agent acts per engine): the reference behaviour, in MemoryEngineLeases.
  async acquireEngineLease(options: Parameters<EngineLeaseStore['acquireEngineLease']>[0]) {
    this.#assertOpen();
    return this.#leases.acquireEngineLease(options);
  }

  async renewEngineLease(options: Parameters<EngineLeaseStore['renewEngineLease']>[0]) {
    this.#assertOpen();
    return this.#leases.renewEngineLease(options);
  }

  async releaseEngineLease(options: Parameters<EngineLeaseStore['releaseEngineLease']>[0]) {
    this.#assertOpen();
    return this.#leases.releaseEngineLease(options);
  }

  async readEngineLease(options: Parameters<EngineLeaseStore['readEngineLease']>[0]) {
    this.#assertOpen();
    return this.#leases.readEngineLease(options);
  }

  async saveHostReport({ report }: { readonly report: HostReport }): Promise<void> {
    this.#assertOpen();
    this.#hosts.set(report.host, { ...report });
  }

  async listHosts(): Promise<readonly HostReport[]> {
    this.#assertOpen();
    return [...this.#hosts.values()].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('MemoryStore is closed');
  }
}

function checkedLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new Error(`MemoryStore: limit must be a whole number of at least 0, got ${limit}`);
  }
  return limit;
}

/** The last `limit` rows (`slice(-0)` would be all of them). */
function newest<T>(rows: readonly T[], limit: number): T[] {
  return limit === 0 ? [] : rows.slice(-limit);
}
