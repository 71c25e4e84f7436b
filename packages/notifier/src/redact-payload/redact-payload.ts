import { redactDeep } from '@website-monitor/core';

/**
 * Every string of a payload redacted and bounded (core's `redactDeep`). The agent already
 * redacts container text where it enters its records, with the container's own secrets; this is
 * the notifier's guard for the agent's own secrets (`secretValues`) and for notifications built
 * elsewhere (a test notification, a plugin).
 */
export function redactPayload<T>(value: T, extraValues: readonly string[] = []): T {
  return redactDeep(value, { extraValues });
}
