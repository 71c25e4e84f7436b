import type { HostReport } from '@website-monitor/core';
import type { Insertable, Selectable } from 'kysely';
import type { HostsTable } from '../database/database.js';
import type { SqlDialect } from '../dialect/sql-dialect.js';

export function hostReportToRow(report: HostReport, dialect: SqlDialect): Insertable<HostsTable> {
  return {
    host: report.host,
    engine_id: report.engineId,
    engine_name: report.engineName,
    agent_version: report.agentVersion,
    role: report.role,
    started_at: dialect.toTime(report.startedAt),
    last_seen_at: dialect.toTime(report.lastSeenAt),
    containers: report.containers,
    unhealthy: report.unhealthy,
    open_incidents: report.openIncidents,
  };
}

export function hostReportFromRow(row: Selectable<HostsTable>, dialect: SqlDialect): HostReport {
  return {
    host: row.host,
    engineId: row.engine_id,
    engineName: row.engine_name,
    agentVersion: row.agent_version,
    role: row.role === 'standby' ? 'standby' : 'active',
    startedAt: dialect.fromTime(row.started_at),
    lastSeenAt: dialect.fromTime(row.last_seen_at),
    containers: Number(row.containers),
    unhealthy: Number(row.unhealthy),
    openIncidents: Number(row.open_incidents),
  };
}
