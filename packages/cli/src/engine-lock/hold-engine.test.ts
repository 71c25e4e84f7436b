import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ContainerRuntimeError,
  type EngineInfo,
  type EngineLeaseHolder,
  type EngineLeaseStore,
  type SessionEngineLeaseStore,
  systemClock,
} from '@website-monitor/core';
import { MemoryEngineLeases } from '@website-monitor/core/internal';
import { FakeClock, FakeContainerRuntime, MemoryLogger, MemoryStore } from '@website-monitor/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type ActingEngineHold, type EngineHold, holdEngine, type StandbyEngineHold } from './hold-engine.js';

const root = mkdtempSync(join(tmpdir(), 'wm-hold-engine-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let directories = 0;
const freshDirectory = () => join(root, `locks-${directories++}`);

const engineInfo: EngineInfo = { id: 'INCP:EH3Y:GPSX:NMX6', name: 'vm', serverVersion: '20.10.24' };

/** A fake engine that can name itself, as the Docker adapter's runtime does. */
function namedEngine(info: () => Promise<EngineInfo> = async () => engineInfo) {
  const runtime = new FakeContainerRuntime({ clock: new FakeClock() });
  const id = runtime.addContainer({ name: 'web' });
  return { runtime: Object.assign(runtime, { info }), id };
}

function holder(pid: number, hostName = 'edge-1'): EngineLeaseHolder {
  return {
    id: `holder-${pid}`,
    hostName,
    pid,
    startedAt: Date.UTC(2026, 0, 1, 12),
    store: `/data/${pid}.db`,
  };
}

/**
 * Leases that live as long as their holder's connection, as PostgreSQL's advisory locks do:
 * `endSession` is the server dropping one, `announced` the standbys waiting.
 */
function sessionLeases() {
  const leases = new MemoryEngineLeases();
  const listeners = new Map<string, (reason: string) => void>();
  const announced: string[] = [];
  const state = { down: false };
  const reachable = <T>(work: () => Promise<T>): Promise<T> =>
    state.down ? Promise.reject(new Error('connect ECONNREFUSED')) : work();
  const database = {
    get down() {
      return state.down;
    },
    set down(value: boolean) {
      state.down = value;
    },
    announced,
    acquireEngineLease: (options: Parameters<EngineLeaseStore['acquireEngineLease']>[0]) =>
      reachable(() => leases.acquireEngineLease(options)),
    renewEngineLease: (options: Parameters<EngineLeaseStore['renewEngineLease']>[0]) =>
      reachable(() => leases.renewEngineLease(options)),
    releaseEngineLease: (options: Parameters<EngineLeaseStore['releaseEngineLease']>[0]) =>
      leases.releaseEngineLease(options),
    readEngineLease: (options: Parameters<EngineLeaseStore['readEngineLease']>[0]) =>
      leases.readEngineLease(options),
    onEngineLeaseSessionEnded: (options: { holderId: string; listener: (reason: string) => void }) => {
      listeners.set(options.holderId, options.listener);
      return () => listeners.delete(options.holderId);
    },
    announceStandby: (options: { holderId: string }) => {
      announced.push(options.holderId);
      return {
        release: async () => {
          announced.splice(announced.indexOf(options.holderId), 1);
        },
      };
    },
    standbysWaiting: () => announced.length,
    verifiedLeaseValidForMs: 250,
    endSession(holderId: string, reason: string) {
      void leases.releaseEngineLease({ engineId: engineInfo.id, holderId });
      const listener = listeners.get(holderId);
      listeners.delete(holderId);
      listener?.(reason);
    },
  } satisfies SessionEngineLeaseStore & Record<string, unknown>;
  return database;
}

interface Agent {
  readonly hold: Promise<EngineHold>;
  readonly said: string[];
  readonly logger: MemoryLogger;
  stop(): void;
}

function startHolding(options: {
  readonly pid: number;
  readonly lockDirectory: string;
  readonly store?: EngineLeaseStore;
  readonly standby?: boolean;
  readonly runtime?: ReturnType<typeof namedEngine>['runtime'] | FakeContainerRuntime;
}): Agent {
  const said: string[] = [];
  const logger = new MemoryLogger();
  const stopping = new AbortController();
  const hold = holdEngine({
    runtime: options.runtime ?? namedEngine().runtime,
    ...(options.store === undefined
      ? {}
      : { store: { leases: options.store, where: 'the SQLite store /data/monitor.db' } }),
    lockDirectory: options.lockDirectory,
    standby: options.standby ?? false,
    storeLocation: `/data/${options.pid}.db`,
    clock: systemClock,
    logger,
    say: (line) => said.push(line),
    signal: stopping.signal,
    heartbeatMs: 100,
    missedRenewals: 3,
    holder: holder(options.pid),
  });
  return { hold, said, logger, stop: () => stopping.abort() };
}

/** The agent's hold once it acts (a standby's once it has taken over). */
async function acting(agent: Agent): Promise<ActingEngineHold> {
  const first = await agent.hold;
  const hold = first.kind === 'standby' ? await first.takeover : first;
  if (hold.kind !== 'acting')
    throw new Error(`expected to act, got ${JSON.stringify(hold)}; said ${agent.said}`);
  return hold;
}

async function standingBy(agent: Agent): Promise<StandbyEngineHold> {
  const hold = await agent.hold;
  if (hold.kind !== 'standby')
    throw new Error(`expected a standby, got ${JSON.stringify(hold)}; said ${agent.said}`);
  return hold;
}

describe('holdEngine: one agent acts per Docker engine', () => {
  it('a second agent on the same host refuses at once with exit 3, naming the holder and the lock file', async () => {
    const lockDirectory = freshDirectory();
    const store = new MemoryStore();
    const first = await acting(startHolding({ pid: 101, lockDirectory, store }));
    expect(first.engine?.id).toBe(engineInfo.id);

    const startedAt = Date.now();
    const second = startHolding({ pid: 202, lockDirectory, store });
    expect(await second.hold).toEqual({ kind: 'refused', exitCode: 3 });
    expect(Date.now() - startedAt).toBeLessThan(250);
    expect(second.said).toHaveLength(1);
    expect(second.said[0]).toMatch(
      new RegExp(
        '^website-monitor: not acting: the Docker engine INCP:EH3Y:GPSX:NMX6 is held by pid 101 on edge-1 ' +
          '\\(started 2026-01-01T12:00:00.000Z, store /data/101.db\\); lease in the lock file ' +
          `${lockDirectory.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/engine-[0-9a-f]{32}\\.lock, until that process stops\\. ` +
          'Stop that agent first, or run this one with --standby to take over when it goes away\\n$',
      ),
    );
    expect(
      second.logger.entries.find((entry) => entry.event === 'engine_lease_refused')?.fields,
    ).toMatchObject({
      holder_pid: 101,
      holder_host: 'edge-1',
      holder_store: '/data/101.db',
    });

    await first.release();
    // Nothing was left held by the refused agent: the next one acts.
    const third = await acting(startHolding({ pid: 303, lockDirectory, store }));
    await third.release();
  });

  it('the holder acts through a guard: restart goes through while it holds the engine', async () => {
    const { runtime, id } = namedEngine();
    const first = await acting(startHolding({ pid: 101, lockDirectory: freshDirectory(), runtime }));
    await first.guard(runtime).restart({ id, timeoutSeconds: 1 });
    expect(runtime.callsOf('restart')).toHaveLength(1);
    await first.release();
  });

  it('--standby waits, and takes over as soon as the holder lets go', async () => {
    const lockDirectory = freshDirectory();
    const store = new MemoryStore();
    const first = await acting(startHolding({ pid: 101, lockDirectory, store }));
    const standby = startHolding({ pid: 202, lockDirectory, store, standby: true });
    const waiting = await standingBy(standby);
    // What /healthz says meanwhile: a standby, and whom it waits on.
    expect(waiting.role()).toMatchObject({
      role: 'standby',
      engineId: engineInfo.id,
      activeAgent: { pid: 101, hostName: 'edge-1', where: expect.stringMatching(/^the lock file /) },
    });
    expect(first.role()).toEqual({ role: 'active', engineId: engineInfo.id, term: 1 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(standby.said).toHaveLength(1);
    expect(standby.said[0]).toMatch(
      /^website-monitor: standby: the Docker engine .+ is held by pid 101 on edge-1 .+; taking over when it goes away\n$/,
    );
    const releasedAt = Date.now();
    await first.release();
    const taken = await acting(standby);
    expect(Date.now() - releasedAt).toBeLessThan(500);
    expect(standby.said[1]).toBe(`website-monitor: took over the Docker engine ${engineInfo.id}\n`);
    // The store's lease changed hands: the next term.
    expect(taken.role()).toEqual({ role: 'active', engineId: engineInfo.id, term: 2 });
    await taken.release();
  });

  it('a stop request ends the standby', async () => {
    const lockDirectory = freshDirectory();
    const first = await acting(startHolding({ pid: 101, lockDirectory }));
    const standby = startHolding({ pid: 202, lockDirectory, standby: true });
    const waiting = await standingBy(standby);
    await new Promise((resolve) => setTimeout(resolve, 50));
    standby.stop();
    expect(await waiting.takeover).toEqual({ kind: 'stopped' });
    await first.release();
  });

  it('agents with different lock directories still meet in the store they share; a live holder is refused after one lease period', async () => {
    const store = new MemoryStore();
    const first = await acting(startHolding({ pid: 101, lockDirectory: freshDirectory(), store }));
    const startedAt = Date.now();
    const second = startHolding({ pid: 202, lockDirectory: freshDirectory(), store });
    expect(await second.hold).toEqual({ kind: 'refused', exitCode: 3 });
    // It gave the holder one lease (300 ms) and a heartbeat to lapse; the holder kept renewing.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(380);
    expect(second.said[0]).toMatch(
      /is held by pid 101 on edge-1 .+; lease in the SQLite store \/data\/monitor\.db, lease renewed until /,
    );
    await first.release();
  });

  it("a crashed agent's store lease (no host lock to prove it gone) is waited out, then taken", async () => {
    const store = new MemoryStore();
    // What a SIGKILLed agent elsewhere leaves: a store lease nobody renews.
    await store.acquireEngineLease({ engineId: engineInfo.id, holder: holder(999, 'edge-9'), ttlMs: 300 });
    const startedAt = Date.now();
    const restarted = await acting(startHolding({ pid: 202, lockDirectory: freshDirectory(), store }));
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(250);
    expect((await store.readEngineLease({ engineId: engineInfo.id }))?.holder.pid).toBe(202);
    await restarted.release();
  });

  it("a restarted agent on the same host takes its crashed predecessor's store lease at once", async () => {
    const lockDirectory = freshDirectory();
    const store = new MemoryStore();
    const crashed = await acting(startHolding({ pid: 101, lockDirectory, store }));
    // Stand-in for SIGKILL: the host lock goes (the kernel drops it) and the store lease stays.
    await crashed.release();
    await store.acquireEngineLease({ engineId: engineInfo.id, holder: holder(101), ttlMs: 60_000 });
    const startedAt = Date.now();
    const restarted = await acting(startHolding({ pid: 202, lockDirectory, store }));
    expect(Date.now() - startedAt).toBeLessThan(250);
    await restarted.release();
  });

  it('losing the lease to another agent: told at once, and the guard refuses every restart from then on', async () => {
    const { runtime, id } = namedEngine();
    const store = new MemoryStore();
    const first = await acting(startHolding({ pid: 101, lockDirectory: freshDirectory(), store, runtime }));
    // Another agent (another host) takes the engine behind its back, as after a long pause.
    await store.releaseEngineLease({ engineId: engineInfo.id, holderId: 'holder-101' });
    await store.acquireEngineLease({ engineId: engineInfo.id, holder: holder(707, 'edge-7'), ttlMs: 60_000 });
    const lost = await first.lost;
    expect(lost.message).toMatch(/^the Docker engine INCP:EH3Y:GPSX:NMX6 is held by pid 707 on edge-7 /);
    await expect(first.guard(runtime).restart({ id, timeoutSeconds: 1 })).rejects.toThrow(
      /^restart of ".+" refused: this agent does not hold the engine lease \(the Docker engine .+ is held by pid 707/,
    );
    expect(runtime.callsOf('restart')).toHaveLength(0);
    await first.release();
  });

  it('a standby writes nothing, and an agent that lost the engine writes nothing more: the new holder’s records are its own', async () => {
    const lockDirectory = freshDirectory();
    const leases = new MemoryStore();
    const records = new MemoryStore();
    const first = await acting(startHolding({ pid: 101, lockDirectory, store: leases }));
    const standby = startHolding({ pid: 202, lockDirectory, store: leases, standby: true });
    const waiting = await standingBy(standby);
    await expect(waiting.fence(records).saveHealthSamples({ samples: [] })).rejects.toThrow(
      /^saveHealthSamples refused: this agent does not hold the engine lease/,
    );
    const oldHolderStore = first.fence(records);
    await oldHolderStore.saveHealthSamples({ samples: [] });
    await first.release();
    await acting(standby);
    await expect(oldHolderStore.pruneHealthSamples({ before: 0 })).rejects.toThrow(/refused/);
  });

  describe('PostgreSQL: a lease that lives as long as its connection', () => {
    it('an agent in standby mode that took the engine stops acting the moment its lease connection ends, and says why', async () => {
      const { runtime, id } = namedEngine();
      const database = sessionLeases();
      const agent = await acting(
        startHolding({ pid: 101, lockDirectory: freshDirectory(), store: database, runtime, standby: true }),
      );
      database.endSession('holder-101', 'terminating connection due to administrator command');
      await expect(agent.guard(runtime).restart({ id, timeoutSeconds: 1 })).rejects.toThrow(/refused/);
      expect((await agent.lost).message).toBe(
        'the connection holding the lease in the SQLite store /data/monitor.db ended (terminating connection due to administrator command), so another agent may take it',
      );
      await agent.release();
    });

    it('an agent with no standby heals on when its lease connection ends (a database outage), and takes the lease again', async () => {
      const { runtime, id } = namedEngine();
      const database = sessionLeases();
      const agent = await acting(
        startHolding({ pid: 101, lockDirectory: freshDirectory(), store: database, runtime }),
      );
      database.endSession('holder-101', 'server closed the connection unexpectedly');
      await agent.guard(runtime).restart({ id, timeoutSeconds: 1 });
      expect(runtime.callsOf('restart')).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect((await database.readEngineLease({ engineId: engineInfo.id }))?.holder.pid).toBe(101);
      await agent.release();
    });

    it('an agent with a standby waiting stops acting the moment its lease connection ends, so the standby can take over', async () => {
      const { runtime, id } = namedEngine();
      const database = sessionLeases();
      const lockDirectory = freshDirectory();
      const agent = await acting(startHolding({ pid: 101, lockDirectory, store: database, runtime }));
      const standby = startHolding({ pid: 202, lockDirectory, store: database, standby: true });
      await standingBy(standby);
      // The standby said it waits; the holder's next renewal counted it.
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(database.announced).toEqual(['holder-202']);
      database.endSession('holder-101', 'terminating connection due to administrator command');
      await expect(agent.guard(runtime).restart({ id, timeoutSeconds: 1 })).rejects.toThrow(/refused/);
      const taken = await acting(standby);
      // It waits no more: its mark is gone.
      expect(database.announced).toEqual([]);
      expect(taken.role()).toMatchObject({ role: 'active', term: 2 });
      await taken.release();
      await agent.release();
    });

    it('in standby mode with the database out of reach: waits (acting on the host lock alone could double an agent elsewhere)', async () => {
      const database = sessionLeases();
      database.down = true;
      const agent = startHolding({
        pid: 101,
        lockDirectory: freshDirectory(),
        store: database,
        standby: true,
      });
      const waiting = await standingBy(agent);
      expect(agent.said[0]).toMatch(
        /^website-monitor: standby: cannot reach the SQLite store \/data\/monitor\.db \(connect ECONNREFUSED\); taking the Docker engine .+ once it answers and nobody holds it\n$/,
      );
      expect(waiting.role()).toEqual({ role: 'standby', engineId: engineInfo.id });
      database.down = false;
      const taken = await acting(agent);
      await taken.release();
    });
  });

  it('waits for an engine that does not answer yet, then holds it', async () => {
    let calls = 0;
    const { runtime } = namedEngine(async () => {
      calls++;
      if (calls < 2) throw new ContainerRuntimeError('unreachable', 'ping: no Docker engine answers');
      return engineInfo;
    });
    const agent = await acting(startHolding({ pid: 101, lockDirectory: freshDirectory(), runtime }));
    expect(calls).toBe(2);
    await agent.release();
  });

  it('a runtime that cannot name its engine acts without a lease, and says so in the log', async () => {
    const runtime = new FakeContainerRuntime({ clock: new FakeClock() });
    const agent = startHolding({ pid: 101, lockDirectory: freshDirectory(), runtime });
    const hold = await acting(agent);
    expect(hold.engine).toBeUndefined();
    expect(hold.guard(runtime)).toBe(runtime);
    expect(agent.logger.entries.map((entry) => entry.event)).toEqual(['engine_lease_unavailable']);
  });

  it('an engine that answers without an ID: acts without a lease, saying why on stderr', async () => {
    const { runtime } = namedEngine(async () => {
      throw new ContainerRuntimeError('api', 'info: the engine did not report an ID', { isRetryable: false });
    });
    const agent = startHolding({ pid: 101, lockDirectory: freshDirectory(), runtime });
    expect((await acting(agent)).engine).toBeUndefined();
    expect(agent.said).toEqual([
      'website-monitor: cannot tell which Docker engine this is (info: the engine did not report an ID); acting without the one-agent-per-engine lease\n',
    ]);
  });

  it('a lock directory every user can write to is refused with exit 2 and what to do', async () => {
    const lockDirectory = freshDirectory();
    mkdirSync(lockDirectory);
    chmodSync(lockDirectory, 0o777);
    const agent = startHolding({ pid: 101, lockDirectory });
    expect(await agent.hold).toEqual({ kind: 'refused', exitCode: 2 });
    expect(agent.said[0]).toMatch(
      /^website-monitor: cannot use the lock file .+: engine lock directory .+ is writable by every user \(mode 777\): use a private one; set WEBSITE_MONITOR_LOCK_DIR to a private directory all agents on this host share\n$/,
    );
  });
});
