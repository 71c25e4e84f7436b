import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SlackPayload } from '../slack-payload/slack-payload.js';
import { recordingClock } from '../testing/recording-clock.js';
import { fakeAwsKey, sampleNotification } from '../testing/sample-notification.js';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.js';
import { createSlackNotifier } from './slack-notifier.js';

let receiver: WebhookReceiver;
beforeEach(async () => {
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  await receiver.close();
});

describe('createSlackNotifier', () => {
  it('sends an incoming-webhook body: text plus header, sections and context blocks', async () => {
    const notifier = createSlackNotifier({ webhookUrl: receiver.url });

    const [report] = await notifier.deliver({ notification: sampleNotification('incident_opened') });

    expect(report).toMatchObject({ target: 'slack', ok: true, attempts: 1 });
    const body = receiver.requests[0]?.body as SlackPayload;
    expect(body.text).toBe(':rotating_light: Incident opened: web-1: web-1 exited with code 137');
    expect(body.blocks.map((block) => block.type)).toEqual([
      'header',
      'section',
      'section',
      'section',
      'context',
    ]);
    expect(body.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: ':rotating_light: Incident opened: web-1' },
    });
    expect(body.blocks[2]).toMatchObject({
      type: 'section',
      fields: expect.arrayContaining([
        { type: 'mrkdwn', text: '*Container*\n`web-1`' },
        { type: 'mrkdwn', text: '*Actions*\nrestart' },
      ]),
    });
    expect(JSON.stringify(body.blocks[3])).toContain('80% confidence');
    expect(body.blocks[4]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: 'incident inc-1 · opened 2026-11-28T06:00:00.000Z' }],
    });
  });

  it('says [CRITICAL] before the name of a critical container, and nothing for the others', async () => {
    const notifier = createSlackNotifier({ webhookUrl: receiver.url });

    await notifier.deliver({ notification: { ...sampleNotification('incident_escalated'), critical: true } });
    await notifier.deliver({ notification: sampleNotification('incident_escalated') });

    const critical = receiver.requests[0]?.body as SlackPayload;
    expect(critical.text).toBe(':warning: Incident escalated: [CRITICAL] web-1: web-1 exited with code 137');
    expect(critical.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: ':warning: Incident escalated: [CRITICAL] web-1' },
    });
    expect(critical.blocks[2]).toMatchObject({
      fields: expect.arrayContaining([{ type: 'mrkdwn', text: '*Container*\n`web-1` (critical)' }]),
    });
    const ordinary = receiver.requests[1]?.body as SlackPayload;
    expect(ordinary.text).toBe(':warning: Incident escalated: web-1: web-1 exited with code 137');
    expect(JSON.stringify(ordinary)).not.toMatch(/critical/i);
  });

  it('tells a person how to approve when an approval is required', async () => {
    const notifier = createSlackNotifier({ webhookUrl: receiver.url });

    await notifier.deliver({ notification: sampleNotification('approval_required') });

    const body = receiver.requests[0]?.body as SlackPayload;
    expect(body.text.startsWith(':raised_hand: Approval required: web-1')).toBe(true);
    expect(JSON.stringify(body.blocks)).toContain('POST /monitor/approvals/appr-1/approve');
  });

  it('masks the fake AWS key quoted by the diagnosis', async () => {
    const notifier = createSlackNotifier({ webhookUrl: receiver.url });

    await notifier.deliver({ notification: sampleNotification('incident_escalated') });

    const sent = JSON.stringify(receiver.requests[0]?.body);
    expect(sent).not.toContain(fakeAwsKey);
    expect(sent).toContain('invalid credentials for [REDACTED:aws_key]');
  });

  it('truncates a long message to what Slack accepts, after redacting', async () => {
    const notification = sampleNotification();
    const long = { ...notification, message: `${'x'.repeat(2990)} ${fakeAwsKey} and more` };
    const notifier = createSlackNotifier({ webhookUrl: receiver.url, clock: recordingClock() });

    await notifier.deliver({ notification: long });

    const body = receiver.requests[0]?.body as SlackPayload;
    const section = body.blocks[1] as { text: { text: string } };
    expect(section.text.text.length).toBeLessThanOrEqual(3000);
    expect(body.text.length).toBeLessThanOrEqual(3000);
    expect(JSON.stringify(body)).not.toContain('AKIAIOSF');
  });
});
