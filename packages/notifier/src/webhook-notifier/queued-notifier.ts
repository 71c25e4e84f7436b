import {
  type AgentAlert,
  type Clock,
  type Logger,
  type Notification,
  type NotificationKind,
  type Notifier,
  type ProblemKind,
  silentLogger,
  systemClock,
} from '@website-monitor/core';
import { type DeliveryReport, deliverWebhook, type RetryOptions } from '../delivery/delivery.js';
import { createDeliveryQueue } from '../delivery-queue/delivery-queue.js';
import { assertWebhookUrl, describeWebhookUrl } from '../webhook-url/webhook-url.js';

/** A Notifier that can also say how a delivery went (for `notify test`) and wait for its queue. */
export interface DeliveringNotifier extends Notifier {
  /** Queues the notification and resolves with one report per destination; never rejects. */
  deliver(options: { readonly notification: Notification }): Promise<readonly DeliveryReport[]>;
  /** Resolves when everything queued so far has been attempted (for shutdown and tests). */
  drain(): Promise<void>;
}

/** Options every webhook-style notifier takes. */
export interface NotifierOptions extends RetryOptions {
  /** Extra request headers (e.g. an Authorization for your endpoint). Never logged. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Per request (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Only these kinds are sent (default: all). */
  readonly kinds?: readonly NotificationKind[];
  /** Only incidents of these triggers are sent, e.g. `['docker_unhealthy']` (default: all). */
  readonly triggers?: readonly ProblemKind[];
  /** Notifications waiting while one is being delivered; newer ones are dropped beyond it (default 100). */
  readonly maxQueued?: number;
  /** Known secret values to mask besides the built-in patterns, e.g. env values of the watched containers. */
  readonly secretValues?: readonly string[];
  /** Name in logs and reports. */
  readonly name?: string;
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** 0 <= x < 1, for backoff jitter. */
  readonly random?: () => number;
  readonly fetch?: typeof globalThis.fetch;
}

export interface QueuedNotifierSpec {
  readonly url: string;
  readonly urlField: string;
  readonly defaultName: string;
  readonly buildBody: (notification: Notification, now: number) => unknown;
  /** The body for an agent alert (spool full...); without it, alerts are not sent here. */
  readonly buildAlertBody?: (alert: AgentAlert, now: number) => unknown;
}

export function createQueuedNotifier(spec: QueuedNotifierSpec, options: NotifierOptions): DeliveringNotifier {
  assertWebhookUrl(spec.url, spec.urlField);
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const target = options.name ?? spec.defaultName;
  const kinds = options.kinds ? new Set(options.kinds) : undefined;
  const triggers = options.triggers ? new Set<string>(options.triggers) : undefined;
  const queue = createDeliveryQueue(options.maxQueued ?? 100);

  const deliver = async ({ notification }: { readonly notification: Notification }) => {
    if (kinds && !kinds.has(notification.kind)) return [];
    if (triggers && !triggers.has(notification.incident.trigger)) return [];
    return send(notification.kind, () => spec.buildBody(notification, clock.now()));
  };

  const send = async (kind: string, buildBody: () => unknown): Promise<DeliveryReport[]> => {
    const queued = queue.push(() =>
      deliverWebhook({
        url: spec.url,
        body: buildBody(),
        headers: options.headers,
        timeoutMs: options.timeoutMs,
        retries: options.retries,
        baseDelayMs: options.baseDelayMs,
        maxDelayMs: options.maxDelayMs,
        clock,
        logger,
        random: options.random,
        fetch: options.fetch,
        target,
      }),
    );
    if (queued === undefined) {
      const destination = describeWebhookUrl(spec.url);
      logger.log('warn', 'notification_dropped', {
        target,
        destination,
        kind,
        reason: 'queue full',
      });
      return [{ target, destination, ok: false, attempts: 0, error: 'queue full' }];
    }
    try {
      return [await queued];
    } catch (error) {
      // deliverWebhook never throws; a throw here is a bug in a body builder: keep its stack in the log.
      logger.log('error', 'notification_bug', { target, error });
      return [
        { target, destination: describeWebhookUrl(spec.url), ok: false, attempts: 0, error: String(error) },
      ];
    }
  };

  const buildAlertBody = spec.buildAlertBody;
  return {
    deliver,
    async notify(options) {
      await deliver(options);
    },
    // The agent's own trouble is not an incident: the `kinds` filter does not apply to it.
    ...(buildAlertBody === undefined
      ? {}
      : {
          async notifyAgentAlert({ alert }: { readonly alert: AgentAlert }) {
            await send(alert.kind, () => buildAlertBody(alert, clock.now()));
          },
        }),
    drain: () => queue.idle(),
  };
}
