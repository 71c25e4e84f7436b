import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleNotification } from '../testing/sample-notification.js';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.js';
import { createNotifierFromConfig, notificationsConfigSchema } from './notifications-config.js';

let receiver: WebhookReceiver;
beforeEach(async () => {
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  await receiver.close();
});

describe('notifications config', () => {
  it('builds a notifier per webhook with its kind filter', async () => {
    const config = notificationsConfigSchema.parse({
      webhooks: [
        { type: 'slack', url: `${receiver.url}?to=slack`, kinds: ['incident_escalated'] },
        { name: 'pager', type: 'json', url: `${receiver.url}?to=json`, retries: 0 },
      ],
    });
    const notifier = createNotifierFromConfig(config);

    const reports = await notifier?.deliver({ notification: sampleNotification('incident_opened') });

    expect(reports?.map((report) => report.target)).toEqual(['pager']);
    expect(receiver.requests.map((request) => request.path)).toEqual(['/hooks/T000/B000/secret-token?to=json']);
  });

  it('is off when disabled or empty', () => {
    expect(createNotifierFromConfig(undefined)).toBeUndefined();
    expect(createNotifierFromConfig({ enabled: false, webhooks: [{ type: 'json', url: receiver.url }] })).toBeUndefined();
    expect(createNotifierFromConfig({ webhooks: [] })).toBeUndefined();
  });

  it('rejects unknown kinds, types and keys', () => {
    const result = notificationsConfigSchema.safeParse({
      webhooks: [{ type: 'teams', url: 'ftp://x', kinds: ['incident_exploded'], extra: 1 }],
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['webhooks.0.type', 'webhooks.0.url', 'webhooks.0.kinds.0']));
  });
});
