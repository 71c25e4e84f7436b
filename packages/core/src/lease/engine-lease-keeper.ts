import type { Clock } from '../ports/clock.js';
import {
  type EngineLeaseAnswer,
  type EngineLeaseHolder,
  type EngineLeaseRecord,
  type EngineLeaseStore,
  isSessionEngineLeaseStore,
} from '../ports/engine-lease.js';
import type { Logger } from '../ports/logger.js';
import { checkEngineLeaseTtl } from './engine-lease-ttl.js';

/** One place where agents that could act on the same engine meet. */
export interface EngineLeasePlace {
  /** For people: `the SQLite store /var/lib/website-monitor/monitor.db`, `the lock file /run/...`. */
  readonly where: string;
  readonly leases: EngineLeaseStore;
  /**
   * What the holder does while this place cannot be reached to renew. `stop-acting`: stop once
   * the lease may have lapsed there (someone else may take it). `keep-acting`: go on while the
   * other places still hold; the lease is taken or renewed here as soon as the place answers
   * again, and if someone else holds it then, the lease is lost. The embedded and PostgreSQL
   * stores use `keep-acting` (the agent heals through a database outage, its writes spooled), the
   * host lock file `stop-acting`. A function is asked each time it matters: PostgreSQL's advisory
   * lock is `stop-acting` while a standby waits to take over, `keep-acting` while none does.
   *
   * A place whose leases end with their holder's connection (`SessionEngineLeaseStore`) is told
   * when that connection ends: `stop-acting` then loses the lease at once, `keep-acting` takes it
   * again on the next heartbeat.
   */
  readonly whenUnreachable: EngineLeaseUnreachablePolicy | (() => EngineLeaseUnreachablePolicy);
  /**
   * How long a renewal here certainly holds, from when it started. Default: the ttl less half a
   * heartbeat. A place that drops a silent holder on its own schedule (a database server's TCP
   * keepalive) gives the time before which it never does.
   */
  readonly validForMs?: number;
}

export type EngineLeaseUnreachablePolicy = 'stop-acting' | 'keep-acting';

/** Why the lease is not (or no longer) ours, for a message that names the other process. */
export interface EngineLeaseConflict {
  readonly where: string;
  /** Undefined when the place records no holder (a lease renewed after it vanished). */
  readonly heldBy: EngineLeaseRecord | undefined;
}

export type EngineLeaseAttempt =
  | { readonly held: true }
  | { readonly held: false; readonly conflict: EngineLeaseConflict }
  /** A `stop-acting` place did not answer: nothing was taken. */
  | { readonly held: false; readonly unreachable: { readonly where: string; readonly error: string } };

export interface EngineLeaseLoss extends EngineLeaseConflict {
  /**
   * `taken`: someone else holds it now. `unrenewed`: not renewed in time, it may be taken.
   * `session_ended`: the connection holding it ended, so the place let it go at once.
   */
  readonly reason: 'taken' | 'unrenewed' | 'session_ended';
  /** What ended the session (the driver's words), for `session_ended`. */
  readonly detail?: string;
}

export interface EngineLeaseKeeperOptions {
  readonly engineId: string;
  readonly holder: EngineLeaseHolder;
  /** Taken in this order; all of them, or none. */
  readonly places: readonly EngineLeasePlace[];
  readonly clock: Clock;
  readonly logger: Logger;
  /** How often the lease is renewed. Default 2000 ms. */
  readonly heartbeatMs?: number;
  /** Renewals missed before the lease lapses: the ttl is `heartbeatMs × missedRenewals`. Default 3. */
  readonly missedRenewals?: number;
}

export const defaultLeaseHeartbeatMs = 2_000;
export const defaultMissedRenewals = 3;

interface PlaceState {
  readonly place: EngineLeasePlace;
  /** Held here (taken or renewed at least once since the last acquire). */
  held: boolean;
  /** Local time until which this place's lease is certainly ours. */
  validUntil: number;
  /** A renewal failure was already logged (once per outage). */
  failing: boolean;
  /** The lease as this place last answered it (for its term). */
  lease: EngineLeaseRecord | undefined;
  /** Stops listening for the end of this place's session, where it has one. */
  unwatch: (() => void) | undefined;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function policyOf(place: EngineLeasePlace): EngineLeaseUnreachablePolicy {
  return typeof place.whenUnreachable === 'function' ? place.whenUnreachable() : place.whenUnreachable;
}

/**
 * Holds one engine's lease across every place agents can meet (the shared store, the host's lock
 * file): takes it in all of them or none, renews it on a heartbeat, and says at once when it is
 * lost. `mayAct()` is the question every action asks first: true only while the lease is held in
 * every place and certainly not yet lapsed by the holder's own clock (the renewal's start plus
 * the ttl, less half a heartbeat), so a holder that cannot renew stops before anyone could take
 * over.
 */
export class EngineLeaseKeeper {
  readonly engineId: string;
  readonly holder: EngineLeaseHolder;
  readonly heartbeatMs: number;
  readonly ttlMs: number;
  readonly #places: PlaceState[];
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #lostListeners = new Set<(loss: EngineLeaseLoss) => void>();
  #state: 'idle' | 'held' | 'lost' | 'released' = 'idle';
  #heartbeat: AbortController | undefined;
  #beating: Promise<void> | undefined;
  /**
   * A holder that held a `stop-acting` place before us and holds it no more (the host lock's
   * kernel lock died with it): it can no longer act, so its leases elsewhere are taken at once.
   */
  #supersedes: string | undefined;

  constructor(options: EngineLeaseKeeperOptions) {
    this.engineId = options.engineId;
    this.holder = options.holder;
    this.heartbeatMs = options.heartbeatMs ?? defaultLeaseHeartbeatMs;
    this.ttlMs = this.heartbeatMs * (options.missedRenewals ?? defaultMissedRenewals);
    checkEngineLeaseTtl(this.ttlMs);
    if (options.places.length === 0) throw new RangeError('an engine lease needs at least one place');
    this.#places = options.places.map((place) => ({
      place,
      held: false,
      validUntil: 0,
      failing: false,
      lease: undefined,
      unwatch: undefined,
    }));
    this.#clock = options.clock;
    this.#logger = options.logger;
  }

  /** True while this agent may act on the engine. */
  mayAct(): boolean {
    if (this.#state !== 'held') return false;
    const now = this.#clock.now();
    return this.#places.every(
      (state) => policyOf(state.place) === 'keep-acting' || (state.held && now < state.validUntil),
    );
  }

  /** Where the lease is held now, and as what (each place's last answer). */
  heldLeases(): readonly { readonly where: string; readonly lease: EngineLeaseRecord }[] {
    if (this.#state !== 'held') return [];
    return this.#places.flatMap((state) =>
      state.held && state.lease !== undefined ? [{ where: state.place.where, lease: state.lease }] : [],
    );
  }

  get state(): 'idle' | 'held' | 'lost' | 'released' {
    return this.#state;
  }

  /** Called once, at once, when the lease is lost; returns the unsubscribe function. */
  onLost(listener: (loss: EngineLeaseLoss) => void): () => void {
    this.#lostListeners.add(listener);
    return () => this.#lostListeners.delete(listener);
  }

  /** One attempt to take the lease in every place. A refusal anywhere gives back what was taken. */
  async tryAcquire(): Promise<EngineLeaseAttempt> {
    if (this.#state === 'held') return { held: true };
    if (this.#state !== 'idle') throw new Error(`the engine lease was ${this.#state}; make a new keeper`);
    const taken: PlaceState[] = [];
    this.#supersedes = undefined;
    for (const state of this.#places) {
      const startedAt = this.#clock.now();
      try {
        const answer = await this.#acquireAt(state);
        if (!answer.held) {
          await this.#giveBack(taken);
          return { held: false, conflict: { where: state.place.where, heldBy: answer.heldBy } };
        }
        this.#holding(state, answer.lease, startedAt);
        taken.push(state);
      } catch (error) {
        if (policyOf(state.place) === 'keep-acting') {
          // Taken on a later heartbeat, once the place answers.
          this.#renewalFailed(state, error);
          continue;
        }
        await this.#giveBack(taken);
        return { held: false, unreachable: { where: state.place.where, error: describeError(error) } };
      }
    }
    this.#state = 'held';
    this.#logger.log('info', 'engine_lease_acquired', {
      engine_id: this.engineId,
      holder_id: this.holder.id,
      ttl_ms: this.ttlMs,
      places: this.#places.filter((state) => state.held).map((state) => state.place.where),
    });
    this.#startHeartbeat();
    return { held: true };
  }

  /**
   * Standby: tries every `pollMs` (default half a heartbeat) until the lease is ours or `signal`
   * aborts (then resolves false). `onWaiting` hears each refusal, for a log line on changes.
   */
  async waitForLease(options: {
    readonly signal: AbortSignal;
    readonly pollMs?: number;
    readonly onWaiting?: (attempt: Exclude<EngineLeaseAttempt, { held: true }>) => void;
  }): Promise<boolean> {
    const pollMs = options.pollMs ?? Math.max(1, Math.round(this.heartbeatMs / 2));
    while (!options.signal.aborted) {
      const attempt = await this.tryAcquire();
      if (attempt.held) return true;
      options.onWaiting?.(attempt);
      try {
        await this.#clock.sleep(pollMs, options.signal);
      } catch {
        return false;
      }
    }
    return false;
  }

  /** Clean stop: no more renewals, and the lease is handed back everywhere so a standby takes over now. */
  async release(): Promise<void> {
    // Not logged: a clean stop ends with the agent's own agent_stopped line, and implies this.
    if (this.#state === 'held' || this.#state === 'idle') this.#state = 'released';
    await this.#stopHeartbeat();
    await this.#giveBack(this.#places.filter((state) => state.held));
  }

  async #acquireAt(state: PlaceState): Promise<EngineLeaseAnswer> {
    const answer = await state.place.leases.acquireEngineLease({
      engineId: this.engineId,
      holder: this.holder,
      ttlMs: this.ttlMs,
      ...(this.#supersedes === undefined ? {} : { supersedes: this.#supersedes }),
    });
    if (
      answer.held &&
      answer.previousHolderId !== undefined &&
      state.place.whenUnreachable === 'stop-acting'
    ) {
      this.#supersedes = answer.previousHolderId;
      this.#logger.log('info', 'engine_lease_superseding', {
        engine_id: this.engineId,
        where: state.place.where,
        previous_holder_id: answer.previousHolderId,
      });
    }
    return answer;
  }

  #validUntil(state: PlaceState, renewalStartedAt: number): number {
    // Half a heartbeat short of the ttl: the place's clock started counting after ours did, and a
    // standby polls; stopping a little early costs nothing.
    return renewalStartedAt + (state.place.validForMs ?? this.ttlMs - Math.floor(this.heartbeatMs / 2));
  }

  /** Taken or renewed at `state`: held until the renewal's bound, and its session watched. */
  #holding(state: PlaceState, lease: EngineLeaseRecord, startedAt: number): void {
    state.held = true;
    state.lease = lease;
    state.validUntil = this.#validUntil(state, startedAt);
    const { leases } = state.place;
    if (state.unwatch !== undefined || !isSessionEngineLeaseStore(leases)) return;
    state.unwatch = leases.onEngineLeaseSessionEnded({
      engineId: this.engineId,
      holderId: this.holder.id,
      listener: (detail) => this.#sessionEnded(state, detail),
    });
  }

  /**
   * The connection that held the lease at a session place ended: the place has let it go already.
   * Acting stops now if someone would take over (`stop-acting`); otherwise the lease is taken
   * again on the next heartbeat, and lost then if someone else has it.
   */
  #sessionEnded(state: PlaceState, detail: string): void {
    state.unwatch?.();
    state.unwatch = undefined;
    if (!state.held) return;
    state.held = false;
    if (this.#state !== 'held') return;
    if (policyOf(state.place) === 'stop-acting') {
      this.#lose({ where: state.place.where, heldBy: undefined, reason: 'session_ended', detail });
      return;
    }
    state.failing = true;
    this.#logger.log('warn', 'engine_lease_session_ended', {
      engine_id: this.engineId,
      where: state.place.where,
      error: detail,
      consequence: 'acting on while the other places hold (no standby waits); taken again each heartbeat',
    });
  }

  async #giveBack(states: readonly PlaceState[]): Promise<void> {
    await Promise.all(
      states.map(async (state) => {
        state.held = false;
        state.unwatch?.();
        state.unwatch = undefined;
        try {
          await state.place.leases.releaseEngineLease({ engineId: this.engineId, holderId: this.holder.id });
        } catch (error) {
          // It lapses by itself after the ttl.
          this.#logger.log('warn', 'engine_lease_release_failed', {
            engine_id: this.engineId,
            where: state.place.where,
            error: describeError(error),
          });
        }
      }),
    );
  }

  /** One renewal loop per place, so a place that is slow to answer delays no other. */
  #startHeartbeat(): void {
    const heartbeat = new AbortController();
    this.#heartbeat = heartbeat;
    this.#beating = Promise.all(
      this.#places.map(async (state) => {
        while (!heartbeat.signal.aborted && this.#state === 'held') {
          try {
            await this.#clock.sleep(this.heartbeatMs, heartbeat.signal);
          } catch {
            return;
          }
          await this.#beat(state, heartbeat.signal);
        }
      }),
    ).then(() => {});
  }

  /**
   * Stops renewing. A renewal in flight is given a heartbeat to finish (so it cannot extend the
   * lease after the release below), but a place that hangs does not hold up the stop.
   */
  async #stopHeartbeat(): Promise<void> {
    this.#heartbeat?.abort();
    const beating = this.#beating;
    this.#heartbeat = undefined;
    this.#beating = undefined;
    if (beating !== undefined) await Promise.race([beating, this.#clock.sleep(this.heartbeatMs)]);
  }

  /** One renewal at one place (or, where it was never taken, another try to take it). */
  async #beat(state: PlaceState, signal: AbortSignal): Promise<void> {
    const startedAt = this.#clock.now();
    try {
      const answer = state.held
        ? await state.place.leases.renewEngineLease({
            engineId: this.engineId,
            holderId: this.holder.id,
            ttlMs: this.ttlMs,
          })
        : await this.#acquireAt(state);
      if (signal.aborted || this.#state !== 'held') return;
      if (!answer.held) {
        this.#lose({ where: state.place.where, heldBy: answer.heldBy, reason: 'taken' });
        return;
      }
      if (state.failing || !state.held) {
        this.#logger.log('info', 'engine_lease_renewed', {
          engine_id: this.engineId,
          where: state.place.where,
          after_failures: state.failing,
        });
      }
      state.failing = false;
      this.#holding(state, answer.lease, startedAt);
    } catch (error) {
      if (signal.aborted || this.#state !== 'held') return;
      this.#renewalFailed(state, error);
      if (policyOf(state.place) === 'stop-acting' && this.#clock.now() >= state.validUntil) {
        this.#lose({ where: state.place.where, heldBy: undefined, reason: 'unrenewed' });
      }
    }
  }

  #renewalFailed(state: PlaceState, error: unknown): void {
    if (state.failing) return;
    state.failing = true;
    this.#logger.log('warn', 'engine_lease_renewal_failed', {
      engine_id: this.engineId,
      where: state.place.where,
      error: describeError(error),
      consequence:
        policyOf(state.place) === 'keep-acting'
          ? 'acting on while the other places hold; retried each heartbeat'
          : `acting stops ${Math.max(0, state.validUntil - this.#clock.now())} ms from now unless renewed`,
    });
  }

  #lose(loss: EngineLeaseLoss): void {
    if (this.#state !== 'held') return;
    this.#state = 'lost';
    this.#heartbeat?.abort();
    this.#logger.log('error', 'engine_lease_lost', {
      engine_id: this.engineId,
      where: loss.where,
      reason: loss.reason,
      ...(loss.detail === undefined ? {} : { error: loss.detail }),
      ...(loss.heldBy === undefined
        ? {}
        : {
            holder_host: loss.heldBy.holder.hostName,
            holder_pid: loss.heldBy.holder.pid,
            holder_id: loss.heldBy.holder.id,
          }),
    });
    for (const listener of this.#lostListeners) {
      try {
        listener(loss);
      } catch {
        // One listener's failure must not keep the others from hearing it.
      }
    }
    // Whatever else we held goes back, so the new holder is not kept waiting for it to lapse.
    void this.#giveBack(this.#places.filter((state) => state.held));
  }
}
