import type { SpoolDepth } from '../metrics/monitor-metrics.js';

/**
 * Why `/healthz` says `degraded` about the spool, or undefined when it takes writes: the agent
 * still watches and heals, but what it records is lost if the database goes away too.
 */
export function spoolWarning(spool: SpoolDepth | undefined, now: number): string | undefined {
  const failure = spool?.pending().writeFailure;
  if (!failure) return undefined;
  const seconds = Math.max(0, Math.round((now - failure.since) / 1000));
  const what = failure.reason === 'disk_full' ? 'spool is full' : 'spool cannot be written';
  return `${what} (${failure.error}) for ${seconds} s: records reach the database directly and are lost while it is down (${failure.lostRecords} lost so far)`;
}
