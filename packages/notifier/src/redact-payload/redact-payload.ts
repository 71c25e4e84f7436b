import { redactSecrets } from '@website-monitor/core';

/**
 * Every string in a payload goes through `redactSecrets`: incident messages, diagnoses and
 * reasoning quote container logs, and which field will carry a secret next is not knowable.
 */
export function redactPayload<T>(value: T, extraValues: readonly string[] = []): T {
  return walk(value, extraValues) as T;
}

function walk(value: unknown, extraValues: readonly string[]): unknown {
  if (typeof value === 'string') return redactSecrets(value, { extraValues });
  if (Array.isArray(value)) return value.map((item) => walk(item, extraValues));
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) result[key] = walk(item, extraValues);
    return result;
  }
  return value;
}
