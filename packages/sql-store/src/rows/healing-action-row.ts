import type { ActionDecidedBy, ActionResult, HealingActionRecord } from '@website-monitor/core';
import type { Insertable, Selectable } from 'kysely';
import type { HealingActionsTable } from '../database/database.js';
import { fromNumber, type SqlDialect } from '../dialect/sql-dialect.js';

export function healingActionToRow(
  action: HealingActionRecord,
  dialect: SqlDialect,
): Insertable<HealingActionsTable> {
  return {
    id: action.id,
    host: action.host,
    incident_id: action.incidentId,
    container_id: action.containerId,
    container_name: action.containerName,
    action: action.action,
    reason: action.reason,
    decided_by: action.decidedBy,
    result: action.result,
    timestamp: dialect.toTime(action.startedAt),
    duration_ms: action.durationMs,
    detail: action.detail,
    error: action.error,
  };
}

export function healingActionFromRow(
  row: Selectable<HealingActionsTable>,
  dialect: SqlDialect,
): HealingActionRecord {
  return {
    id: row.id,
    host: row.host,
    incidentId: row.incident_id,
    containerId: row.container_id,
    containerName: row.container_name,
    action: row.action,
    reason: row.reason,
    decidedBy: row.decided_by as ActionDecidedBy,
    result: row.result as ActionResult,
    startedAt: dialect.fromTime(row.timestamp),
    durationMs: fromNumber(row.duration_ms),
    detail: row.detail,
    error: row.error,
  };
}
