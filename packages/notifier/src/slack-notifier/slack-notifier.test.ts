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

describe('Slack text built from data is escaped (issue 10, item 8)', () => {
  it('escapes &, < and > in names, reasons, diagnoses and messages, and keeps its own formatting', async () => {
    const notifier = createSlackNotifier({ webhookUrl: receiver.url });
    const sample = sampleNotification('approval_required');
    const hostile = '<!channel> see <https://evil.example|the fix> & <@U123>';
    await notifier.deliver({
      notification: {
        ...sample,
        message: `web-1: ${hostile}`,
        incident: {
          ...sample.incident,
          escalationReason: hostile,
          diagnosis: {
            ...sample.incident.diagnosis!,
            diagnosis: hostile,
            reasoning: `model says ${hostile}`,
          },
        },
        approval: { ...sample.approval!, reason: hostile },
      },
    });

    const body = receiver.requests[0]?.body as SlackPayload;
    const texts = [body.text, ...JSON.stringify(body.blocks).match(/"text":"[^"]*"/g)!];
    for (const text of texts) {
      expect(text).not.toMatch(/<[!@#h]/);
      expect(text).not.toContain('& ');
    }
    const escaped = '&lt;!channel&gt; see &lt;https://evil.example|the fix&gt; &amp; &lt;@U123&gt;';
    expect(body.text).toContain(escaped);
    const all = JSON.stringify(body.blocks);
    expect(all).toContain(`*Escalation*\\n${escaped}`);
    expect(all).toContain(`model says ${escaped}`);
    expect(all).toContain(`\`recreate\` on \`web-1\`: ${escaped}`);
    expect(all).toContain('*Container*\\n`web-1`');
  });

  it('never cuts an escaped character in half when it truncates', async () => {
    const notifier = createSlackNotifier({ webhookUrl: receiver.url });
    for (const pad of [2993, 2994, 2995, 2996]) {
      await notifier.deliver({
        notification: { ...sampleNotification(), message: `${'x'.repeat(pad)}<<<<<<<<` },
      });
    }
    for (const request of receiver.requests) {
      const section = (request.body as SlackPayload).blocks[1] as { text: { text: string } };
      expect(section.text.text.length).toBeLessThanOrEqual(3000);
      expect(section.text.text).toMatch(/x(&lt;)*…$/);
    }
  });
});
