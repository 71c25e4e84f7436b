import { maxFieldChars } from './bound-text.js';
import { type TextRedactor, textRedactor } from './redact-secrets.js';

/** Keys whose values are never written to a log, wherever they sit in the fields. */
const secretKey =
  /pass(?:word|wd|phrase)|secret|token|api[-_]?key|authori[sz]ation|cookie|credential|private[-_]?key/i;

/** What a secret-named field's value becomes. */
export const redactedFieldValue = '[redacted]';

/** Fields deeper than this are cut, which also stops on cycles. */
const maxDepth = 8;

const patterns: TextRedactor = textRedactor();

/**
 * A copy of a log line's `fields` fit to write: the value of every secret-named key replaced
 * (`{ token: ... }`), at any depth, and every string scanned for secret patterns and bounded
 * like a record field. Numbers and booleans stay (`inputTokens: 1200` is a count, not a
 * credential). Objects that hold no secret are returned as they are, so the common case costs
 * one walk and no copy.
 *
 * The agent redacts container text where it enters its records, with the container's own
 * secrets; this is the log's own guard for what reaches it from elsewhere (an engine error, a
 * plugin's field).
 *
 * @example
 * ```ts
 * import { redactLogFields } from '@website-monitor/core';
 *
 * redactLogFields({ apiKey: 'abc', attempt: 2 }); // { apiKey: '[redacted]', attempt: 2 }
 * ```
 */
export function redactLogFields<T>(fields: T): T {
  return redact(fields, 0) as T;
}

function redact(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length === 0 ? value : patterns(value, maxFieldChars);
  if (typeof value !== 'object' || value === null || value instanceof Date) return value;
  if (depth >= maxDepth) return '[too deep]';
  if (value instanceof Error) return value;
  if (Array.isArray(value)) {
    let changed = false;
    const items = value.map((item) => {
      const next = redact(item, depth + 1);
      changed ||= next !== item;
      return next;
    });
    return changed ? items : value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const next =
      secretKey.test(key) &&
      item !== null &&
      item !== undefined &&
      typeof item !== 'number' &&
      typeof item !== 'boolean'
        ? redactedFieldValue
        : redact(item, depth + 1);
    if (next !== item) {
      copy ??= { ...(value as Record<string, unknown>) };
      copy[key] = next;
    }
  }
  return copy ?? value;
}
