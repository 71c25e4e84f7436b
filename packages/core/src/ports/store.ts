import type { ContainerBaseline } from '../domain/baseline.js';
import type { ApprovalRequest, HealingActionRecord } from '../domain/healing-action.js';
import type { HealthSample } from '../domain/health.js';
import type { HealthSummary, HealthSummaryQuery } from '../domain/health-summary.js';
import type { HostReport } from '../domain/host-report.js';
import type { Incident, IncidentStatus } from '../domain/incident.js';

/**
 * Where incidents, health samples, healing attempts and approvals are kept. Writes are upserts
 * keyed by `id`, so replaying a write is harmless. Implementations: `MemoryStore` (testing),
 * and the durable stores of later packages, which all pass `storeContract` from core/testing.
 *
 * Reads are bounded by their caller: a `limit` is applied by the store itself (a SQL store puts
 * it in the query, so a month of rows is never loaded to return one), and a summary of many
 * samples is `summarizeHealthSamples`, aggregated by the store, never computed from a list.
 * A `limit` is a whole number of at least 0.
 */
export interface Store {
  saveHealthSamples(options: { readonly samples: readonly HealthSample[] }): Promise<void>;
  saveIncident(options: { readonly incident: Incident }): Promise<void>;
  saveHealingAction(options: { readonly action: HealingActionRecord }): Promise<void>;
  saveApproval(options: { readonly approval: ApprovalRequest }): Promise<void>;

  /** Newest first. */
  listIncidents(options: {
    readonly host?: string;
    readonly containerName?: string;
    readonly since?: number;
    readonly statuses?: readonly IncidentStatus[];
    readonly limit?: number;
  }): Promise<readonly Incident[]>;
  /** Oldest first; with `limit`, the newest `limit` of them (still oldest first). */
  listHealingActions(options: {
    readonly host?: string;
    readonly incidentId?: string;
    readonly containerName?: string;
    readonly since?: number;
    readonly limit?: number;
  }): Promise<readonly HealingActionRecord[]>;
  /** Oldest first; with `limit`, the newest `limit` of them (still oldest first). */
  listHealthSamples(options: {
    readonly host?: string;
    readonly containerName?: string;
    readonly since?: number;
    readonly limit?: number;
  }): Promise<readonly HealthSample[]>;
  /** Oldest first. `ids` reads only those requests (e.g. the one a person is deciding). */
  listApprovals(options: {
    readonly host?: string;
    readonly ids?: readonly string[];
    readonly statuses?: readonly ApprovalRequest['status'][];
  }): Promise<readonly ApprovalRequest[]>;
  /**
   * Counts, averages and extremes of one container's samples since `since` (rounded down to the
   * minute), and with `bucketMs` the same per bucket: aggregated by the store, so the cost
   * follows the window's length, not the number of samples in it. Rejects a `bucketMs` that is
   * not a whole number of minutes.
   */
  summarizeHealthSamples(options: HealthSummaryQuery): Promise<HealthSummary>;

  /**
   * Retention: removes health samples checked before `before`, at most `batchSize` rows per
   * statement so no lock is held for long. Resolves with the number removed.
   */
  pruneHealthSamples(options: { readonly before: number; readonly batchSize?: number }): Promise<number>;

  /** Learned baselines (NESTED inner layer), upserted by host + container name + metric. */
  saveBaselines(options: { readonly baselines: readonly ContainerBaseline[] }): Promise<void>;
  listBaselines(options: {
    readonly host?: string;
    readonly containerName?: string;
  }): Promise<readonly ContainerBaseline[]>;

  /**
   * Each agent's report about its host (`monitor_hosts`), upserted by `report.host`: written at
   * start and every `hosts.report_interval`, read by any agent for the fleet view.
   */
  saveHostReport(options: { readonly report: HostReport }): Promise<void>;
  /** Every host's latest report, sorted by host. */
  listHosts(options?: Record<string, never>): Promise<readonly HostReport[]>;

  /**
   * Optional: removes resolved or escalated incidents opened before `before`, with their healing
   * actions (`storage.incident_retention_days`; by default incidents are kept).
   */
  pruneIncidents?(options: { readonly before: number }): Promise<number>;

  close(): Promise<void>;
}
