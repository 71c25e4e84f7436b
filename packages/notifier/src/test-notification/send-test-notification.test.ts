import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFanoutNotifier } from '../fanout-notifier/fanout-notifier.js';
import { createSlackNotifier } from '../slack-notifier/slack-notifier.js';
import { recordingClock } from '../testing/recording-clock.js';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.js';
import { createWebhookNotifier } from '../webhook-notifier/webhook-notifier.js';
import { sendTestNotification } from './send-test-notification.js';

let receiver: WebhookReceiver;
beforeEach(async () => {
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  await receiver.close();
});

describe('sendTestNotification', () => {
  it('delivers a labelled test message and reports success per destination', async () => {
    const notifier = createWebhookNotifier({ url: receiver.url, name: 'ops' });

    const result = await sendTestNotification({ notifier, host: 'host-a' });

    expect(result.ok).toBe(true);
    const port = new URL(receiver.url).port;
    expect(result.lines).toEqual([`ok ops http://127.0.0.1:${port}/… (1 attempt, HTTP 200)`]);
    expect(receiver.requests[0]?.body).toMatchObject({
      kind: 'incident_opened',
      message: 'Test notification from website-monitor on host-a: if you can read this, notifications work.',
      host: 'host-a',
      incident: { id: 'test-notification', container_name: 'website-monitor-test' },
    });
  });

  it('says which destination failed and why, without its secret path', async () => {
    receiver.answer([404]);
    const notifier = createFanoutNotifier([
      createSlackNotifier({ webhookUrl: receiver.url, name: 'slack', clock: recordingClock() }),
    ]);

    const result = await sendTestNotification({ notifier, host: 'host-a' });

    expect(result.ok).toBe(false);
    expect(result.lines[0]).toMatch(
      /^FAILED slack http:\/\/127\.0\.0\.1:\d+\/… \(1 attempt, HTTP 404\) failed: HTTP 404$/,
    );
    expect(result.lines.join('\n')).not.toContain('secret-token');
  });

  it('fails clearly when no destination takes the test kind', async () => {
    const notifier = createWebhookNotifier({ url: receiver.url, kinds: ['approval_required'] });

    const result = await sendTestNotification({ notifier });

    expect(result.ok).toBe(false);
    expect(result.lines).toEqual([
      'no destination accepts incident_opened notifications: check notifications.webhooks[].kinds',
    ]);
    expect(receiver.requests).toHaveLength(0);
  });
});
