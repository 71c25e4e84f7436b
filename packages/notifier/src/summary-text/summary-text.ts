import type { JsonAlertPayload } from '../agent-alert-payload/json-alert-payload.js';
import type { JsonNotificationPayload } from '../json-payload/json-payload.js';

/** Actions after which "restarted the container" is what happened. */
const restartingActions = new Set(['restart_container', 'restart_if_above_threshold', 'reset_connections']);

/**
 * One line for a receiver that shows a single field (`text_key`). It is worded as autoheal's
 * webhook was (`Container web (0123456789ab) found to be unhealthy. Successfully restarted the
 * container!`), so a channel or a filter set up for autoheal reads the same sentences. Built from
 * the payload, which is already redacted.
 */
export function notificationSummary(payload: JsonNotificationPayload): string {
  const { incident } = payload;
  const container = `Container ${incident.container_name} (${incident.container_id.slice(0, 12)})`;
  const problem = incident.problems[0]?.message ?? incident.trigger;
  switch (payload.kind) {
    case 'incident_opened':
      return `${container} found to be unhealthy: ${problem}`;
    case 'incident_resolved':
      if (!incident.auto_healed) return `${container} is healthy again (no action was needed).`;
      return incident.actions_taken.some((action) => restartingActions.has(action))
        ? `${container} found to be unhealthy. Successfully restarted the container!`
        : `${container} found to be unhealthy. Healed by ${incident.actions_taken.join(', ')}.`;
    case 'incident_escalated':
      return `${container} found to be unhealthy. Not healed automatically: ${incident.escalation_reason ?? payload.message}`;
    case 'approval_required':
      return `${container} found to be unhealthy. ${payload.approval?.action ?? 'An action'} waits for approval: ${payload.approval?.reason ?? payload.message}`;
  }
}

/** The agent's own alerts (spool full...) say their message as it is. */
export function alertSummary(payload: JsonAlertPayload): string {
  return `website-monitor on ${payload.host}: ${payload.message}`;
}
