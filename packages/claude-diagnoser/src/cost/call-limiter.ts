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
    const paused = this.pauseRefusal(now);
    if (paused) return paused;
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

  /** Only the 429 pause: checked again when a queued call is about to go out. */
  pauseRefusal(now: number): CallRefusal | undefined {
    if (now < this.#pausedUntil) {
      return {
        kind: 'rate_limited',
        message: `rate_limited (retry after ${Math.ceil((this.#pausedUntil - now) / 1000)}s)`,
      };
    }
    return undefined;
  }

  /**
   * Counts a call against the budget and the container's cooldown from the moment it is queued,
   * so a storm is refused at once rather than after a wait. `cancel()` gives the slot back when
   * the call never went out (its caller gave up while it was queued).
   */
  recordCall(container: string, now: number): { cancel(): void } {
    const previous = this.#lastCallByContainer.get(container);
    this.#lastCallByContainer.set(container, now);
    this.#callTimes.push(now);
    let cancelled = false;
    return {
      cancel: () => {
        if (cancelled) return;
        cancelled = true;
        const index = this.#callTimes.indexOf(now);
        if (index >= 0) this.#callTimes.splice(index, 1);
        if (this.#lastCallByContainer.get(container) !== now) return;
        if (previous === undefined) this.#lastCallByContainer.delete(container);
        else this.#lastCallByContainer.set(container, previous);
      },
    };
  }

  pauseUntil(at: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, at);
  }
}
