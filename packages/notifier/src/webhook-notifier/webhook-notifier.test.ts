import { MemoryLogger } from '@website-monitor/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordingClock } from '../testing/recording-clock.js';
import { fakeAwsKey, sampleNotification } from '../testing/sample-notification.js';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.js';
import { createWebhookNotifier } from './webhook-notifier.js';

let receiver: WebhookReceiver;
beforeEach(async () => {
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  await receiver.close();
});

describe('createWebhookNotifier', () => {
  it('POSTs the generic JSON payload with the configured headers', async () => {
    const notifier = createWebhookNotifier({
      url: receiver.url,
      headers: { authorization: 'Bearer receiver-token' },
      clock: { ...recordingClock(), now: () => Date.UTC(2026, 10, 28, 6, 1, 0) },
    });

    const reports = await notifier.deliver({ notification: sampleNotification('approval_required') });

    expect(reports).toEqual([
      {
        target: 'webhook',
        destination: `http://127.0.0.1:${new URL(receiver.url).port}/…`,
        ok: true,
        attempts: 1,
        status: 200,
      },
    ]);
    const [request] = receiver.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/hooks/T000/B000/secret-token');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBe('Bearer receiver-token');
    expect(request?.body).toMatchObject({
      kind: 'approval_required',
      message: 'web-1 exited with code 137',
      host: 'host-a',
      sent_at: '2026-11-28T06:01:00.000Z',
      incident: {
        id: 'inc-1',
        container_name: 'web-1',
        container_id: 'c0ffee',
        trigger: 'container_stopped',
        status: 'healing',
        problems: [{ kind: 'container_stopped', message: 'web-1 exited with code 137' }],
        opened_at: '2026-11-28T06:00:00.000Z',
        resolved_at: null,
        exit_code: 137,
        oom_killed: false,
        actions_taken: ['restart'],
        auto_healed: false,
        diagnosis: {
          recommended_action: 'restart',
          urgency: 'high',
          confidence: 80,
          source: 'rules',
          cause: null,
          fallback_reason: null,
        },
        reopen_count: 0,
      },
      approval: { id: 'appr-1', action: 'recreate', reason: 'restart budget used up', status: 'pending' },
    });
  });

  it('says the cause, why the rules stood in for the model, and how often the incident reopened', async () => {
    const notifier = createWebhookNotifier({ url: receiver.url });
    const sample = sampleNotification();
    const diagnosis = sample.incident.diagnosis!;
    await notifier.deliver({
      notification: {
        ...sample,
        incident: {
          ...sample.incident,
          reopenCount: 2,
          diagnosis: {
            ...diagnosis,
            cause: 'port_in_use',
            fallbackReason: 'claude failed: budget_exhausted',
          },
        },
      },
    });
    expect(receiver.requests[0]?.body).toMatchObject({
      incident: {
        reopen_count: 2,
        diagnosis: { cause: 'port_in_use', fallback_reason: 'claude failed: budget_exhausted' },
      },
    });
  });

  it('carries critical: true for a critical container and critical: false otherwise', async () => {
    const notifier = createWebhookNotifier({ url: receiver.url });

    await notifier.deliver({ notification: { ...sampleNotification(), critical: true } });
    await notifier.deliver({ notification: sampleNotification() });

    expect(receiver.requests.map((request) => (request.body as { critical: unknown }).critical)).toEqual([
      true,
      false,
    ]);
  });

  it('masks secrets from the diagnosis and every other string before sending', async () => {
    const notification = sampleNotification();
    const withEnvSecret = {
      ...notification,
      message: 'web-1 crashed: DB_PASSWORD=hunter2-not-in-patterns',
      incident: { ...notification.incident, escalationReason: 'token s3cr3t-env-value seen in logs' },
    };
    const notifier = createWebhookNotifier({ url: receiver.url, secretValues: ['s3cr3t-env-value'] });

    await notifier.deliver({ notification: withEnvSecret });

    const sent = JSON.stringify(receiver.requests[0]?.body);
    expect(sent).not.toContain(fakeAwsKey);
    expect(sent).not.toContain('hunter2-not-in-patterns');
    expect(sent).not.toContain('s3cr3t-env-value');
    expect(sent).toContain('[REDACTED:');
    expect(sent).toContain('invalid credentials for [REDACTED:aws_key]');
  });

  it('retries a 500 with exponential backoff and jitter, then succeeds', async () => {
    receiver.answer([500, 503, 200]);
    const clock = recordingClock();
    const notifier = createWebhookNotifier({ url: receiver.url, clock, baseDelayMs: 100, random: () => 0.5 });

    const [report] = await notifier.deliver({ notification: sampleNotification() });

    expect(report).toMatchObject({ ok: true, attempts: 3, status: 200 });
    expect(receiver.requests).toHaveLength(3);
    // Full jitter: random() * 100 * 2^(attempt-1).
    expect(clock.sleeps).toEqual([50, 100]);
  });

  it('honours Retry-After on a 429', async () => {
    receiver.answer([(response) => response.writeHead(429, { 'retry-after': '2' }).end(), 200]);
    const clock = recordingClock();
    const notifier = createWebhookNotifier({ url: receiver.url, clock, baseDelayMs: 10, random: () => 0.5 });

    const [report] = await notifier.deliver({ notification: sampleNotification() });

    expect(report).toMatchObject({ ok: true, attempts: 2 });
    expect(clock.sleeps).toEqual([2000]);
  });

  it('gives up after the retries and reports the last status', async () => {
    receiver.answer([502]);
    const clock = recordingClock();
    const logger = new MemoryLogger();
    const notifier = createWebhookNotifier({ url: receiver.url, clock, retries: 2, logger });

    const [report] = await notifier.deliver({ notification: sampleNotification() });

    expect(report).toMatchObject({ ok: false, attempts: 3, status: 502, error: 'HTTP 502' });
    expect(receiver.requests).toHaveLength(3);
    expect(logger.find('notification_failed')).toHaveLength(1);
  });

  it('does not retry a 4xx other than 429: the request itself is wrong', async () => {
    receiver.answer([400]);
    const notifier = createWebhookNotifier({ url: receiver.url, clock: recordingClock() });

    const [report] = await notifier.deliver({ notification: sampleNotification() });

    expect(report).toMatchObject({ ok: false, attempts: 1, status: 400 });
    expect(receiver.requests).toHaveLength(1);
  });

  it('times out a request that hangs and retries it', async () => {
    receiver.answer([() => {}, 200]);
    const notifier = createWebhookNotifier({ url: receiver.url, clock: recordingClock(), timeoutMs: 200 });

    const started = Date.now();
    const [report] = await notifier.deliver({ notification: sampleNotification() });

    expect(report).toMatchObject({ ok: true, attempts: 2 });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reports a timeout when every attempt hangs', async () => {
    receiver.answer([() => {}]);
    const notifier = createWebhookNotifier({
      url: receiver.url,
      clock: recordingClock(),
      timeoutMs: 100,
      retries: 1,
    });

    const [report] = await notifier.deliver({ notification: sampleNotification() });

    expect(report).toMatchObject({ ok: false, attempts: 2, error: 'timeout after 100 ms' });
  });

  it('never rejects notify and never logs the webhook URL, even when the endpoint is down', async () => {
    await receiver.close();
    const logger = new MemoryLogger();
    const notifier = createWebhookNotifier({
      url: receiver.url,
      clock: recordingClock(),
      retries: 1,
      logger,
    });

    await expect(notifier.notify({ notification: sampleNotification() })).resolves.toBeUndefined();

    const logged = JSON.stringify(logger.entries);
    expect(logger.find('notification_failed')[0]?.fields).toMatchObject({ error: 'ECONNREFUSED' });
    expect(logged).not.toContain('secret-token');
    expect(logged).not.toContain('/hooks/');
  });

  it('sends only the configured kinds', async () => {
    const notifier = createWebhookNotifier({ url: receiver.url, kinds: ['incident_escalated'] });

    expect(await notifier.deliver({ notification: sampleNotification('incident_opened') })).toEqual([]);
    await notifier.deliver({ notification: sampleNotification('incident_escalated') });

    expect(receiver.requests.map((request) => (request.body as { kind: string }).kind)).toEqual([
      'incident_escalated',
    ]);
  });

  it('bounds its queue: while one delivery hangs, the overflow is dropped, not buffered', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    receiver.answer([(response) => void held.then(() => response.writeHead(200).end()), 200]);
    const logger = new MemoryLogger();
    const notifier = createWebhookNotifier({ url: receiver.url, maxQueued: 1, logger, timeoutMs: 5000 });

    const first = notifier.deliver({ notification: sampleNotification() });
    const second = notifier.deliver({ notification: sampleNotification('incident_escalated') });
    const third = await notifier.deliver({ notification: sampleNotification('incident_resolved') });

    expect(third).toMatchObject([{ ok: false, attempts: 0, error: 'queue full' }]);
    expect(logger.find('notification_dropped')).toHaveLength(1);
    release();
    expect((await first)[0]?.ok).toBe(true);
    expect((await second)[0]?.ok).toBe(true);
    await notifier.drain();
    expect(receiver.requests.map((request) => (request.body as { kind: string }).kind)).toEqual([
      'incident_opened',
      'incident_escalated',
    ]);
  });

  it('rejects a URL that is not http(s) without echoing it', () => {
    expect(() => createWebhookNotifier({ url: 'ftp://user:pw@example.test/x' })).toThrow(
      'webhook url must be an http(s) URL, got ftp:',
    );
  });
});
