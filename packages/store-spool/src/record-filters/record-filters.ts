import type {
  ApprovalRequest,
  ContainerBaseline,
  HealingActionRecord,
  HealthSample,
  Incident,
  Store,
} from '@website-monitor/core';

export type IncidentQuery = Parameters<Store['listIncidents']>[0];
export type HealingActionQuery = Parameters<Store['listHealingActions']>[0];
export type HealthSampleQuery = Parameters<Store['listHealthSamples']>[0];
export type ApprovalQuery = Parameters<Store['listApprovals']>[0];
export type BaselineQuery = Parameters<Store['listBaselines']>[0];

/**
 * How one kind of record is filtered and ordered, exactly as the Store port documents it, so rows
 * the spool answers with are indistinguishable from rows the database answers with.
 */
export interface RecordQuery<T> {
  /** What makes two versions the same record (its id, or a baseline's host, container and metric). */
  key(record: T): string;
  matches(record: T): boolean;
  /** Puts rows in the port's order and applies its limit. */
  finish(records: T[]): T[];
}

export function incidentQuery(options: IncidentQuery): RecordQuery<Incident> {
  return {
    key: byId,
    matches: (i) =>
      (options.host === undefined || i.host === options.host) &&
      (options.containerName === undefined || i.containerName === options.containerName) &&
      (options.since === undefined || i.openedAt >= options.since) &&
      (options.statuses === undefined || options.statuses.includes(i.status)),
    finish: (rows) => {
      const sorted = rows.sort((a, b) => b.openedAt - a.openedAt);
      return options.limit === undefined ? sorted : sorted.slice(0, options.limit);
    },
  };
}

export function healingActionQuery(options: HealingActionQuery): RecordQuery<HealingActionRecord> {
  return {
    key: byId,
    matches: (a) =>
      (options.host === undefined || a.host === options.host) &&
      (options.incidentId === undefined || a.incidentId === options.incidentId) &&
      (options.containerName === undefined || a.containerName === options.containerName) &&
      (options.since === undefined || a.startedAt >= options.since),
    finish: (rows) =>
      newest(
        rows.sort((a, b) => a.startedAt - b.startedAt),
        options.limit,
      ),
  };
}

export function healthSampleQuery(options: HealthSampleQuery): RecordQuery<HealthSample> {
  return {
    key: byId,
    matches: (s) =>
      (options.host === undefined || s.host === options.host) &&
      (options.containerName === undefined || s.containerName === options.containerName) &&
      (options.since === undefined || s.checkedAt >= options.since),
    finish: (rows) => {
      return newest(
        rows.sort((a, b) => a.checkedAt - b.checkedAt),
        options.limit,
      );
    },
  };
}

export function approvalQuery(options: ApprovalQuery): RecordQuery<ApprovalRequest> {
  return {
    key: byId,
    matches: (a) =>
      (options.host === undefined || a.host === options.host) &&
      (options.ids === undefined || options.ids.includes(a.id)) &&
      (options.statuses === undefined || options.statuses.includes(a.status)),
    finish: (rows) => rows.sort((a, b) => a.requestedAt - b.requestedAt),
  };
}

const byId = (record: { readonly id: string }): string => record.id;

/** The newest `limit` rows of an oldest-first list, still oldest first (`slice(-0)` would keep all). */
function newest<T>(rows: T[], limit: number | undefined): T[] {
  if (limit === undefined) return rows;
  return limit === 0 ? [] : rows.slice(-limit);
}

/**
 * Lays newer local versions over what the primary returned: a local version replaces the
 * primary's row with the same id, and removes it when the newer version no longer matches (an
 * incident the primary still has as open but that was resolved while it was away).
 */
export function overlay<T>(
  primaryRows: readonly T[],
  newerVersions: readonly T[],
  query: RecordQuery<T>,
): T[] {
  const byKey = new Map<string, T>();
  for (const row of primaryRows) byKey.set(query.key(row), row);
  for (const row of newerVersions) {
    if (query.matches(row)) byKey.set(query.key(row), row);
    else byKey.delete(query.key(row));
  }
  return query.finish([...byKey.values()]);
}

/** Baselines are upserted by host, container and metric (they have no id of their own). */
export function baselineKey(baseline: ContainerBaseline): string {
  return `${baseline.host}\u0000${baseline.containerName}\u0000${baseline.metric}`;
}

export function baselineQuery(options: BaselineQuery): RecordQuery<ContainerBaseline> {
  return {
    key: baselineKey,
    matches: (b) =>
      (options.host === undefined || b.host === options.host) &&
      (options.containerName === undefined || b.containerName === options.containerName),
    finish: (rows) =>
      rows.sort((a, b) => a.containerName.localeCompare(b.containerName) || a.metric.localeCompare(b.metric)),
  };
}
