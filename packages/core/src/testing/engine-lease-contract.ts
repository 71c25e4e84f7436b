import type { EngineLeaseHolder, EngineLeaseStore } from '../ports/engine-lease.js';
import type { StoreContractTestApi } from './store-contract.js';

/** How `engineLeaseContract` makes the lease place under test, and with which test framework. */
export interface EngineLeaseContractOptions {
  /** Shown in the suite's name: `Engine lease contract: <name>`. */
  readonly name: string;
  /**
   * A ready lease place for each test. Two calls in one test must meet at the same leases (the
   * same database or directory), as two agents would; the suite closes what it made.
   */
  readonly makeLeases: () => Promise<EngineLeaseStore & { close?(): Promise<void> }>;
  readonly test: StoreContractTestApi;
  /** Per-test timeout in ms, for places behind a network. */
  readonly timeoutMs?: number;
  /**
   * Whether a lease lapses when its holder stops renewing (stores: yes). A lock the OS keeps for
   * its process lapses only when that process lets go or ends, so it skips the expiry tests.
   */
  readonly expires?: boolean;
}

/**
 * A valid lease holder for lease tests (a fixed pid and host, a random id); `overrides` replace fields.
 *
 * @example
 * ```ts
 * import { contractLeaseHolder } from '@website-monitor/core/testing';
 *
 * const answer = await leases.acquireEngineLease({ engineId: 'engine-1', holder: contractLeaseHolder(), ttlMs: 10_000 });
 * ```
 */
export function contractLeaseHolder(overrides: Partial<EngineLeaseHolder> = {}): EngineLeaseHolder {
  return {
    id: globalThis.crypto.randomUUID(),
    hostName: 'host-a',
    pid: 4242,
    startedAt: Date.UTC(2026, 0, 1, 12, 0, 0),
    store: '/var/lib/website-monitor/monitor.db',
    ...overrides,
  };
}

/** Each test uses engines of its own, so places that outlive a test (a database) need no reset. */
function freshEngineId(): string {
  return `engine-${globalThis.crypto.randomUUID()}`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The lease behaviour every place must have, so two agents meeting there agree on who acts:
 * acquire, renew, refuse while held (naming the holder), take over after expiry, release, and
 * one winner among concurrent callers.
 *
 * @example
 * ```ts
 * import { engineLeaseContract } from '@website-monitor/core/testing';
 * import { describe, expect, it } from 'vitest';
 *
 * engineLeaseContract({
 *   name: 'my store',
 *   makeLeases: async () => await createMyStore({ url: process.env.MY_STORE_URL }),
 *   test: { describe, it, expect },
 * });
 * ```
 */
export function engineLeaseContract(options: EngineLeaseContractOptions): void {
  const { describe, it, expect } = options.test;
  const expires = options.expires ?? true;
  const ttlMs = 60_000;

  function leaseTest(
    name: string,
    body: (open: () => Promise<EngineLeaseStore>) => Promise<void>,
    timeoutMs?: number,
  ): void {
    it(
      name,
      async () => {
        const opened: (EngineLeaseStore & { close?(): Promise<void> })[] = [];
        try {
          await body(async () => {
            const leases = await options.makeLeases();
            opened.push(leases);
            return leases;
          });
        } finally {
          for (const leases of opened) await leases.close?.();
        }
      },
      timeoutMs ?? options.timeoutMs,
    );
  }

  describe(`Engine lease contract: ${options.name}`, () => {
    leaseTest('a free lease is taken, and says who holds it and until when', async (open) => {
      const leases = await open();
      const engineId = freshEngineId();
      const holder = contractLeaseHolder();
      expect(await leases.readEngineLease({ engineId })).toBe(undefined);
      const answer = await leases.acquireEngineLease({ engineId, holder, ttlMs });
      if (!answer.held) throw new Error(`expected the free lease to be taken, got ${JSON.stringify(answer)}`);
      expect(answer.lease.engineId).toBe(engineId);
      expect(answer.lease.holder).toEqual(holder);
      expect(answer.lease.term).toBe(1);
      expect(answer.lease.acquiredAt).toBe(answer.lease.renewedAt);
      if (expires) expect(answer.lease.expiresAt).toBe(answer.lease.renewedAt + ttlMs);
      expect((await leases.readEngineLease({ engineId }))?.holder).toEqual(holder);
    });

    leaseTest('a holder without a store location round-trips as such', async (open) => {
      const leases = await open();
      const engineId = freshEngineId();
      const { store: _none, ...holder } = contractLeaseHolder();
      const answer = await leases.acquireEngineLease({ engineId, holder, ttlMs });
      expect(answer.held ? answer.lease.holder : undefined).toEqual(holder);
    });

    leaseTest('a held lease is refused to another holder, naming the one who holds it', async (open) => {
      const first = await open();
      const second = await open();
      const engineId = freshEngineId();
      const holder = contractLeaseHolder({ hostName: 'edge-1', pid: 101 });
      await first.acquireEngineLease({ engineId, holder, ttlMs });
      const other = contractLeaseHolder({ hostName: 'edge-2', pid: 202 });
      const answer = await second.acquireEngineLease({ engineId, holder: other, ttlMs });
      expect(answer.held).toBe(false);
      expect(answer.held ? undefined : answer.heldBy?.holder).toEqual(holder);
      // Refused, the second cannot renew its way in either.
      const renewal = await second.renewEngineLease({ engineId, holderId: other.id, ttlMs });
      expect(renewal.held).toBe(false);
      expect(renewal.held ? undefined : renewal.heldBy?.holder.id).toBe(holder.id);
      expect((await first.readEngineLease({ engineId }))?.holder.id).toBe(holder.id);
    });

    leaseTest('the holder renews: same term, same acquiredAt, expiry pushed out', async (open) => {
      const leases = await open();
      const engineId = freshEngineId();
      const holder = contractLeaseHolder();
      const taken = await leases.acquireEngineLease({ engineId, holder, ttlMs: 1_000 });
      if (!taken.held) throw new Error('expected the lease');
      await sleep(20);
      const renewed = await leases.renewEngineLease({ engineId, holderId: holder.id, ttlMs });
      if (!renewed.held) throw new Error(`expected a renewal, got ${JSON.stringify(renewed)}`);
      expect(renewed.lease.term).toBe(taken.lease.term);
      expect(renewed.lease.acquiredAt).toBe(taken.lease.acquiredAt);
      expect(renewed.lease.renewedAt >= taken.lease.renewedAt).toBe(true);
      if (expires) expect(renewed.lease.expiresAt).toBe(renewed.lease.renewedAt + ttlMs);
      // Acquiring again as the same holder is a renewal too.
      const again = await leases.acquireEngineLease({ engineId, holder, ttlMs });
      expect(again.held ? [again.lease.term, again.lease.acquiredAt] : undefined).toEqual([
        taken.lease.term,
        taken.lease.acquiredAt,
      ]);
    });

    leaseTest('renewing a lease nobody holds is refused', async (open) => {
      const leases = await open();
      const answer = await leases.renewEngineLease({
        engineId: freshEngineId(),
        holderId: contractLeaseHolder().id,
        ttlMs,
      });
      expect(answer).toEqual({ held: false, heldBy: undefined });
    });

    leaseTest('a released lease is free at once for another holder, with the next term', async (open) => {
      const first = await open();
      const second = await open();
      const engineId = freshEngineId();
      const holder = contractLeaseHolder();
      await first.acquireEngineLease({ engineId, holder, ttlMs });
      const other = contractLeaseHolder({ pid: 303 });
      // Someone else's release leaves the lease alone.
      await second.releaseEngineLease({ engineId, holderId: other.id });
      expect((await second.acquireEngineLease({ engineId, holder: other, ttlMs })).held).toBe(false);
      await first.releaseEngineLease({ engineId, holderId: holder.id });
      const answer = await second.acquireEngineLease({ engineId, holder: other, ttlMs });
      if (!answer.held) throw new Error(`expected the released lease, got ${JSON.stringify(answer)}`);
      expect(answer.lease.holder.id).toBe(other.id);
      expect(answer.lease.term).toBe(2);
      // Places that can tell say whom they took it from.
      expect(answer.previousHolderId ?? holder.id).toBe(holder.id);
      // The first holder has lost it: its renewal names the new holder.
      const renewal = await first.renewEngineLease({ engineId, holderId: holder.id, ttlMs });
      expect(renewal.held ? undefined : renewal.heldBy?.holder.id).toBe(other.id);
    });

    if (expires) {
      leaseTest(
        'an expired lease is taken over; the old holder then finds it lost',
        async (open) => {
          const first = await open();
          const second = await open();
          const engineId = freshEngineId();
          const holder = contractLeaseHolder({ hostName: 'edge-1' });
          await first.acquireEngineLease({ engineId, holder, ttlMs: 300 });
          const other = contractLeaseHolder({ hostName: 'edge-2' });
          expect((await second.acquireEngineLease({ engineId, holder: other, ttlMs })).held).toBe(false);
          await sleep(450);
          const answer = await second.acquireEngineLease({ engineId, holder: other, ttlMs });
          if (!answer.held) throw new Error(`expected the expired lease, got ${JSON.stringify(answer)}`);
          expect(answer.lease.holder.hostName).toBe('edge-2');
          expect(answer.lease.term).toBe(2);
          const renewal = await first.renewEngineLease({ engineId, holderId: holder.id, ttlMs });
          expect(renewal.held).toBe(false);
          expect(renewal.held ? undefined : renewal.heldBy?.holder.hostName).toBe('edge-2');
          expect((await first.acquireEngineLease({ engineId, holder, ttlMs })).held).toBe(false);
        },
        (options.timeoutMs ?? 5_000) + 1_000,
      );

      leaseTest('a holder known to be gone is superseded at once, before its lease lapses', async (open) => {
        const first = await open();
        const second = await open();
        const engineId = freshEngineId();
        const crashed = contractLeaseHolder({ pid: 111 });
        await first.acquireEngineLease({ engineId, holder: crashed, ttlMs });
        const restarted = contractLeaseHolder({ pid: 222 });
        // Naming someone else proves nothing about the holder.
        const wrong = await second.acquireEngineLease({
          engineId,
          holder: restarted,
          ttlMs,
          supersedes: contractLeaseHolder().id,
        });
        expect(wrong.held).toBe(false);
        const answer = await second.acquireEngineLease({
          engineId,
          holder: restarted,
          ttlMs,
          supersedes: crashed.id,
        });
        if (!answer.held) throw new Error(`expected the superseded lease, got ${JSON.stringify(answer)}`);
        expect([answer.lease.holder.pid, answer.lease.term]).toEqual([222, 2]);
        expect((await first.renewEngineLease({ engineId, holderId: crashed.id, ttlMs })).held).toBe(false);
      });

      leaseTest('a holder that renews in time keeps its lease past the first expiry', async (open) => {
        const first = await open();
        const second = await open();
        const engineId = freshEngineId();
        const holder = contractLeaseHolder();
        await first.acquireEngineLease({ engineId, holder, ttlMs: 400 });
        const other = contractLeaseHolder();
        for (let beat = 0; beat < 3; beat++) {
          await sleep(150);
          expect((await first.renewEngineLease({ engineId, holderId: holder.id, ttlMs: 400 })).held).toBe(
            true,
          );
          expect((await second.acquireEngineLease({ engineId, holder: other, ttlMs })).held).toBe(false);
        }
      });
    }

    leaseTest('of holders racing for a free lease, exactly one gets it', async (open) => {
      const places = [await open(), await open()];
      const engineId = freshEngineId();
      const holders = Array.from({ length: 8 }, (_, index) => contractLeaseHolder({ pid: 1000 + index }));
      const answers = await Promise.all(
        holders.map((holder, index) =>
          (places[index % places.length] as EngineLeaseStore).acquireEngineLease({ engineId, holder, ttlMs }),
        ),
      );
      const winners = answers.filter((answer) => answer.held);
      expect(winners).toHaveLength(1);
      const winner = winners[0]?.held ? winners[0].lease.holder.id : undefined;
      for (const answer of answers) {
        expect(answer.held ? answer.lease.holder.id : answer.heldBy?.holder.id).toBe(winner);
      }
    });

    leaseTest('engines are leased independently', async (open) => {
      const leases = await open();
      const one = await leases.acquireEngineLease({
        engineId: freshEngineId(),
        holder: contractLeaseHolder(),
        ttlMs,
      });
      const two = await leases.acquireEngineLease({
        engineId: freshEngineId(),
        holder: contractLeaseHolder(),
        ttlMs,
      });
      expect([one.held, two.held]).toEqual([true, true]);
    });

    leaseTest('a ttl that is not a whole number of milliseconds of at least 1 is refused', async (open) => {
      const leases = await open();
      const engineId = freshEngineId();
      await expect(
        leases.acquireEngineLease({ engineId, holder: contractLeaseHolder(), ttlMs: 0 }),
      ).rejects.toThrow(/ttl/i);
      await expect(
        leases.acquireEngineLease({ engineId, holder: contractLeaseHolder(), ttlMs: Number.NaN }),
      ).rejects.toThrow(/ttl/i);
    });
  });
}
