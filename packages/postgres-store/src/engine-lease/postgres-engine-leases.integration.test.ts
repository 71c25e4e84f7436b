import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { EngineLeaseHolder } from '@website-monitor/core';
import { contractLeaseHolder } from '@website-monitor/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore, type PostgresStore } from '../postgres-store/postgres-store.js';
import { createTestDatabase, type TestDatabase } from '../test-database/test-database.test-helper.js';
import { engineLeaseKeys } from './engine-lease-keys.js';
import { createPostgresEngineLeases } from './postgres-engine-leases.js';

// Issue 12, item 2: the engine lease in PostgreSQL is a session-level advisory lock, so a holder
// that dies, is SIGKILLed or loses its connection frees the engine at once, with no expiry to
// wait out. These tests hold it from real processes and real connections to a real server.

let database: TestDatabase;
let admin: pg.Pool;
const stores: PostgresStore[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  admin = new pg.Pool({ connectionString: database.url, max: 2 });
  admin.on('error', () => {});
  await using store = createPostgresStore({ connectionString: database.url });
  await store.migrate();
});

afterAll(async () => {
  for (const store of stores) await store.close().catch(() => {});
  await admin?.end();
  await database?.drop();
});

function openStore(): PostgresStore {
  const store = createPostgresStore({ connectionString: database.url, maxConnections: 2 });
  stores.push(store);
  return store;
}

const ttlMs = 6_000;
const freshEngineId = () => `engine-${globalThis.crypto.randomUUID()}`;

/** The backend pid holding the engine's lock, as a person would find it in `pg_locks`. */
async function lockHolderPid(engineId: string): Promise<number | undefined> {
  const { lock } = engineLeaseKeys(engineId);
  const { rows } = await admin.query<{ pid: number }>(
    `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND mode = 'ExclusiveLock'
       AND classid = $1::bigint::oid AND objid = $2::bigint::oid AND objsubid = 1`,
    [lock.classId, lock.objId],
  );
  return rows[0]?.pid;
}

/** Tries every 20 ms until `holder` gets the lease; the ms that took. */
async function acquireWithin(
  store: PostgresStore,
  engineId: string,
  holder: EngineLeaseHolder,
  limitMs: number,
): Promise<{
  ms: number;
  answer: Extract<Awaited<ReturnType<PostgresStore['acquireEngineLease']>>, { held: true }>;
}> {
  const startedAt = performance.now();
  while (performance.now() - startedAt < limitMs) {
    const answer = await store.acquireEngineLease({ engineId, holder, ttlMs });
    if (answer.held) return { ms: performance.now() - startedAt, answer };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`not acquired within ${limitMs} ms`);
}

/** Another process holding the engine's lock as an agent would, on its own connection. */
async function holdInAnotherProcess(engineId: string): Promise<ChildProcess> {
  const script = `
    const pg = require('pg');
    const client = new pg.Client({ connectionString: process.argv[1] });
    client.connect()
      .then(() => client.query('SELECT pg_try_advisory_lock($1::bigint) AS locked', [process.argv[2]]))
      .then((result) => { process.stdout.write(result.rows[0].locked ? 'held\\n' : 'refused\\n'); });
    setInterval(() => {}, 60000);`;
  const child = spawn(process.execPath, ['-e', script, database.url, engineLeaseKeys(engineId).lock.key], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const said = await new Promise<string>((resolve, reject) => {
    child.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8').trim()));
    child.once('exit', (code) => reject(new Error(`the holding process exited with ${code}`)));
  });
  expect(said).toBe('held');
  return child;
}

/** A TCP pass-through that can go silent (a partition as the client sees it: no answers, no errors). */
async function startFreezableProxy(
  target: URL,
): Promise<{ url: string; freeze(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let frozen = false;
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk) => frozen || upstream.write(chunk));
    upstream.on('data', (chunk) => frozen || client.write(chunk));
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = new URL(target.toString());
  url.host = `127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  return {
    url: url.toString(),
    freeze: () => {
      frozen = true;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('PostgreSQL engine leases: session-level advisory locks', () => {
  it('the holder holds the advisory lock on a connection of its own, named in pg_stat_activity; a second agent is refused, told who holds it', async () => {
    const engineId = freshEngineId();
    const active = openStore();
    const holder = contractLeaseHolder({ pid: 101, hostName: 'edge-1' });
    const taken = await active.acquireEngineLease({ engineId, holder, ttlMs });
    expect(taken.held && [taken.lease.term, taken.lease.expiresAt]).toEqual([1, null]);
    const pid = await lockHolderPid(engineId);
    expect(pid).toBeDefined();
    const { rows } = await admin.query<{ application_name: string }>(
      'SELECT application_name FROM pg_stat_activity WHERE pid = $1',
      [pid],
    );
    expect(rows[0]?.application_name).toBe('website-monitor engine lease');

    const refused = await openStore().acquireEngineLease({
      engineId,
      holder: contractLeaseHolder({ pid: 202 }),
      ttlMs,
    });
    expect(refused.held ? undefined : refused.heldBy?.holder).toEqual(holder);
    // Lock held: the lease lasts as long as the holder's connection, not until a time.
    expect(refused.held ? 'held' : refused.heldBy?.expiresAt).toBeNull();
  });

  it('a holder process SIGKILLed: the server drops its lock with its connection, and the next agent takes the engine at once', async () => {
    const engineId = freshEngineId();
    const child = await holdInAnotherProcess(engineId);
    const standby = openStore();
    const holder = contractLeaseHolder({ pid: 202 });
    expect((await standby.acquireEngineLease({ engineId, holder, ttlMs })).held).toBe(false);
    child.kill('SIGKILL');
    const { ms } = await acquireWithin(standby, engineId, holder, 5_000);
    // No expiry to wait for: the kernel closed the socket, the server ended the backend.
    expect(ms).toBeLessThan(1_000);
    console.log(
      `[figure] PostgreSQL lease: taken after its holder process was SIGKILLed: ${Math.round(ms)} ms`,
    );
  });

  it("pg_terminate_backend on the holder's lease connection: the holder hears it at once, and a standby takes over with the next term, superseding it", async () => {
    const engineId = freshEngineId();
    const active = openStore();
    const first = contractLeaseHolder({ pid: 101 });
    await active.acquireEngineLease({ engineId, holder: first, ttlMs });
    let heardAfterMs: number | undefined;
    let heard: string | undefined;
    const terminatedAt = { at: 0 };
    active.onEngineLeaseSessionEnded({
      engineId,
      holderId: first.id,
      listener: (reason) => {
        heard = reason;
        heardAfterMs = performance.now() - terminatedAt.at;
      },
    });
    const standby = openStore();
    const second = contractLeaseHolder({ pid: 202 });
    expect((await standby.acquireEngineLease({ engineId, holder: second, ttlMs })).held).toBe(false);

    const pid = await lockHolderPid(engineId);
    terminatedAt.at = performance.now();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    const { answer } = await acquireWithin(standby, engineId, second, 2_000);
    expect([answer.lease.holder.pid, answer.lease.term, answer.previousHolderId]).toEqual([202, 2, first.id]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard).toMatch(/terminating connection due to administrator command|connection/);
    expect(heardAfterMs).toBeLessThan(500);
    // The old holder's renewal cannot bring it back: its session is gone.
    await expect(active.renewEngineLease({ engineId, holderId: first.id, ttlMs })).rejects.toThrow(
      /lease connection ended/,
    );
    const again = await active.acquireEngineLease({ engineId, holder: first, ttlMs });
    expect(again.held ? 'held' : again.heldBy?.holder.pid).toBe(202);
  });

  it('a holder whose renewal gets no answer (the network went silent) gives the session up within the verify bound', async () => {
    const engineId = freshEngineId();
    const proxy = await startFreezableProxy(new URL(database.url));
    try {
      const clients: pg.Client[] = [];
      const leases = createPostgresEngineLeases({
        connect: async () => {
          const client = new pg.Client({ connectionString: proxy.url });
          client.on('error', () => {});
          clients.push(client);
          await client.connect();
          return { client, close: () => client.end() };
        },
        query: async (text, values) => (await admin.query(text, [...values])).rows,
        verifyTimeoutMs: 500,
      });
      const holder = contractLeaseHolder();
      expect((await leases.acquireEngineLease({ engineId, holder, ttlMs })).held).toBe(true);
      expect((await leases.renewEngineLease({ engineId, holderId: holder.id, ttlMs })).held).toBe(true);
      let heard: string | undefined;
      leases.onEngineLeaseSessionEnded({
        engineId,
        holderId: holder.id,
        listener: (reason) => (heard = reason),
      });
      proxy.freeze();
      const startedAt = performance.now();
      await expect(leases.renewEngineLease({ engineId, holderId: holder.id, ttlMs })).rejects.toThrow(
        /no answer from the database within 500 ms/,
      );
      expect(performance.now() - startedAt).toBeLessThan(1_000);
      expect(heard).toBe('no answer from the database within 500 ms');
      await leases.close();
    } finally {
      await proxy.close();
    }
  });

  it('standbys say they are waiting: the holder’s renewal counts them, and stops counting one that went away', async () => {
    const engineId = freshEngineId();
    const active = openStore();
    const holder = contractLeaseHolder();
    await active.acquireEngineLease({ engineId, holder, ttlMs });
    await active.renewEngineLease({ engineId, holderId: holder.id, ttlMs });
    expect(active.standbysWaiting({ engineId })).toBe(0);

    const standby = openStore();
    const waiting = standby.announceStandby({ engineId, holderId: 'standby-1' });
    const counted = async (expected: number) => {
      for (let attempt = 0; attempt < 50; attempt++) {
        await active.renewEngineLease({ engineId, holderId: holder.id, ttlMs });
        if (active.standbysWaiting({ engineId }) === expected) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`expected ${expected} standbys, saw ${active.standbysWaiting({ engineId })}`);
    };
    await counted(1);
    // Another engine's standby is not this engine's.
    const other = standby.announceStandby({ engineId: freshEngineId(), holderId: 'standby-2' });
    await counted(1);
    await waiting.release();
    await counted(0);
    await other.release();
  });

  it('a clean release lets go of the lock and marks the row, and the next holder gets the next term', async () => {
    const engineId = freshEngineId();
    const first = openStore();
    const holder = contractLeaseHolder({ pid: 101 });
    await first.acquireEngineLease({ engineId, holder, ttlMs });
    await first.releaseEngineLease({ engineId, holderId: holder.id });
    expect(await lockHolderPid(engineId)).toBeUndefined();
    const record = await first.readEngineLease({ engineId });
    // Nobody holds the lock now: the row is history, with an expiry in the past.
    expect(record?.expiresAt !== null && (record?.expiresAt ?? 0) <= Date.now() + 1_000).toBe(true);
    const next = await openStore().acquireEngineLease({
      engineId,
      holder: contractLeaseHolder({ pid: 202 }),
      ttlMs,
    });
    expect(next.held && next.lease.term).toBe(2);
  });

  it('closing the store ends its lease sessions, so a standby takes over at once', async () => {
    const engineId = freshEngineId();
    const store = createPostgresStore({ connectionString: database.url });
    await store.acquireEngineLease({ engineId, holder: contractLeaseHolder(), ttlMs });
    await store.close();
    expect(await lockHolderPid(engineId)).toBeUndefined();
  });
});
