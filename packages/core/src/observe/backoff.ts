export interface BackoffSettings {
  readonly initialMs: number;
  readonly maxMs: number;
}

/**
 * Delay before retry number `attempt` (0-based): doubling from `initialMs` up to `maxMs`, then
 * "equal jitter" (half fixed, half random). The fixed half keeps a floor so retries never hammer a
 * daemon that is restarting; the random half spreads many agents (or many watchers) apart, the
 * same reason kubelet's probe workers start at a random point of their period.
 * `random` is `Math.random`'s contract: a number in [0, 1).
 */
export function backoffDelay(
  attempt: number,
  settings: BackoffSettings,
  random: () => number = Math.random,
): number {
  const initialMs = Math.max(0, settings.initialMs);
  const maxMs = Math.max(initialMs, settings.maxMs);
  // Capping the exponent keeps 2 ** attempt finite however long an outage lasts.
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(Math.max(0, attempt), 52));
  return Math.round(base / 2 + (base / 2) * Math.min(1, Math.max(0, random())));
}
