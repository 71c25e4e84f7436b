import { containerEventActions } from './parse-event-line.js';

/**
 * Query for `GET /events`: container events of the kinds we report. The daemon matches
 * `health_status` by prefix, so it also delivers `health_status: healthy`.
 */
export function eventsQuery(since: number | undefined): {
  readonly filters: { readonly type: readonly string[]; readonly event: readonly string[] };
  readonly since?: string;
} {
  const filters = { type: ['container'], event: [...containerEventActions] };
  return since === undefined ? { filters } : { filters, since: toDockerTimestamp(since) };
}

/**
 * Milliseconds since the epoch -> Docker's `seconds.nanoseconds` string. The fraction is always
 * nine digits: the daemon scales a shorter fraction by its length, and float formatting of
 * `ms / 1000` could print `1e21` or drop precision, so this is integer arithmetic only.
 */
export function toDockerTimestamp(milliseconds: number): string {
  if (!Number.isFinite(milliseconds) || milliseconds < 0) {
    throw new RangeError(`since must be a non-negative number of milliseconds, got ${milliseconds}`);
  }
  const wholeMilliseconds = BigInt(Math.floor(milliseconds));
  const seconds = wholeMilliseconds / 1000n;
  const nanoseconds = (wholeMilliseconds % 1000n) * 1_000_000n;
  return `${seconds}.${nanoseconds.toString().padStart(9, '0')}`;
}
