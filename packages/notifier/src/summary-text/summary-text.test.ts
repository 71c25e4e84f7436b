import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeAwsKey, sampleNotification } from '../testing/sample-notification.js';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.js';
import { createWebhookNotifier } from '../webhook-notifier/webhook-notifier.js';

let receiver: WebhookReceiver;
beforeEach(async () => {
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  await receiver.close();
});

const containerId = '0123456789abcdef0123';

async function bodyOf(
  kind: Parameters<typeof sampleNotification>[0],
  incident: Partial<ReturnType<typeof sampleNotification>['incident']> = {},
  textKey: string | null = 'text',
): Promise<Record<string, unknown>> {
  const notifier = createWebhookNotifier({ url: receiver.url, textKey: textKey ?? undefined });
  const sample = sampleNotification(kind);
  await notifier.deliver({
    notification: {
      ...sample,
      incident: {
        ...sample.incident,
        containerId,
        containerName: 'web',
        trigger: 'docker_unhealthy',
        problems: [{ kind: 'docker_unhealthy', message: 'Docker HEALTHCHECK reports unhealthy' }],
        actionsTaken: ['restart_container'],
        ...incident,
      },
    },
  });
  return receiver.requests.at(-1)?.body as Record<string, unknown>;
}

describe('a json webhook with text_key (autoheal-compatible text)', () => {
  it("says a healed incident in autoheal's own words, beside the full payload", async () => {
    const body = await bodyOf('incident_resolved');
    expect(body.text).toBe(
      'Container web (0123456789ab) found to be unhealthy. Successfully restarted the container!',
    );
    expect(body).toMatchObject({
      kind: 'incident_resolved',
      incident: { container_name: 'web', auto_healed: true },
    });
  });

  it('says an opened, escalated and approval-waiting incident in one line each', async () => {
    expect((await bodyOf('incident_opened')).text).toBe(
      'Container web (0123456789ab) found to be unhealthy: Docker HEALTHCHECK reports unhealthy',
    );
    expect(
      (await bodyOf('incident_escalated', { escalationReason: 'restart budget spent (3 per hour)' })).text,
    ).toBe(
      'Container web (0123456789ab) found to be unhealthy. Not healed automatically: restart budget spent (3 per hour)',
    );
    expect((await bodyOf('approval_required')).text).toBe(
      'Container web (0123456789ab) found to be unhealthy. recreate waits for approval: restart budget used up',
    );
    expect((await bodyOf('incident_resolved', { autoHealed: false, actionsTaken: [] })).text).toBe(
      'Container web (0123456789ab) is healthy again (no action was needed).',
    );
  });

  it('uses the key it is given (content for Discord), is redacted, and is absent without text_key', async () => {
    const escalated = await bodyOf(
      'incident_escalated',
      { escalationReason: `log says "invalid credentials for ${fakeAwsKey}"` },
      'content',
    );
    expect(escalated.content).toEqual(expect.stringContaining('Not healed automatically'));
    expect(JSON.stringify(escalated)).not.toContain(fakeAwsKey);
    expect(escalated.text).toBeUndefined();
    const plain = await bodyOf('incident_resolved', {}, null);
    expect(Object.keys(plain)).not.toContain('text');
  });
});
