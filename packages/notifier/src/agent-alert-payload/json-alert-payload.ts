import type { AgentAlert, AgentAlertKind } from '@website-monitor/core';
import type { PayloadOptions } from '../json-payload/json-payload.js';
import { redactPayload } from '../redact-payload/redact-payload.js';

/**
 * The generic webhook body for the agent's own trouble. It has no `incident`: a receiver tells it
 * from an incident notification by `kind` (`spool_full`, `spool_recovered`) or `agent_alert: true`.
 */
export interface JsonAlertPayload {
  readonly kind: AgentAlertKind;
  readonly agent_alert: true;
  readonly message: string;
  readonly host: string;
  readonly at: string;
  readonly details: Readonly<Record<string, string | number | null>>;
  readonly sent_at: string;
}

/**
 * The body `createWebhookNotifier` POSTs for an agent alert, for a notifier of your own.
 *
 * @example
 * ```ts
 * import { toJsonAlertPayload } from '@website-monitor/notifier';
 *
 * const notifier: Notifier = {
 *   notify: async () => {},
 *   notifyAgentAlert: async ({ alert }) => queue.send(JSON.stringify(toJsonAlertPayload(alert, { now: Date.now() }))),
 * };
 * ```
 */
export function toJsonAlertPayload(alert: AgentAlert, options: PayloadOptions): JsonAlertPayload {
  return redactPayload(
    {
      kind: alert.kind,
      agent_alert: true,
      message: alert.message,
      host: alert.host,
      at: new Date(alert.at).toISOString(),
      details: alert.details,
      sent_at: new Date(options.now).toISOString(),
    },
    options.secretValues,
  );
}
