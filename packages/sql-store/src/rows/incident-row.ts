import type {
  Diagnosis,
  Incident,
  IncidentHistoryEntry,
  IncidentStatus,
  Problem,
  ProblemKind,
} from '@website-monitor/core';
import type { Insertable, Selectable } from 'kysely';
import type { IncidentsTable } from '../database/database.js';
import { fromBoolean, fromJson, type SqlDialect } from '../dialect/sql-dialect.js';

export function incidentToRow(incident: Incident, dialect: SqlDialect): Insertable<IncidentsTable> {
  const { diagnosis } = incident;
  return {
    id: incident.id,
    host: incident.host,
    container_id: incident.containerId,
    container_name: incident.containerName,
    timestamp: dialect.toTime(incident.openedAt),
    trigger: incident.trigger,
    status: incident.status,
    exit_code: incident.exitCode,
    oom_killed: incident.oomKilled,
    problems: JSON.stringify(incident.problems),
    diagnosis: diagnosis === null ? null : JSON.stringify(diagnosis),
    // Copied out of the JSON so people can filter and group with plain SQL.
    diagnosis_source: diagnosis?.source ?? null,
    diagnosis_confidence: diagnosis?.confidence ?? null,
    recommended_action: diagnosis?.recommendedAction ?? null,
    urgency: diagnosis?.urgency ?? null,
    actions_taken: JSON.stringify(incident.actionsTaken),
    auto_healed: incident.autoHealed,
    escalation_reason: incident.escalationReason,
    resolved_at: incident.resolvedAt === null ? null : dialect.toTime(incident.resolvedAt),
    time_to_recover_ms: incident.resolvedAt === null ? null : incident.resolvedAt - incident.openedAt,
    updated_at: dialect.toTime(incident.updatedAt),
    history: incident.history === undefined ? null : JSON.stringify(incident.history),
    reopen_count: incident.reopenCount ?? 0,
  };
}

export function incidentFromRow(row: Selectable<IncidentsTable>, dialect: SqlDialect): Incident {
  return {
    id: row.id,
    host: row.host,
    containerId: row.container_id,
    containerName: row.container_name,
    trigger: row.trigger as ProblemKind,
    problems: fromJson<readonly Problem[]>(row.problems),
    status: row.status as IncidentStatus,
    openedAt: dialect.fromTime(row.timestamp),
    updatedAt: dialect.fromTime(row.updated_at),
    resolvedAt: row.resolved_at === null ? null : dialect.fromTime(row.resolved_at),
    exitCode: row.exit_code,
    oomKilled: fromBoolean(row.oom_killed),
    diagnosis: row.diagnosis === null ? null : fromJson<Diagnosis>(row.diagnosis),
    actionsTaken: fromJson<readonly string[]>(row.actions_taken),
    autoHealed: fromBoolean(row.auto_healed),
    escalationReason: row.escalation_reason,
    ...(row.history === null || row.history === undefined
      ? {}
      : { history: fromJson<readonly IncidentHistoryEntry[]>(row.history) }),
    ...(row.reopen_count ? { reopenCount: Number(row.reopen_count) } : {}),
  };
}
