import type { ApprovalRequest, ApprovalStatus, ApprovalStepParams } from '@website-monitor/core';
import type { Insertable, Selectable } from 'kysely';
import type { ApprovalsTable } from '../database/database.js';
import { fromJson, type SqlDialect } from '../dialect/sql-dialect.js';

export function approvalToRow(approval: ApprovalRequest, dialect: SqlDialect): Insertable<ApprovalsTable> {
  return {
    id: approval.id,
    host: approval.host,
    incident_id: approval.incidentId,
    container_id: approval.containerId,
    container_name: approval.containerName,
    action: approval.action,
    reason: approval.reason,
    status: approval.status,
    requested_at: dialect.toTime(approval.requestedAt),
    decided_at: approval.decidedAt === null ? null : dialect.toTime(approval.decidedAt),
    decided_by: approval.decidedBy,
    // The approved step runs with these: they must come back from the database as they went in.
    params: approval.params === undefined ? null : JSON.stringify(approval.params),
  };
}

export function approvalFromRow(row: Selectable<ApprovalsTable>, dialect: SqlDialect): ApprovalRequest {
  return {
    id: row.id,
    host: row.host,
    incidentId: row.incident_id,
    containerId: row.container_id,
    containerName: row.container_name,
    action: row.action,
    reason: row.reason,
    status: row.status as ApprovalStatus,
    requestedAt: dialect.fromTime(row.requested_at),
    decidedAt: row.decided_at === null ? null : dialect.fromTime(row.decided_at),
    decidedBy: row.decided_by,
    ...(row.params === null || row.params === undefined
      ? {}
      : { params: fromJson<ApprovalStepParams>(row.params) }),
  };
}
