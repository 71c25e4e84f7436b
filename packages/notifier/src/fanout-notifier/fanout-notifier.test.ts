import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackNotifier } from '../slack-notifier/slack-notifier.js';
import { recordingClock } from '../testing/recording-clock.js';
import { sampleNotification } from '../testing/sample-notification.js';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.js';
import { createWebhookNotifier } from '../webhook-notifier/webhook-notifier.js';
import { createFanoutNotifier } from './fanout-notifier.js';

let json: WebhookReceiver;
let slack: WebhookReceiver;
beforeEach(async () => {
  json = await startWebhookReceiver('/json');
  slack = await startWebhookReceiver('/slack');
});
afterEach(async () => {
  await json.close();
  await slack.close();
});

describe('createFanoutNotifier', () => {
  it('sends to every destination and reports each; one failing does not stop the other', async () => {
    json.answer([400]);
    const notifier = createFanoutNotifier([
      createWebhookNotifier({ url: json.url, name: 'ops-json', clock: recordingClock() }),
      createSlackNotifier({ webhookUrl: slack.url, name: 'ops-slack' }),
    ]);

    const reports = await notifier.deliver({ notification: sampleNotification() });

    expect(reports.map((report) => [report.target, report.ok])).toEqual([
      ['ops-json', false],
      ['ops-slack', true],
    ]);
    expect(json.requests[0]?.body).toHaveProperty('incident');
    expect(slack.requests[0]?.body).toHaveProperty('blocks');
  });

  it('does not let a hanging destination delay the others', async () => {
    json.answer([() => {}]);
    const notifier = createFanoutNotifier([
      createWebhookNotifier({ url: json.url, timeoutMs: 3000, retries: 0 }),
      createSlackNotifier({ webhookUrl: slack.url }),
    ]);

    const pending = notifier.notify({ notification: sampleNotification() });
    const deadline = Date.now() + 2000;
    while (slack.requests.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));

    expect(slack.requests).toHaveLength(1);
    expect(json.requests).toHaveLength(1);
    await json.close();
    await pending;
  });
});
