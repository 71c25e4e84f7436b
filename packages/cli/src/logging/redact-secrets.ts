/** Keys whose values are never written to a log, wherever they sit in the fields. */
const secretKey =
  /pass(word|wd|phrase)|secret|token|api[-_]?key|authori[sz]ation|cookie|credential|private[-_]?key/i;

export const redactedValue = '[redacted]';

/** Fields deeper than this are cut, which also stops on cycles. */
const maxDepth = 8;

/**
 * A copy of `fields` with the value of every secret-looking key replaced, at any depth.
 * Numbers and booleans stay (`inputTokens: 1200` is a count, not a credential). Objects that hold
 * no secret are returned as they are, so the common case costs one walk and no copy.
 */
export function redactSecrets<T>(fields: T): T {
  return redact(fields, 0) as T;
}

function redact(value: unknown, depth: number): unknown {
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
        ? redactedValue
        : redact(item, depth + 1);
    if (next !== item) {
      copy ??= { ...(value as Record<string, unknown>) };
      copy[key] = next;
    }
  }
  return copy ?? value;
}
