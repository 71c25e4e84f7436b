import type { Notification } from '@website-monitor/core';
import type { DeliveryReport } from '../delivery/delivery.js';
import type { DeliveringNotifier } from '../webhook-notifier/queued-notifier.js';

/**
 * Sends each notification to every notifier at once; a slow one never delays the others.
 *
 * @example
 * ```ts
 * import { createFanoutNotifier, createSlackNotifier, createWebhookNotifier } from '@website-monitor/notifier';
 *
 * const notifier = createFanoutNotifier([
 *   createSlackNotifier({ url: process.env.SLACK_WEBHOOK_URL! }),
 *   createWebhookNotifier({ url: 'https://ops.example.com/hooks/website-monitor' }),
 * ]);
 * ```
 */
export function createFanoutNotifier(notifiers: readonly DeliveringNotifier[]): DeliveringNotifier {
  const deliver = async (options: {
    readonly notification: Notification;
  }): Promise<readonly DeliveryReport[]> => {
    const reports = await Promise.all(notifiers.map((notifier) => notifier.deliver(options)));
    return reports.flat();
  };
  return {
    deliver,
    async notify(options) {
      await deliver(options);
    },
    async notifyAgentAlert(options) {
      await Promise.all(notifiers.map((notifier) => notifier.notifyAgentAlert?.(options)));
    },
    async drain() {
      await Promise.all(notifiers.map((notifier) => notifier.drain()));
    },
  };
}
