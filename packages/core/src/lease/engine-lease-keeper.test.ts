import { describe, expect, it } from 'vitest';
import type { EngineLeaseHolder, EngineLeaseStore, SessionEngineLeaseStore } from '../ports/engine-lease.js';
import { FakeClock, flushMicrotasks } from '../testing/fake-clock.js';
import { MemoryLogger } from '../testing/memory-logger.js';
import { describeLeaseConflict } from './describe-engine-lease.js';
import { EngineLeaseKeeper, type EngineLeaseLoss, type EngineLeasePlace } from './engine-lease-keeper.js';
import { MemoryEngineLeases } from './memory-engine-leases.js';

const engineId = 'ABCD:EFGH:IJKL';

function holder(pid: number, hostName = 'edge-1'): EngineLeaseHolder {
  return { id: `holder-${pid}`, hostName, pid, startedAt: Date.UTC(2026, 0, 1), store: '/data/monitor.db' };
}

/** A lease place whose answers can be switched to failures, as a database that went away. */
function flaky(leases: EngineLeaseStore): EngineLeaseStore & { down: boolean } {
  const place = {
    down: false,
    acquireEngineLease: (options: Parameters<EngineLeaseStore['acquireEngineLease']>[0]) =>
      place.down ? Promise.reject(new Error('connect ECONNREFUSED')) : leases.acquireEngineLease(options),
    renewEngineLease: (options: Parameters<EngineLeaseStore['renewEngineLease']>[0]) =>
      place.down ? Promise.reject(new Error('connect ECONNREFUSED')) : leases.renewEngineLease(options),
    releaseEngineLease: (options: Parameters<EngineLeaseStore['releaseEngineLease']>[0]) =>
      place.down ? Promise.reject(new Error('connect ECONNREFUSED')) : leases.releaseEngineLease(options),
    readEngineLease: (options: Parameters<EngineLeaseStore['readEngineLease']>[0]) =>
      leases.readEngineLease(options),
  };
  return place;
}

/**
 * A lease place whose leases live as long as their holder's connection, as PostgreSQL's advisory
 * locks do: `endSession` is the server dropping it (the lease is gone at once, the holder told).
 */
interface FakeSessionPlace extends SessionEngineLeaseStore {
  standbys: number;
  hang: boolean;
  endSession(holderId: string, reason: string): void;
}

function sessionPlace(clock: FakeClock): FakeSessionPlace {
  const leases = new MemoryEngineLeases({ now: () => clock.now() });
  const listeners = new Map<string, (reason: string) => void>();
  const place: FakeSessionPlace = {
    standbys: 0,
    hang: false,
    acquireEngineLease: (options: Parameters<EngineLeaseStore['acquireEngineLease']>[0]) =>
      leases.acquireEngineLease(options),
    renewEngineLease: (options: Parameters<EngineLeaseStore['renewEngineLease']>[0]) =>
      place.hang ? new Promise<never>(() => {}) : leases.renewEngineLease(options),
    releaseEngineLease: (options: Parameters<EngineLeaseStore['releaseEngineLease']>[0]) =>
      leases.releaseEngineLease(options),
    readEngineLease: async (options: Parameters<EngineLeaseStore['readEngineLease']>[0]) => {
      const lease = await leases.readEngineLease(options);
      return lease !== undefined && lease.expiresAt !== null && lease.expiresAt <= clock.now()
        ? undefined
        : lease;
    },
    onEngineLeaseSessionEnded: (options: {
      engineId: string;
      holderId: string;
      listener: (reason: string) => void;
    }) => {
      listeners.set(options.holderId, options.listener);
      return () => listeners.delete(options.holderId);
    },
    announceStandby: () => ({ release: async () => {} }),
    standbysWaiting: () => place.standbys,
    verifiedLeaseValidForMs: 4_000,
    endSession(holderId: string, reason: string) {
      void leases.releaseEngineLease({ engineId, holderId });
      const listener = listeners.get(holderId);
      listeners.delete(holderId);
      listener?.(reason);
    },
  };
  return place;
}

function setup() {
  const clock = new FakeClock();
  const now = () => clock.now();
  const store = new MemoryEngineLeases({ now });
  const lockFile = new MemoryEngineLeases({ now });
  const places = (
    storeMode: EngineLeasePlace['whenUnreachable'] = 'keep-acting',
    storeLeases: EngineLeaseStore = store,
  ): EngineLeasePlace[] => [
    {
      where: 'the lock file /run/website-monitor/engine.lock',
      leases: lockFile,
      whenUnreachable: 'stop-acting',
    },
    { where: 'the SQLite store /data/monitor.db', leases: storeLeases, whenUnreachable: storeMode },
  ];
  const keeper = (pid: number, placeList = places()) =>
    new EngineLeaseKeeper({
      engineId,
      holder: holder(pid),
      places: placeList,
      clock,
      logger: new MemoryLogger(),
      heartbeatMs: 1_000,
      missedRenewals: 3,
    });
  return { clock, store, lockFile, places, keeper };
}

describe('EngineLeaseKeeper', () => {
  it('takes the lease in every place; a second agent is refused and told who holds it and where', async () => {
    const { keeper, clock } = setup();
    const first = keeper(101);
    expect(first.mayAct()).toBe(false);
    expect(await first.tryAcquire()).toEqual({ held: true });
    expect(first.mayAct()).toBe(true);

    const second = keeper(202);
    const attempt = await second.tryAcquire();
    if (attempt.held || !('conflict' in attempt)) throw new Error('expected a conflict');
    expect(attempt.conflict.where).toBe('the lock file /run/website-monitor/engine.lock');
    expect(attempt.conflict.heldBy?.holder.pid).toBe(101);
    expect(second.mayAct()).toBe(false);
    expect(describeLeaseConflict(engineId, attempt.conflict, clock.now())).toBe(
      'the Docker engine ABCD:EFGH:IJKL is held by pid 101 on edge-1 (started 2026-01-01T00:00:00.000Z, store /data/monitor.db); ' +
        'lease in the lock file /run/website-monitor/engine.lock, lease renewed until 2026-01-01T00:00:03.000Z (3 s)',
    );
    await first.release();
  });

  it('takes all places or none: refused in the store, it gives the lock file back at once', async () => {
    const { keeper, store, lockFile } = setup();
    await store.acquireEngineLease({ engineId, holder: holder(999, 'edge-9'), ttlMs: 60_000 });
    const agent = keeper(101);
    const attempt = await agent.tryAcquire();
    expect(attempt.held).toBe(false);
    expect(
      !attempt.held && 'conflict' in attempt ? attempt.conflict.heldBy?.holder.hostName : undefined,
    ).toBe('edge-9');
    expect((await lockFile.acquireEngineLease({ engineId, holder: holder(303), ttlMs: 1_000 })).held).toBe(
      true,
    );
  });

  it('renews on its heartbeat, so it keeps the lease however long it runs', async () => {
    const { keeper, clock } = setup();
    const first = keeper(101);
    await first.tryAcquire();
    for (let beat = 0; beat < 10; beat++) await clock.advance(1_000);
    expect(first.mayAct()).toBe(true);
    expect((await keeper(202).tryAcquire()).held).toBe(false);
    await first.release();
  });

  it('stops acting at once when the next renewal finds the lease taken, and says by whom', async () => {
    const { keeper, clock, store } = setup();
    const first = keeper(101);
    await first.tryAcquire();
    const losses: EngineLeaseLoss[] = [];
    first.onLost((loss) => losses.push(loss));
    // Behind its back (a paused process whose lease lapsed): another holder takes the store's lease.
    await store.releaseEngineLease({ engineId, holderId: 'holder-101' });
    await store.acquireEngineLease({ engineId, holder: holder(202, 'edge-2'), ttlMs: 60_000 });
    expect(first.mayAct()).toBe(true);
    await clock.advance(1_000);
    expect(first.mayAct()).toBe(false);
    expect(first.state).toBe('lost');
    expect(losses).toMatchObject([{ reason: 'taken', where: 'the SQLite store /data/monitor.db' }]);
    expect(losses[0]?.heldBy?.holder.hostName).toBe('edge-2');
  });

  it('a stop-acting place it cannot renew: stops acting before the lease can lapse there', async () => {
    const { keeper, clock, store, places } = setup();
    const database = flaky(store);
    const agent = keeper(101, places('stop-acting', database));
    await agent.tryAcquire();
    const losses: EngineLeaseLoss[] = [];
    agent.onLost((loss) => losses.push(loss));
    database.down = true;
    await clock.advance(1_000);
    await clock.advance(1_000);
    // Renewed last at t=0 with a 3 s ttl: acting stops half a heartbeat early, at 2.5 s.
    expect(agent.mayAct()).toBe(true);
    await clock.advance(500);
    expect(agent.mayAct()).toBe(false);
    await clock.advance(500);
    expect(losses).toMatchObject([{ reason: 'unrenewed' }]);
    // Nobody could take it over before the holder stopped.
    expect((await store.readEngineLease({ engineId }))?.expiresAt).toBe(Date.UTC(2026, 0, 1) + 3_000);
  });

  it('a keep-acting store that is down at start: acts on the host lock, then loses if the store names another', async () => {
    const { keeper, clock, store, places } = setup();
    const database = flaky(store);
    database.down = true;
    const agent = keeper(101, places('keep-acting', database));
    expect(await agent.tryAcquire()).toEqual({ held: true });
    await clock.advance(1_000);
    expect(agent.mayAct()).toBe(true);
    await store.acquireEngineLease({ engineId, holder: holder(202, 'edge-2'), ttlMs: 60_000 });
    database.down = false;
    await clock.advance(1_000);
    expect(agent.mayAct()).toBe(false);
    expect(agent.state).toBe('lost');
  });

  it('a keep-acting store that comes back free is taken on the next heartbeat', async () => {
    const { keeper, clock, store, places } = setup();
    const database = flaky(store);
    database.down = true;
    const agent = keeper(101, places('keep-acting', database));
    await agent.tryAcquire();
    database.down = false;
    await clock.advance(1_000);
    expect((await store.readEngineLease({ engineId }))?.holder.pid).toBe(101);
    expect(agent.mayAct()).toBe(true);
    await agent.release();
  });

  it('a standby waits, and takes over as soon as the holder releases', async () => {
    const { keeper, clock } = setup();
    const first = keeper(101);
    await first.tryAcquire();
    const standby = keeper(202);
    const waits: unknown[] = [];
    const stop = new AbortController();
    const waiting = standby.waitForLease({
      signal: stop.signal,
      onWaiting: (attempt) => waits.push(attempt),
    });
    await flushMicrotasks();
    await clock.advance(500);
    await clock.advance(500);
    expect(waits.length).toBeGreaterThanOrEqual(2);
    await first.release();
    await clock.advance(500);
    expect(await waiting).toBe(true);
    expect(standby.mayAct()).toBe(true);
    expect(first.mayAct()).toBe(false);
    await standby.release();
  });

  it('a standby takes over a holder that vanished once its lease has lapsed, not before', async () => {
    const { keeper, clock, store, lockFile } = setup();
    // What a SIGKILLed holder leaves: its leases, never renewed or released again.
    for (const leases of [lockFile, store]) {
      await leases.acquireEngineLease({ engineId, holder: holder(101), ttlMs: 3_000 });
    }
    const killedAt = clock.now();
    const standby = keeper(202);
    const stop = new AbortController();
    let takenAt: number | undefined;
    void standby.waitForLease({ signal: stop.signal }).then(() => {
      takenAt = clock.now();
    });
    for (let step = 0; step < 20 && takenAt === undefined; step++) await clock.advance(500);
    stop.abort();
    expect(takenAt).toBeDefined();
    expect((takenAt as number) - killedAt).toBeGreaterThanOrEqual(3_000);
    expect((takenAt as number) - killedAt).toBeLessThanOrEqual(3_500);
    await standby.release();
  });

  it("a restarted agent takes its crashed predecessor's store lease at once, through the host lock it now holds", async () => {
    const { keeper, store, lockFile } = setup();
    const crashed = holder(101);
    for (const leases of [lockFile, store])
      await leases.acquireEngineLease({ engineId, holder: crashed, ttlMs: 60_000 });
    // The kernel dropped the dead process's lock; its store lease would last another minute.
    await lockFile.releaseEngineLease({ engineId, holderId: crashed.id });
    const restarted = keeper(202);
    expect(await restarted.tryAcquire()).toEqual({ held: true });
    expect((await store.readEngineLease({ engineId }))?.holder.pid).toBe(202);
    await restarted.release();
  });

  it('a store lease held by a live agent elsewhere is not superseded', async () => {
    const { keeper, store } = setup();
    await store.acquireEngineLease({ engineId, holder: holder(303, 'edge-3'), ttlMs: 60_000 });
    const agent = keeper(202);
    expect((await agent.tryAcquire()).held).toBe(false);
  });

  it("a place slow to answer delays no other place's renewal", async () => {
    const { keeper, clock, store, lockFile } = setup();
    // The database hangs (a connect timeout) while the lock file answers at once.
    const hanging: EngineLeaseStore = {
      acquireEngineLease: (options) => store.acquireEngineLease(options),
      renewEngineLease: () => new Promise(() => {}),
      releaseEngineLease: (options) => store.releaseEngineLease(options),
      readEngineLease: (options) => store.readEngineLease(options),
    };
    const agent = keeper(101, [
      { where: 'lock', leases: lockFile, whenUnreachable: 'stop-acting' },
      { where: 'database', leases: hanging, whenUnreachable: 'keep-acting' },
    ]);
    await agent.tryAcquire();
    for (let beat = 0; beat < 10; beat++) await clock.advance(1_000);
    expect(agent.mayAct()).toBe(true);
    // Nor does it hold up the stop for more than a heartbeat.
    let released = false;
    const releasing = agent.release().then(() => {
      released = true;
    });
    await flushMicrotasks();
    await clock.advance(1_000);
    await releasing;
    expect(released).toBe(true);
  });

  it('a session place whose connection ends while a standby waits: acting stops at once, and every place is given back', async () => {
    const { keeper, clock, lockFile } = setup();
    const database = sessionPlace(clock);
    const agent = keeper(101, [
      { where: 'lock', leases: lockFile, whenUnreachable: 'stop-acting' },
      {
        where: 'the PostgreSQL database',
        leases: database,
        whenUnreachable: () => (database.standbys > 0 ? 'stop-acting' : 'keep-acting'),
        validForMs: 4_000,
      },
    ]);
    await agent.tryAcquire();
    const losses: EngineLeaseLoss[] = [];
    agent.onLost((loss) => losses.push(loss));
    database.standbys = 1;
    database.endSession('holder-101', 'terminating connection due to administrator command');
    // No heartbeat needed: the next action is refused.
    expect(agent.mayAct()).toBe(false);
    expect(losses).toMatchObject([
      {
        reason: 'session_ended',
        where: 'the PostgreSQL database',
        detail: 'terminating connection due to administrator command',
      },
    ]);
    await flushMicrotasks();
    // The host lock went back with it, so a standby on this host can take both.
    expect((await lockFile.acquireEngineLease({ engineId, holder: holder(202), ttlMs: 3_000 })).held).toBe(
      true,
    );
  });

  it('a session place whose connection ends with no standby waiting: acting goes on, and the lease is taken again on the next heartbeat', async () => {
    const { keeper, clock, lockFile } = setup();
    const database = sessionPlace(clock);
    const agent = keeper(101, [
      { where: 'lock', leases: lockFile, whenUnreachable: 'stop-acting' },
      {
        where: 'the PostgreSQL database',
        leases: database,
        whenUnreachable: () => (database.standbys > 0 ? 'stop-acting' : 'keep-acting'),
        validForMs: 4_000,
      },
    ]);
    await agent.tryAcquire();
    database.endSession('holder-101', 'server closed the connection unexpectedly');
    expect(agent.mayAct()).toBe(true);
    expect(await database.readEngineLease({ engineId })).toBeUndefined();
    await clock.advance(1_000);
    expect((await database.readEngineLease({ engineId }))?.holder.pid).toBe(101);
    // Watched again: a second end is heard too.
    database.standbys = 1;
    database.endSession('holder-101', 'again');
    expect(agent.mayAct()).toBe(false);
    expect(agent.state).toBe('lost');
  });

  it('a session place bounds acting by its own validity, not the ttl: a holder that cannot re-verify stops first', async () => {
    const { keeper, clock, lockFile } = setup();
    const database = sessionPlace(clock);
    const agent = keeper(101, [
      { where: 'lock', leases: lockFile, whenUnreachable: 'stop-acting' },
      {
        where: 'the PostgreSQL database',
        leases: database,
        whenUnreachable: 'stop-acting',
        validForMs: 1_500,
      },
    ]);
    await agent.tryAcquire();
    database.hang = true;
    await clock.advance(1_000);
    expect(agent.mayAct()).toBe(true);
    await clock.advance(500);
    // Renewed last at t=0: 1.5 s later it may no longer hold (the ttl would have said 2.5 s).
    expect(agent.mayAct()).toBe(false);
  });

  it('reports the leases it holds, with their terms', async () => {
    const { keeper, store } = setup();
    await store.acquireEngineLease({ engineId, holder: holder(999), ttlMs: 1_000 });
    await store.releaseEngineLease({ engineId, holderId: 'holder-999' });
    const agent = keeper(101);
    expect(agent.heldLeases()).toEqual([]);
    await agent.tryAcquire();
    const held = agent.heldLeases();
    expect(held.map((entry) => [entry.where, entry.lease.term])).toEqual([
      ['the lock file /run/website-monitor/engine.lock', 1],
      ['the SQLite store /data/monitor.db', 2],
    ]);
    await agent.release();
    expect(agent.heldLeases()).toEqual([]);
  });

  it('a stopped standby gives up waiting', async () => {
    const { keeper } = setup();
    await keeper(101).tryAcquire();
    const stop = new AbortController();
    const waiting = keeper(202).waitForLease({ signal: stop.signal });
    stop.abort();
    expect(await waiting).toBe(false);
  });
});
