import type { AgentAlert, AgentAlertKind } from '@website-monitor/core';
import type { PayloadOptions } from '../json-payload/json-payload.js';
import { redactPayload } from '../redact-payload/redact-payload.js';
import type { SlackPayload } from '../slack-payload/slack-payload.js';
import { escapeSlackText, truncateSlackText } from '../slack-payload/slack-text.js';

const titles: Record<AgentAlertKind, string> = {
  spool_full: ':bangbang: website-monitor cannot keep its records',
  spool_recovered: ':white_check_mark: website-monitor keeps its records again',
};

// Slack rejects a header over 150 characters and a text object over 3000.
const headerLimit = 150;
const textLimit = 3000;

/** The Slack body for the agent's own trouble: a header, the message, and its details as fields. */
export function toSlackAlertPayload(original: AgentAlert, options: PayloadOptions): SlackPayload {
  const alert = redactPayload(original, options.secretValues);
  const title = truncateSlackText(`${titles[alert.kind]} (${alert.host})`, headerLimit);
  const fields = Object.entries(alert.details)
    .slice(0, 10)
    .map(([name, value]) => mrkdwn(`*${escapeSlackText(name)}*\n${escapeSlackText(String(value))}`));
  return {
    text: truncateSlackText(
      `${titles[alert.kind]} (${escapeSlackText(alert.host)}): ${escapeSlackText(alert.message)}`,
      textLimit,
    ),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title } },
      { type: 'section', text: mrkdwn(escapeSlackText(alert.message)) },
      ...(fields.length > 0 ? [{ type: 'section' as const, fields }] : []),
      { type: 'context', elements: [mrkdwn(`${alert.kind} · ${new Date(alert.at).toISOString()}`)] },
    ],
  };
}

function mrkdwn(text: string): { readonly type: 'mrkdwn'; readonly text: string } {
  return { type: 'mrkdwn', text: truncateSlackText(text, textLimit) };
}
