import { MonitorError, StoreError } from '@website-monitor/core';

/**
 * Turns whatever a driver threw into one readable line (an `AggregateError`'s parts joined,
 * duplicates dropped), for a log line or a `StoreError` message.
 *
 * @example
 * ```ts
 * import { describeError } from '@website-monitor/sql-store';
 *
 * logger.log('warn', 'store_connection_lost', { error: describeError(error) });
 * ```
 */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    // pg raises an empty AggregateError when every address of a host name refused.
    return [...new Set(error.errors.map(describeError))].join('; ');
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return error.message || (typeof code === 'string' ? code : error.name);
  }
  return String(error);
}

/**
 * Wraps a driver error as a StoreError. The cause is kept for its stack and code, unless its
 * text holds something `redact` removes: then a scrubbed copy stands in for it, so logging the
 * cause cannot leak a password either.
 */
export function toStoreError(
  label: string,
  operation: string,
  error: unknown,
  redact: (text: string) => string,
): MonitorError {
  if (MonitorError.isInstance(error)) return error;
  const message = describeError(error);
  let cause = error;
  if (error instanceof Error) {
    const leaks =
      redact(message) !== message || redact(error.stack ?? '') !== (error.stack ?? '') || 'input' in error;
    if (leaks) {
      const scrubbed = new Error(redact(message));
      scrubbed.name = error.name;
      scrubbed.stack = redact(error.stack ?? '');
      const code = (error as { code?: unknown }).code;
      if (code !== undefined) Object.assign(scrubbed, { code });
      cause = scrubbed;
    }
  }
  return new StoreError(`${label} store: ${operation} failed: ${redact(message)}`, { cause });
}
