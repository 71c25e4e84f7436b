import { parseMonitorConfig } from '@website-monitor/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleNotification } from '../testing/sample-notification.js';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.js';
import { createNotifierFromConfig } from './notifications-config.js';

let receiver: WebhookReceiver;
beforeEach(async () => {
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  await receiver.close();
});

describe('notifications config', () => {
  it('builds a notifier per webhook with its kind filter', async () => {
    const { notifications } = parseMonitorConfig({
      env: {},
      text: `
notifications:
  webhooks:
    - { type: slack, url: "${receiver.url}?to=slack", kinds: [incident_escalated] }
    - { name: pager, type: json, url: "${receiver.url}?to=json", retries: 0 }
`,
    });
    const notifier = createNotifierFromConfig(notifications);

    const reports = await notifier?.deliver({ notification: sampleNotification('incident_opened') });

    expect(reports?.map((report) => report.target)).toEqual(['pager']);
    expect(receiver.requests.map((request) => request.path)).toEqual([
      '/hooks/T000/B000/secret-token?to=json',
    ]);
  });

  it('is off when disabled or empty', () => {
    expect(createNotifierFromConfig(undefined)).toBeUndefined();
    const webhook = {
      name: undefined,
      type: 'json' as const,
      url: receiver.url,
      kinds: undefined,
      headers: undefined,
      timeoutMs: undefined,
      retries: undefined,
    };
    expect(createNotifierFromConfig({ enabled: false, webhooks: [webhook] })).toBeUndefined();
    expect(createNotifierFromConfig({ enabled: true, webhooks: [] })).toBeUndefined();
  });

  it('rejects unknown kinds, types and keys with their YAML path and line', () => {
    expect(() =>
      parseMonitorConfig({
        env: {},
        text: 'notifications:\n  webhooks:\n    - type: teams\n      url: ftp://x\n      kinds: [incident_exploded]\n      extra: 1\n',
      }),
    ).toThrow(
      expect.objectContaining({
        issues: expect.arrayContaining([
          expect.objectContaining({ path: 'notifications.webhooks[0].type', line: 3 }),
          expect.objectContaining({ path: 'notifications.webhooks[0].url', line: 4 }),
          expect.objectContaining({ path: 'notifications.webhooks[0].kinds[0]', line: 5 }),
        ]),
      }),
    );
  });
});
