import type { AgentAlert } from '@website-monitor/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNotifierFromConfig } from '../notifications-config/notifications-config.js';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.js';

let json: WebhookReceiver;
let slack: WebhookReceiver;
beforeEach(async () => {
  json = await startWebhookReceiver('/hooks/json');
  slack = await startWebhookReceiver('/hooks/T000/B000/secret-token');
});
afterEach(async () => {
  await json.close();
  await slack.close();
});

const alert: AgentAlert = {
  kind: 'spool_full',
  message: 'the spool at /data/spool.db is full (database or disk is full): <!channel> & more',
  host: 'host-a',
  at: Date.UTC(2026, 11, 4, 10, 0, 0),
  details: { reason: 'disk_full', error: 'database or disk is full', spool: '/data/spool.db' },
};

describe('agent alerts through the configured notifiers', () => {
  it('reach every destination, even one filtered to incident kinds, as JSON and as Slack blocks', async () => {
    const notifier = createNotifierFromConfig({
      enabled: true,
      webhooks: [
        {
          name: 'ops',
          type: 'json',
          url: json.url,
          kinds: ['incident_escalated'],
          headers: undefined,
          timeoutMs: undefined,
          retries: 0,
        },
        {
          name: 'chat',
          type: 'slack',
          url: slack.url,
          kinds: undefined,
          headers: undefined,
          timeoutMs: undefined,
          retries: 0,
        },
      ],
    });
    await notifier?.notifyAgentAlert?.({ alert });

    expect(json.requests).toHaveLength(1);
    expect(json.requests[0]?.body).toMatchObject({
      kind: 'spool_full',
      agent_alert: true,
      host: 'host-a',
      at: '2026-12-04T10:00:00.000Z',
      message: alert.message,
      details: { reason: 'disk_full', spool: '/data/spool.db' },
    });
    expect(json.requests[0]?.body).not.toHaveProperty('incident');

    expect(slack.requests).toHaveLength(1);
    const body = slack.requests[0]?.body as { text: string; blocks: { type: string }[] };
    expect(body.text).toContain('website-monitor cannot keep its records (host-a)');
    // Slack's control characters in our text are escaped, so no mention or link is made.
    expect(body.text).toContain('&lt;!channel&gt; &amp; more');
    expect(body.blocks.map((block) => block.type)).toEqual(['header', 'section', 'section', 'context']);
  });
});
