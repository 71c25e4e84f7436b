import { toJsonAlertPayload } from '../agent-alert-payload/json-alert-payload.js';
import { toJsonPayload } from '../json-payload/json-payload.js';
import { createQueuedNotifier, type DeliveringNotifier, type NotifierOptions } from './queued-notifier.js';

export interface WebhookNotifierOptions extends NotifierOptions {
  /** Receives a POST with a `JsonNotificationPayload` body. A secret: only its origin is logged. */
  readonly url: string;
}

/** Generic JSON webhook: `{ kind, message, incident, approval?, host, sent_at }`, secrets redacted. */
export function createWebhookNotifier(options: WebhookNotifierOptions): DeliveringNotifier {
  return createQueuedNotifier(
    {
      url: options.url,
      urlField: 'webhook url',
      defaultName: 'webhook',
      buildBody: (notification, now) =>
        toJsonPayload(notification, { now, secretValues: options.secretValues }),
      buildAlertBody: (alert, now) => toJsonAlertPayload(alert, { now, secretValues: options.secretValues }),
    },
    options,
  );
}
