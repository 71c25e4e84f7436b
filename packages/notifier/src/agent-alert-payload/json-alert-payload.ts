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
