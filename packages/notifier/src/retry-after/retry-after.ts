/**
 * Reads a `Retry-After` header: delay-seconds or an HTTP date. Returns milliseconds to wait, or
 * undefined when the header is absent or unreadable (the caller then uses its own backoff).
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Date.parse reads `-1` as a year: an HTTP date always names its day and month.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
