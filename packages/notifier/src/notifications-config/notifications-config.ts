import type { Logger, NotificationKind } from '@website-monitor/core';
import { z } from 'zod';
import { createFanoutNotifier } from '../fanout-notifier/fanout-notifier.js';
import { createSlackNotifier } from '../slack-notifier/slack-notifier.js';
import type { DeliveringNotifier } from '../webhook-notifier/queued-notifier.js';
import { createWebhookNotifier } from '../webhook-notifier/webhook-notifier.js';

export const notificationKinds = [
  'incident_opened',
  'incident_resolved',
  'incident_escalated',
  'approval_required',
] as const satisfies readonly NotificationKind[];

/**
 * The `notifications:` section of config.yaml, proposed for core's config schema (same key
 * style). Webhook URLs are secrets: write them as `${SLACK_WEBHOOK_URL}` so they stay in `.env`.
 */
export const notificationsConfigSchema = z.strictObject({
  enabled: z.boolean().optional(),
  webhooks: z
    .array(
      z.strictObject({
        name: z.string().min(1).optional(),
        type: z.enum(['json', 'slack']),
        url: z.url({ protocol: /^https?$/ }),
        kinds: z.array(z.enum(notificationKinds)).min(1).optional(),
        headers: z.record(z.string(), z.string()).optional(),
        timeout_ms: z.int().positive().optional(),
        retries: z.int().min(0).max(10).optional(),
      }),
    )
    .optional(),
});

export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;

/** Builds one notifier for the whole section; undefined when nothing is configured or it is disabled. */
export function createNotifierFromConfig(
  config: NotificationsConfig | undefined,
  options: { readonly logger?: Logger; readonly secretValues?: readonly string[] } = {},
): DeliveringNotifier | undefined {
  if (!config || config.enabled === false || !config.webhooks?.length) return undefined;
  const notifiers = config.webhooks.map((webhook, index) => {
    const common = {
      name: webhook.name ?? `${webhook.type}#${index + 1}`,
      kinds: webhook.kinds,
      headers: webhook.headers,
      timeoutMs: webhook.timeout_ms,
      retries: webhook.retries,
      logger: options.logger,
      secretValues: options.secretValues,
    };
    return webhook.type === 'slack'
      ? createSlackNotifier({ ...common, webhookUrl: webhook.url })
      : createWebhookNotifier({ ...common, url: webhook.url });
  });
  return notifiers.length === 1 ? notifiers[0] : createFanoutNotifier(notifiers);
}
