import type { ContainerBaseline } from '../domain/baseline.js';
import type { ApprovalRequest, HealingActionRecord } from '../domain/healing-action.js';
import type { HealthSample } from '../domain/health.js';
import type { Incident, IncidentStatus } from '../domain/incident.js';

/**
 * Where incidents, health samples, healing attempts and approvals are kept. Writes are upserts
 * keyed by `id`, so replaying a write is harmless. Implementations: `MemoryStore` (testing),
 * and the durable stores of later packages, which all pass `storeContract` from core/testing.
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
  /** Oldest first. */
  listHealingActions(options: {
    readonly host?: string;
    readonly incidentId?: string;
    readonly containerName?: string;
    readonly since?: number;
  }): Promise<readonly HealingActionRecord[]>;
  /** Oldest first. */
  listHealthSamples(options: {
    readonly host?: string;
    readonly containerName?: string;
    readonly since?: number;
    readonly limit?: number;
  }): Promise<readonly HealthSample[]>;
  listApprovals(options: {
    readonly host?: string;
    readonly statuses?: readonly ApprovalRequest['status'][];
  }): Promise<readonly ApprovalRequest[]>;

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
   * Optional: removes resolved or escalated incidents opened before `before`, with their healing
   * actions (`storage.incident_retention_days`; by default incidents are kept).
   */
  pruneIncidents?(options: { readonly before: number }): Promise<number>;

  close(): Promise<void>;
}
