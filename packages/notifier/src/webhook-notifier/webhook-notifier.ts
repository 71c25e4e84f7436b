import { toJsonAlertPayload } from '../agent-alert-payload/json-alert-payload.js';
import { toJsonPayload } from '../json-payload/json-payload.js';
import { alertSummary, notificationSummary } from '../summary-text/summary-text.js';
import { createQueuedNotifier, type DeliveringNotifier, type NotifierOptions } from './queued-notifier.js';

/** The webhook URL and body shape, plus the options every webhook notifier takes. */
export interface WebhookNotifierOptions extends NotifierOptions {
  /** Receives a POST with a `JsonNotificationPayload` body. A secret: only its origin is logged. */
  readonly url: string;
  /**
   * Also put a one-line summary under this key (`text` for Slack and Mattermost, as autoheal's
   * webhook did; `content` for Discord; `body` for Apprise): the payload's other fields stay.
   */
  readonly textKey?: string | undefined;
}

/**
 * Generic JSON webhook: `{ kind, message, incident, approval?, host, sent_at }`, secrets redacted.
 *
 * @example
 * ```ts
 * import { createWebhookNotifier } from '@website-monitor/notifier';
 *
 * const notifier = createWebhookNotifier({
 *   url: 'https://ops.example.com/hooks/website-monitor',
 *   headers: { authorization: `Bearer ${process.env.HOOK_TOKEN}` },
 * });
 * const agent = new WebsiteMonitorAgent({ config, runtime, notifier });
 * ```
 */
export function createWebhookNotifier(options: WebhookNotifierOptions): DeliveringNotifier {
  const textKey = options.textKey;
  return createQueuedNotifier(
    {
      url: options.url,
      urlField: 'webhook url',
      defaultName: 'webhook',
      buildBody: (notification, now) => {
        const payload = toJsonPayload(notification, { now, secretValues: options.secretValues });
        return textKey === undefined ? payload : { ...payload, [textKey]: notificationSummary(payload) };
      },
      buildAlertBody: (alert, now) => {
        const payload = toJsonAlertPayload(alert, { now, secretValues: options.secretValues });
        return textKey === undefined ? payload : { ...payload, [textKey]: alertSummary(payload) };
      },
    },
    options,
  );
}
