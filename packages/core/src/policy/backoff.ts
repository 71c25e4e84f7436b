/**
 * Delay between healing attempts on one container: exponential doubling from `initialMs` to a
 * `maxMs` cap (kubelet CrashLoopBackOff: 10 s doubling to 300 s, reset after 10 min stable).
 *
 * Attempt 0 (nothing tried yet) has no delay, so detection to first restart stays within
 * milliseconds; attempt n >= 1 waits around `initialMs * 2^(n-1)`.
 *
 * Jitter: "equal jitter" — half the exponential delay is fixed, the other half is random. When
 * one cause (a database, the host) takes many containers down at once, their retries would
 * otherwise fire in lockstep and hammer the shared dependency together (a restart storm);
 * spreading over the random half avoids that. We do not use "full jitter" (anywhere in
 * `[0, delay]`) because it can pick a near-zero delay, and a crash-looping container must
 * actually slow down: equal jitter guarantees at least half the backoff.
 */
export interface BackoffOptions {
  /** Attempts already made since the counter last reset; 0 = this is the first. */
  readonly attempt: number;
  readonly initialMs: number;
  readonly maxMs: number;
  /** A number in [0, 1): `Math.random` in production, fixed in tests, or `stableJitter(key)`. */
  readonly random: () => number;
}

/** kubelet's CrashLoopBackOff numbers, for reference and defaults. */
export const kubeletBackoff = {
  initialMs: 10_000,
  maxMs: 300_000,
  resetAfterStableMs: 600_000,
} as const;

/** The un-jittered delay for `attempt`: 0, then `initialMs` doubling, capped at `maxMs`. */
export function backoffCeilingMs(options: Omit<BackoffOptions, 'random'>): number {
  const attempt = Number.isFinite(options.attempt) ? Math.floor(options.attempt) : 0;
  if (attempt <= 0) return 0;
  const initialMs = Math.max(0, options.initialMs);
  const maxMs = Math.max(0, options.maxMs);
  // 2 ** large is Infinity, which Math.min folds into the cap.
  return Math.min(maxMs, initialMs * 2 ** (attempt - 1));
}

export function backoffDelayMs(options: BackoffOptions): number {
  const ceiling = backoffCeilingMs(options);
  if (ceiling === 0) return 0;
  const fraction = clampFraction(options.random());
  const half = ceiling / 2;
  return Math.round(half + fraction * half);
}

/**
 * Whether the attempt counter starts again: the container has been healthy without a break since
 * `stableSince` (null when it is not healthy now) for at least `resetAfterStableMs`.
 */
export function shouldResetBackoff(input: {
  readonly stableSince: number | null;
  readonly now: number;
  readonly resetAfterStableMs: number;
}): boolean {
  return input.stableSince !== null && input.now - input.stableSince >= input.resetAfterStableMs;
}

/** The attempt count to feed `backoffDelayMs`: 0 after a long enough stable run, else `attempts`. */
export function effectiveBackoffAttempt(input: {
  readonly attempts: number;
  readonly stableSince: number | null;
  readonly now: number;
  readonly resetAfterStableMs: number;
}): number {
  return shouldResetBackoff(input) ? 0 : input.attempts;
}

/**
 * A fraction in [0, 1) derived from `key` (FNV-1a hash). Using `${incidentId}:${attempt}` as the
 * key gives each container its own jitter (so they spread out) while re-evaluating the same
 * attempt yields the same wait, instead of a deadline that moves on every check.
 */
export function stableJitter(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 2 ** 32;
}

function clampFraction(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return Math.min(value, 1);
}
