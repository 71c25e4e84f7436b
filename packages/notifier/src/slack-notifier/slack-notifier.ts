import { toSlackAlertPayload } from '../agent-alert-payload/slack-alert-payload.js';
import { toSlackPayload } from '../slack-payload/slack-payload.js';
import {
  createQueuedNotifier,
  type DeliveringNotifier,
  type NotifierOptions,
} from '../webhook-notifier/queued-notifier.js';

/** The Slack webhook URL, plus the options every webhook notifier takes. */
export interface SlackNotifierOptions extends NotifierOptions {
  /** A Slack incoming-webhook URL (or a compatible one). Its path is the credential: never logged. */
  readonly webhookUrl: string;
}

/**
 * Slack-compatible incoming webhook: `text` for the push notification plus Block Kit blocks.
 *
 * @example
 * ```ts
 * import { createSlackNotifier } from '@website-monitor/notifier';
 *
 * const notifier = createSlackNotifier({ url: process.env.SLACK_WEBHOOK_URL!, kinds: ['incident_escalated', 'approval_required'] });
 * const agent = new WebsiteMonitorAgent({ config, runtime, notifier });
 * ```
 */
export function createSlackNotifier(options: SlackNotifierOptions): DeliveringNotifier {
  return createQueuedNotifier(
    {
      url: options.webhookUrl,
      urlField: 'slack webhook_url',
      defaultName: 'slack',
      buildBody: (notification, now) =>
        toSlackPayload(notification, { now, secretValues: options.secretValues }),
      buildAlertBody: (alert, now) => toSlackAlertPayload(alert, { now, secretValues: options.secretValues }),
    },
    options,
  );
}
