const hourMs = 3_600_000;

export type CallRefusal =
  | { readonly kind: 'cooldown'; readonly message: string }
  | { readonly kind: 'budget_exhausted'; readonly message: string }
  | { readonly kind: 'rate_limited'; readonly message: string };

/**
 * Decides whether one more API call may go out: a per-container cooldown, an hourly budget for
 * the whole diagnoser, and a pause after the API said 429 (until its retry-after has passed).
 */
export class CallLimiter {
  readonly #cooldownMs: number;
  readonly #hourlyBudget: number;
  readonly #lastCallByContainer = new Map<string, number>();
  #callTimes: number[] = [];
  #pausedUntil = 0;

  constructor(options: { readonly cooldownMs: number; readonly hourlyBudget: number }) {
    this.#cooldownMs = options.cooldownMs;
    this.#hourlyBudget = options.hourlyBudget;
  }

  refusal(container: string, now: number): CallRefusal | undefined {
    if (now < this.#pausedUntil) {
      return {
        kind: 'rate_limited',
        message: `rate_limited (retry after ${Math.ceil((this.#pausedUntil - now) / 1000)}s)`,
      };
    }
    const last = this.#lastCallByContainer.get(container);
    if (last !== undefined && now - last < this.#cooldownMs) {
      return {
        kind: 'cooldown',
        message: `cooldown: ${container} was diagnosed ${Math.round((now - last) / 1000)}s ago (cooldown ${Math.round(this.#cooldownMs / 1000)}s)`,
      };
    }
    this.#callTimes = this.#callTimes.filter((at) => now - at < hourMs);
    if (this.#callTimes.length >= this.#hourlyBudget) {
      return {
        kind: 'budget_exhausted',
        message: `budget_exhausted: ${this.#callTimes.length} calls in the last hour (limit ${this.#hourlyBudget})`,
      };
    }
    return undefined;
  }

  recordCall(container: string, now: number): void {
    this.#lastCallByContainer.set(container, now);
    this.#callTimes.push(now);
  }

  pauseUntil(at: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, at);
  }
}
