export type { DeliveryReport, RetryOptions } from './delivery/delivery.js';
export { createFanoutNotifier } from './fanout-notifier/fanout-notifier.js';
export type { JsonNotificationPayload, PayloadOptions } from './json-payload/json-payload.js';
export { toJsonPayload } from './json-payload/json-payload.js';
export type { NotificationsConfig } from './notifications-config/notifications-config.js';
export {
  createNotifierFromConfig,
  notificationKinds,
  notificationsConfigSchema,
} from './notifications-config/notifications-config.js';
export type { SlackNotifierOptions } from './slack-notifier/slack-notifier.js';
export { createSlackNotifier } from './slack-notifier/slack-notifier.js';
export type { SlackBlock, SlackPayload } from './slack-payload/slack-payload.js';
export { toSlackPayload } from './slack-payload/slack-payload.js';
export type { TestNotificationResult } from './test-notification/send-test-notification.js';
export { sendTestNotification } from './test-notification/send-test-notification.js';
export type { DeliveringNotifier, NotifierOptions } from './webhook-notifier/queued-notifier.js';
export type { WebhookNotifierOptions } from './webhook-notifier/webhook-notifier.js';
export { createWebhookNotifier } from './webhook-notifier/webhook-notifier.js';
export { describeWebhookUrl } from './webhook-url/webhook-url.js';
