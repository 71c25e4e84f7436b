import type { Notification, NotificationKind } from '@website-monitor/core';
import { redactPayload } from '../redact-payload/redact-payload.js';

/** The generic webhook body: snake_case, ISO times, stable across versions (fields are only added). */
export interface JsonNotificationPayload {
  readonly kind: NotificationKind;
  readonly message: string;
  /** The container is marked `critical: true` in the monitor's config or labels. */
  readonly critical: boolean;
  readonly incident: {
    readonly id: string;
    readonly container_id: string;
    readonly container_name: string;
    readonly trigger: string;
    readonly status: string;
    readonly problems: readonly { readonly kind: string; readonly message: string }[];
    readonly opened_at: string;
    readonly resolved_at: string | null;
    readonly exit_code: number | null;
    readonly oom_killed: boolean;
    readonly actions_taken: readonly string[];
    readonly auto_healed: boolean;
    readonly escalation_reason: string | null;
    readonly reopen_count: number;
    readonly diagnosis: {
      readonly diagnosis: string;
      /** The cause in the fixed vocabulary (`port_in_use`, `disk_full`...), when the diagnoser named one. */
      readonly cause: string | null;
      readonly recommended_action: string;
      readonly urgency: string;
      readonly confidence: number;
      readonly reasoning: string;
      readonly source: string;
      /** Why the rules stood in for the model (no key, budget spent, timeout), when they did. */
      readonly fallback_reason: string | null;
    } | null;
  };
  readonly approval?: {
    readonly id: string;
    readonly action: string;
    readonly reason: string;
    readonly status: string;
    readonly requested_at: string;
  };
  readonly host: string;
  readonly sent_at: string;
}

/** When the payload is sent, and which values to mask besides the patterns. */
export interface PayloadOptions {
  /** Milliseconds since the epoch, for `sent_at`. */
  readonly now: number;
  /** Known secret values (e.g. the container's env values) to mask besides the patterns. */
  readonly secretValues?: readonly string[];
}

/**
 * The body `createWebhookNotifier` POSTs for a notification (secrets redacted), for a notifier
 * of your own that sends it elsewhere.
 *
 * @example
 * ```ts
 * import type { Notifier } from '@website-monitor/core';
 * import { toJsonPayload } from '@website-monitor/notifier';
 *
 * const queueNotifier: Notifier = {
 *   notify: async ({ notification }) => queue.send(JSON.stringify(toJsonPayload(notification, { now: Date.now() }))),
 * };
 * ```
 */
export function toJsonPayload(notification: Notification, options: PayloadOptions): JsonNotificationPayload {
  const { incident, approval } = notification;
  const diagnosis = incident.diagnosis;
  const payload: JsonNotificationPayload = {
    kind: notification.kind,
    message: notification.message,
    critical: notification.critical === true,
    incident: {
      id: incident.id,
      container_id: incident.containerId,
      container_name: incident.containerName,
      trigger: incident.trigger,
      status: incident.status,
      problems: incident.problems.map((problem) => ({ kind: problem.kind, message: problem.message })),
      opened_at: iso(incident.openedAt),
      resolved_at: incident.resolvedAt === null ? null : iso(incident.resolvedAt),
      exit_code: incident.exitCode,
      oom_killed: incident.oomKilled,
      actions_taken: [...incident.actionsTaken],
      auto_healed: incident.autoHealed,
      escalation_reason: incident.escalationReason,
      reopen_count: incident.reopenCount ?? 0,
      diagnosis:
        diagnosis === null
          ? null
          : {
              diagnosis: diagnosis.diagnosis,
              cause: diagnosis.cause ?? null,
              recommended_action: diagnosis.recommendedAction,
              urgency: diagnosis.urgency,
              confidence: diagnosis.confidence,
              reasoning: diagnosis.reasoning,
              source: diagnosis.source,
              fallback_reason: diagnosis.fallbackReason ?? null,
            },
    },
    ...(approval
      ? {
          approval: {
            id: approval.id,
            action: approval.action,
            reason: approval.reason,
            status: approval.status,
            requested_at: iso(approval.requestedAt),
          },
        }
      : {}),
    host: incident.host,
    sent_at: iso(options.now),
  };
  return redactPayload(payload, options.secretValues);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
