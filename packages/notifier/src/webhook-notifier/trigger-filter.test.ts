import { describe, expect, it } from 'vitest';
import { createNotifierFromConfig } from '../notifications-config/notifications-config.js';
import { sampleNotification } from '../testing/sample-notification.js';
import { startWebhookReceiver } from '../testing/webhook-receiver.js';

describe('notifications.webhooks[].triggers', () => {
  it('sends only incidents of the listed triggers; agent alerts still go', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const notifier = createNotifierFromConfig({
        enabled: true,
        webhooks: [
          {
            name: 'autoheal',
            type: 'json',
            url: receiver.url,
            kinds: undefined,
            headers: undefined,
            timeoutMs: undefined,
            retries: undefined,
            triggers: ['docker_unhealthy'],
          },
        ],
      });
      const sample = sampleNotification('incident_escalated');
      const crash = await notifier!.deliver({ notification: sample });
      const unhealthy = await notifier!.deliver({
        notification: { ...sample, incident: { ...sample.incident, trigger: 'docker_unhealthy' } },
      });
      await notifier!.notifyAgentAlert?.({
        alert: { kind: 'spool_full', message: 'spool full', host: 'h', at: 0, details: {} },
      });
      await notifier!.drain();
      expect(crash).toEqual([]);
      expect(unhealthy).toHaveLength(1);
      expect(receiver.requests.map((request) => (request.body as { kind: string }).kind)).toEqual([
        'incident_escalated',
        'spool_full',
      ]);
    } finally {
      await receiver.close();
    }
  });
});
