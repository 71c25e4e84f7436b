import type { Notification, NotificationKind } from '@website-monitor/core';
import type { PayloadOptions } from '../json-payload/json-payload.js';
import { redactPayload } from '../redact-payload/redact-payload.js';
import { escapeSlackText as slackEscape, truncateSlackText as truncate } from './slack-text.js';

/** Slack incoming-webhook body (also accepted by Mattermost, Rocket.Chat and Discord's /slack). */
export interface SlackPayload {
  /** Shown in the push notification and by clients without Block Kit. */
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

export type SlackBlock =
  | { readonly type: 'header'; readonly text: { readonly type: 'plain_text'; readonly text: string } }
  | {
      readonly type: 'section';
      readonly text?: SlackMrkdwn;
      readonly fields?: readonly SlackMrkdwn[];
    }
  | { readonly type: 'context'; readonly elements: readonly SlackMrkdwn[] };

interface SlackMrkdwn {
  readonly type: 'mrkdwn';
  readonly text: string;
}

const titles: Record<NotificationKind, string> = {
  incident_opened: ':rotating_light: Incident opened',
  incident_resolved: ':white_check_mark: Incident resolved',
  incident_escalated: ':warning: Incident escalated',
  approval_required: ':raised_hand: Approval required',
};

const criticalMark = '[CRITICAL]';

// Slack rejects a header over 150 characters and a text object over 3000.
const headerLimit = 150;
const textLimit = 3000;

export function toSlackPayload(original: Notification, options: PayloadOptions): SlackPayload {
  // Redact before truncating: a cut could leave half a secret that no pattern recognises. Then
  // every value from data is escaped (`escape`) where it is placed; the templates are our own markup.
  const notification = redactPayload(original, options.secretValues);
  const { incident, approval } = notification;
  // The mark sits right before the name, so a push preview reads "[CRITICAL] api: ...".
  const critical = notification.critical === true;
  const title = `${titles[notification.kind]}: ${critical ? `${criticalMark} ` : ''}${slackEscape(incident.containerName)}`;
  const fields: SlackMrkdwn[] = [
    mrkdwn(`*Container*\n\`${slackEscape(incident.containerName)}\`${critical ? ' (critical)' : ''}`),
    mrkdwn(`*Host*\n${slackEscape(incident.host)}`),
    mrkdwn(`*Trigger*\n${slackEscape(incident.trigger)}`),
    mrkdwn(`*Status*\n${slackEscape(incident.status)}`),
  ];
  if (incident.actionsTaken.length > 0)
    fields.push(mrkdwn(`*Actions*\n${slackEscape(incident.actionsTaken.join(', '))}`));
  if (incident.escalationReason)
    fields.push(mrkdwn(`*Escalation*\n${slackEscape(incident.escalationReason)}`));

  const message = slackEscape(notification.message);
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(title, headerLimit) } },
    { type: 'section', text: mrkdwn(message) },
    { type: 'section', fields },
  ];
  const diagnosis = incident.diagnosis;
  if (diagnosis) {
    blocks.push({
      type: 'section',
      text: mrkdwn(
        `*Diagnosis* (${slackEscape(diagnosis.source)}, ${diagnosis.confidence}% confidence, ${slackEscape(diagnosis.urgency)} urgency): ` +
          `${slackEscape(diagnosis.diagnosis)}\n*Recommended:* ${slackEscape(diagnosis.recommendedAction)}\n${slackEscape(diagnosis.reasoning)}`,
      ),
    });
  }
  if (approval) {
    const id = slackEscape(approval.id);
    blocks.push({
      type: 'section',
      text: mrkdwn(
        `*Approval ${id}:* \`${slackEscape(approval.action)}\` on \`${slackEscape(approval.containerName)}\`: ${slackEscape(approval.reason)}\n` +
          `Approve with \`POST /monitor/approvals/${id}/approve\` or from the dashboard.`,
      ),
    });
  }
  blocks.push({
    type: 'context',
    elements: [
      mrkdwn(`incident ${slackEscape(incident.id)} · opened ${new Date(incident.openedAt).toISOString()}`),
    ],
  });
  return { text: truncate(`${title}: ${message}`, textLimit), blocks };
}

function mrkdwn(text: string): SlackMrkdwn {
  return { type: 'mrkdwn', text: truncate(text, textLimit) };
}
