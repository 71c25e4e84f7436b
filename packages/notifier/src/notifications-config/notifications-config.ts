import type { Logger, NotificationKind, NotificationsConfig } from '@website-monitor/core';
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
 * Builds one notifier for the config's `notifications:` section (parsed and validated by core);
 * undefined when nothing is configured or it is disabled.
 *
 * @example
 * ```ts
 * import { loadMonitorConfigFile, WebsiteMonitorAgent } from '@website-monitor/core';
 * import { createNotifierFromConfig } from '@website-monitor/notifier';
 *
 * const config = await loadMonitorConfigFile({ path: 'config.yaml' });
 * const notifier = createNotifierFromConfig(config.notifications, { logger });
 * const agent = new WebsiteMonitorAgent({ config, runtime, ...(notifier ? { notifier } : {}) });
 * ```
 */
export function createNotifierFromConfig(
  config: NotificationsConfig | undefined,
  options: { readonly logger?: Logger; readonly secretValues?: readonly string[] } = {},
): DeliveringNotifier | undefined {
  if (!config?.enabled || config.webhooks.length === 0) return undefined;
  const notifiers = config.webhooks.map((webhook, index) => {
    const common = {
      name: webhook.name ?? `${webhook.type}#${index + 1}`,
      kinds: webhook.kinds,
      triggers: webhook.triggers,
      headers: webhook.headers,
      timeoutMs: webhook.timeoutMs,
      retries: webhook.retries,
      logger: options.logger,
      secretValues: options.secretValues,
    };
    return webhook.type === 'slack'
      ? createSlackNotifier({ ...common, webhookUrl: webhook.url })
      : createWebhookNotifier({ ...common, url: webhook.url, textKey: webhook.textKey });
  });
  return notifiers.length === 1 ? notifiers[0] : createFanoutNotifier(notifiers);
}
