import type {
  EngineLeaseAnswer,
  EngineLeaseHolder,
  EngineLeaseRecord,
  EngineLeaseStore,
} from '../ports/engine-lease.js';
import { checkEngineLeaseTtl } from './engine-lease-ttl.js';

/**
 * The reference lease place: leases in a map, judged by `now()`. What the SQL stores do with one
 * compare-and-set statement is one synchronous step here, so it is just as atomic.
 */
export class MemoryEngineLeases implements EngineLeaseStore {
  readonly #leases = new Map<string, EngineLeaseRecord>();
  readonly #now: () => number;

  constructor(options: { readonly now?: () => number } = {}) {
    this.#now = options.now ?? (() => Date.now());
  }

  async acquireEngineLease(options: {
    readonly engineId: string;
    readonly holder: EngineLeaseHolder;
    readonly ttlMs: number;
    readonly supersedes?: string;
  }): Promise<EngineLeaseAnswer> {
    checkEngineLeaseTtl(options.ttlMs);
    const now = this.#now();
    const current = this.#leases.get(options.engineId);
    const sameHolder = current?.holder.id === options.holder.id;
    const lapsed = current?.expiresAt !== null && (current?.expiresAt ?? 0) <= now;
    const superseded = options.supersedes !== undefined && current?.holder.id === options.supersedes;
    if (current !== undefined && !sameHolder && !lapsed && !superseded) {
      return { held: false, heldBy: current };
    }
    const lease: EngineLeaseRecord = {
      engineId: options.engineId,
      holder: { ...options.holder },
      term: current === undefined ? 1 : sameHolder ? current.term : current.term + 1,
      acquiredAt: sameHolder && current !== undefined ? current.acquiredAt : now,
      renewedAt: now,
      expiresAt: now + options.ttlMs,
    };
    this.#leases.set(options.engineId, lease);
    return current === undefined || sameHolder
      ? { held: true, lease }
      : { held: true, lease, previousHolderId: current.holder.id };
  }

  async renewEngineLease(options: {
    readonly engineId: string;
    readonly holderId: string;
    readonly ttlMs: number;
  }): Promise<EngineLeaseAnswer> {
    checkEngineLeaseTtl(options.ttlMs);
    const current = this.#leases.get(options.engineId);
    if (current === undefined || current.holder.id !== options.holderId)
      return { held: false, heldBy: current };
    const now = this.#now();
    const lease = { ...current, renewedAt: now, expiresAt: now + options.ttlMs };
    this.#leases.set(options.engineId, lease);
    return { held: true, lease };
  }

  async releaseEngineLease(options: { readonly engineId: string; readonly holderId: string }): Promise<void> {
    const current = this.#leases.get(options.engineId);
    if (current === undefined || current.holder.id !== options.holderId) return;
    // Kept, expired, so the next holder's term still counts up.
    this.#leases.set(options.engineId, { ...current, expiresAt: this.#now() });
  }

  async readEngineLease(options: { readonly engineId: string }): Promise<EngineLeaseRecord | undefined> {
    return this.#leases.get(options.engineId);
  }
}
