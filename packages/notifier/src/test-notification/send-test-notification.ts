import { hostname } from 'node:os';
import { type Clock, type Notification, systemClock } from '@website-monitor/core';
import type { DeliveryReport } from '../delivery/delivery.js';
import type { DeliveringNotifier } from '../webhook-notifier/queued-notifier.js';

/** How the test notification went, overall and per destination. */
export interface TestNotificationResult {
  readonly ok: boolean;
  readonly reports: readonly DeliveryReport[];
  /** One line per destination, for a person: `ok slack https://hooks.slack.com/… (1 attempt, HTTP 200)`. */
  readonly lines: readonly string[];
}

/**
 * `website-monitor notify test`: sends a clearly-labelled sample incident to every configured
 * destination and says how each went. Kind filters are bypassed only in the sense that the
 * sample is an `incident_opened`, the kind people keep when they filter.
 *
 * @example
 * ```ts
 * import { createNotifierFromConfig, sendTestNotification } from '@website-monitor/notifier';
 *
 * const notifier = createNotifierFromConfig(config.notifications);
 * if (notifier) console.log((await sendTestNotification({ notifier })).lines.join('\n'));
 * ```
 */
export async function sendTestNotification(options: {
  readonly notifier: DeliveringNotifier;
  readonly host?: string;
  readonly clock?: Clock;
}): Promise<TestNotificationResult> {
  const now = (options.clock ?? systemClock).now();
  const host = options.host ?? hostname();
  const notification: Notification = {
    kind: 'incident_opened',
    message: `Test notification from website-monitor on ${host}: if you can read this, notifications work.`,
    incident: {
      id: 'test-notification',
      host,
      containerId: 'test',
      containerName: 'website-monitor-test',
      trigger: 'container_stopped',
      problems: [{ kind: 'container_stopped', message: 'This is a test: no container is affected.' }],
      status: 'open',
      openedAt: now,
      updatedAt: now,
      resolvedAt: null,
      exitCode: null,
      oomKilled: false,
      diagnosis: null,
      actionsTaken: [],
      autoHealed: false,
      escalationReason: null,
    },
  };
  const reports = await options.notifier.deliver({ notification });
  const lines =
    reports.length === 0
      ? ['no destination accepts incident_opened notifications: check notifications.webhooks[].kinds']
      : reports.map(describeReport);
  return { ok: reports.length > 0 && reports.every((report) => report.ok), reports, lines };
}

function describeReport(report: DeliveryReport): string {
  const attempts = `${report.attempts} attempt${report.attempts === 1 ? '' : 's'}`;
  const status = report.status === undefined ? '' : `, HTTP ${report.status}`;
  const outcome = report.ok ? 'ok' : `failed: ${report.error ?? 'unknown error'}`;
  return `${report.ok ? 'ok' : 'FAILED'} ${report.target} ${report.destination} (${attempts}${status})${report.ok ? '' : ` ${outcome}`}`;
}
