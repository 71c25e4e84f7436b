/**
 * Per-container breaker that stops automatic healing once it has clearly not worked: the restart
 * budget is spent or a strategy step ran out of `max_attempts`.
 *
 * Semantics, chosen to be simple to reason about:
 * - `trip` opens it and says `escalate: true` only on the transition from closed to open, so a
 *   person is told once per incident, not on every check that follows.
 * - While open, automatic (rule or model) healing of the container is refused.
 * - It closes only when the incident it was opened for resolves (the container recovered, by
 *   itself or by a person's hand) or when a person resets it. It does NOT close when the budget
 *   window frees a slot: a container that used its whole budget and is still failing needs a
 *   human, and reopening automatically would just continue the restart loop at the budget's pace.
 */
export interface OpenBreaker {
  readonly container: string;
  /** The incident that tripped it; null when tripped outside an incident. */
  readonly incidentId: string | null;
  /** One sentence, reused in the escalation. */
  readonly reason: string;
  readonly openedAt: number;
}

export interface TripResult {
  /** True only when this call opened the breaker: escalate now, and only now. */
  readonly escalate: boolean;
  readonly breaker: OpenBreaker;
}

export interface CircuitBreaker {
  trip(input: {
    readonly container: string;
    readonly incidentId: string | null;
    readonly reason: string;
    readonly now: number;
  }): TripResult;
  isOpen(container: string): boolean;
  get(container: string): OpenBreaker | undefined;
  /**
   * The incident resolved: closes the breaker when it was opened for that incident (a stale
   * resolution of an older incident leaves a newer trip open). Returns whether it closed.
   */
  incidentResolved(input: { readonly container: string; readonly incidentId: string }): boolean;
  /** A person reset it: closes it whatever tripped it. Returns whether it was open. */
  reset(input: { readonly container: string }): boolean;
  /** Open breakers, oldest first. */
  openBreakers(): readonly OpenBreaker[];
  /** Reopens breakers from storage after an agent restart, without escalating again. */
  restore(breakers: readonly OpenBreaker[]): void;
}

export function createCircuitBreaker(): CircuitBreaker {
  const open = new Map<string, OpenBreaker>();

  return {
    trip({ container, incidentId, reason, now }) {
      const existing = open.get(container);
      if (existing) return { escalate: false, breaker: existing };
      const breaker: OpenBreaker = { container, incidentId, reason, openedAt: now };
      open.set(container, breaker);
      return { escalate: true, breaker };
    },
    isOpen(container) {
      return open.has(container);
    },
    get(container) {
      return open.get(container);
    },
    incidentResolved({ container, incidentId }) {
      const existing = open.get(container);
      if (!existing) return false;
      if (existing.incidentId !== null && existing.incidentId !== incidentId) return false;
      open.delete(container);
      return true;
    },
    reset({ container }) {
      return open.delete(container);
    },
    openBreakers() {
      return [...open.values()].sort((a, b) => a.openedAt - b.openedAt);
    },
    restore(breakers) {
      for (const breaker of breakers) {
        if (!open.has(breaker.container)) open.set(breaker.container, breaker);
      }
    },
  };
}
