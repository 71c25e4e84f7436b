import type { Incident } from '@website-monitor/core';

/** `incidents --json`: one object per incident, snake_case like the JSON log and the SQL columns. */
export function incidentToJson(incident: Incident): Record<string, unknown> {
  return {
    id: incident.id,
    host: incident.host,
    container_id: incident.containerId,
    container_name: incident.containerName,
    trigger: incident.trigger,
    status: incident.status,
    opened_at: new Date(incident.openedAt).toISOString(),
    resolved_at: incident.resolvedAt === null ? null : new Date(incident.resolvedAt).toISOString(),
    time_to_recover_ms: timeToRecoverMs(incident) ?? null,
    exit_code: incident.exitCode,
    oom_killed: incident.oomKilled,
    problems: incident.problems.map((problem) => ({ kind: problem.kind, message: problem.message })),
    diagnosis:
      incident.diagnosis === null
        ? null
        : {
            diagnosis: incident.diagnosis.diagnosis,
            source: incident.diagnosis.source,
            confidence: incident.diagnosis.confidence,
            urgency: incident.diagnosis.urgency,
            recommended_action: incident.diagnosis.recommendedAction,
          },
    actions_taken: incident.actionsTaken,
    auto_healed: incident.autoHealed,
    escalation_reason: incident.escalationReason,
  };
}

const diagnosisWidth = 48;

/**
 * The terminal table, newest first as given: one row per incident, columns padded to their
 * widest cell. The host column appears when rows come from more than one agent, or `showHost`
 * (`--all-hosts`) asks for it.
 */
export function formatIncidentTable(
  incidents: readonly Incident[],
  options: { readonly showHost?: boolean } = {},
): string {
  const showHost = options.showHost === true || new Set(incidents.map((incident) => incident.host)).size > 1;
  const header = [
    'OPENED (UTC)',
    ...(showHost ? ['HOST'] : []),
    'CONTAINER',
    'TRIGGER',
    'STATUS',
    'DIAGNOSIS',
    'ACTIONS',
    'AUTO-HEALED',
    'RECOVERED IN',
  ];
  const rows = incidents.map((incident) => [
    new Date(incident.openedAt).toISOString().replace('T', ' ').slice(0, 19),
    ...(showHost ? [incident.host] : []),
    incident.containerName,
    incident.trigger,
    incident.status,
    incident.diagnosis === null
      ? '-'
      : `${truncate(incident.diagnosis.diagnosis)} (${incident.diagnosis.source}, ${incident.diagnosis.confidence}%)`,
    incident.actionsTaken.length === 0 ? '-' : incident.actionsTaken.join(', '),
    incident.autoHealed ? 'yes' : 'no',
    formatDuration(timeToRecoverMs(incident)),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

/** Resolved incidents only: an escalated or still open one has not recovered. */
export function timeToRecoverMs(incident: Incident): number | undefined {
  if (incident.status !== 'resolved' || incident.resolvedAt === null) return undefined;
  return Math.max(0, incident.resolvedAt - incident.openedAt);
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '-';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1_000;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function truncate(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= diagnosisWidth ? oneLine : `${oneLine.slice(0, diagnosisWidth - 1)}…`;
}
