/** A lease that lasts no time, or a ttl that is not whole milliseconds, is a caller's bug. */
export function checkEngineLeaseTtl(ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 1) {
    throw new RangeError(`an engine lease needs a ttlMs of at least 1 (whole milliseconds), got ${ttlMs}`);
  }
}
