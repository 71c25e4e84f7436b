/**
 * Milliseconds since the epoch with sub-millisecond resolution. Comparable with the daemon's event
 * `timeNano` (same host clock), unlike `performance.now()` alone.
 */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** A daemon event's `timeNano` as milliseconds since the epoch, keeping the microseconds. */
export function nanoToMs(timeNano: bigint): number {
  return Number(timeNano / 1000n) / 1000;
}
