import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MonitorError, openIncidentStatuses } from '@website-monitor/core';
import { FakeClock, MemoryLogger } from '@website-monitor/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FlakyStore } from './flaky-store.test-helper.js';
import { approval, baseline, host, incident, restartAction, sample, samples } from './records.test-helper.js';
import { createSpooledStore, type SpooledStore } from './spooled-store.js';

let dir: string;
const opened: SpooledStore[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wm-spool-'));
});

afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function setup(
  options: { primary?: FlakyStore; maxBytes?: number; clock?: FakeClock; logger?: MemoryLogger } = {},
) {
  const primary = options.primary ?? new FlakyStore();
  const clock = options.clock ?? new FakeClock();
  const logger = options.logger ?? new MemoryLogger();
  const store = createSpooledStore({
    store: primary,
    path: join(dir, 'spool', 'agent.spool'),
    maxBytes: options.maxBytes ?? 10_000_000,
    logger,
    clock,
    retryIntervalMs: 1000,
    maxRetryIntervalMs: 8000,
  });
  opened.push(store);
  return { primary, clock, logger, store };
}

/** The replay loop hops through several promises per row; wait for it with real time. */
async function drained(store: SpooledStore): Promise<void> {
  await vi.waitFor(() => expect(store.pending().rows).toBe(0));
}

describe('createSpooledStore', () => {
  it('writes through to a healthy primary and keeps nothing spooled', async () => {
    const { primary, store, logger } = setup();
    const t = Date.UTC(2026, 0, 1);

    await store.saveIncident({ incident: incident('i1', t) });
    expect(await primary.database.listIncidents({})).toEqual([incident('i1', t)]);
    await store.saveHealthSamples({ samples: samples('s', 3, t) });

    expect(primary.attempts.map((a) => [a.kind, a.ids.length])).toEqual([
      ['incident', 1],
      ['health_samples', 3],
    ]);
    expect(store.pending()).toMatchObject({ rows: 0, bytes: 0, oldestAt: null, primary: 'up' });
    expect(logger.entries.filter((e) => e.level === 'error')).toEqual([]);
  });

  it('resolves writes while the primary is down and delivers each once, in write order, when it returns', async () => {
    const { primary, store, logger, clock } = setup();
    const t = clock.now();
    primary.mode = 'down';

    await store.saveIncident({ incident: incident('i1', t) });
    await store.saveHealingAction({
      action: restartAction('a1', t, { incidentId: 'i1', result: 'pending' }),
    });
    await store.saveApproval({ approval: approval('p1', t) });
    await store.saveIncident({
      incident: incident('i1', t, { status: 'healing', actionsTaken: ['restart'] }),
    });
    await store.saveHealthSamples({ samples: samples('s', 3, t) });
    await store.saveHealingAction({ action: restartAction('a1', t, { incidentId: 'i1' }) });

    expect(store.pending()).toMatchObject({ rows: 8, mustKeepRows: 5, oldestAt: t, primary: 'down' });
    expect(await primary.database.listIncidents({})).toEqual([]);

    await clock.advance(1000); // first retry: still down
    primary.mode = 'up';
    await clock.advance(2000); // second retry, after the doubled wait
    await drained(store);

    expect(primary.acceptedIds()).toEqual(['i1', 'a1', 'p1', 'i1', 's-0', 's-1', 's-2', 'a1']);
    expect(primary.attempts.filter((a) => a.kind === 'health_samples' && a.accepted)).toHaveLength(1);
    expect((await primary.database.listIncidents({}))[0]?.status).toBe('healing');
    expect((await primary.database.listHealingActions({}))[0]?.result).toBe('succeeded');

    const unreachable = logger.find('store_unreachable');
    expect(unreachable).toHaveLength(1);
    expect(unreachable[0]?.level).toBe('error');
    expect(String(unreachable[0]?.fields.error)).toContain('ECONNREFUSED');
    expect(JSON.stringify(logger.entries)).not.toContain('s3cret');
    const recovered = logger.find('store_recovered');
    expect(recovered).toHaveLength(1);
    expect(recovered[0]?.fields).toMatchObject({ replayed_rows: 8 });
    // Two retries, each waiting 80-100% of its nominal delay (1 s, then 2 s).
    expect(recovered[0]?.fields.down_ms).toBeGreaterThanOrEqual(2400);
    expect(recovered[0]?.fields.down_ms).toBeLessThanOrEqual(3000);
    expect(store.pending().primary).toBe('up');
  });

  it('replays what a previous run left in the spool before anything written after the restart', async () => {
    const clock = new FakeClock();
    const t = clock.now();
    const first = setup({ clock });
    first.primary.mode = 'down';
    await first.store.saveIncident({ incident: incident('i1', t) });
    await first.store.saveHealingAction({ action: restartAction('a1', t) });
    await first.store.close();
    expect(first.logger.find('spool_closed_with_backlog')[0]?.fields).toMatchObject({
      rows: 2,
      must_keep_rows: 2,
    });

    const primary = new FlakyStore(first.primary.database);
    const second = setup({ clock, primary });
    await second.store.saveIncident({ incident: incident('i2', t + 1) });
    await drained(second.store);

    expect(primary.acceptedIds()).toEqual(['i1', 'a1', 'i2']);
    expect(second.logger.find('spool_replay_started')[0]?.fields).toMatchObject({
      rows: 2,
      must_keep_rows: 2,
    });
    expect(second.logger.find('spool_replayed')).toHaveLength(1);
  });

  it('drops the oldest health samples when full, never an incident, and says so once', async () => {
    const clock = new FakeClock();
    const t = clock.now();
    const sampleBytes = Buffer.byteLength(JSON.stringify(sample('s-00', t)));
    const incidentBytes = Buffer.byteLength(JSON.stringify(incident('i1', t)));
    const { primary, store, logger } = setup({ clock, maxBytes: incidentBytes + 10 * sampleBytes });
    primary.mode = 'down';

    await store.saveIncident({ incident: incident('i1', t) });
    for (let batch = 0; batch < 4; batch++) {
      const rows = Array.from({ length: 5 }, (_, i) => sample(`s-${batch}${i}`, t + batch * 5 + i));
      await store.saveHealthSamples({ samples: rows });
    }

    const status = store.pending();
    expect(status).toMatchObject({ rows: 11, mustKeepRows: 1, droppedHealthSamples: 10 });
    expect(status.bytes).toBeLessThanOrEqual(incidentBytes + 10 * sampleBytes);
    const full = logger.find('spool_full');
    expect(full).toHaveLength(1);
    expect(full[0]?.level).toBe('error');
    expect(full[0]?.fields).toMatchObject({ must_keep_rows: 1, max_bytes: incidentBytes + 10 * sampleBytes });

    primary.mode = 'up';
    await clock.advance(1000);
    await drained(store);
    // The first two batches went, the incident and the newest ten samples stayed.
    expect(primary.acceptedIds()).toEqual([
      'i1',
      ...['s-20', 's-21', 's-22', 's-23', 's-24', 's-30', 's-31', 's-32', 's-33', 's-34'],
    ]);
    expect(logger.find('spool_full_cleared')[0]?.fields).toMatchObject({ dropped_health_samples: 10 });
    expect(logger.find('store_recovered')[0]?.fields).toMatchObject({ dropped_health_samples: 10 });
  });

  it('keeps incidents and actions past the cap when nothing else is left to drop', async () => {
    const { primary, store, logger, clock } = setup({ maxBytes: 1000 });
    const t = clock.now();
    primary.mode = 'down';

    for (let i = 0; i < 5; i++) await store.saveIncident({ incident: incident(`i${i}`, t + i) });
    await store.saveHealingAction({ action: restartAction('a1', t) });

    const status = store.pending();
    expect(status).toMatchObject({ rows: 6, mustKeepRows: 6, droppedHealthSamples: 0 });
    expect(status.bytes).toBeGreaterThan(1000);
    expect(logger.find('spool_over_capacity')).toHaveLength(1);
    expect(logger.find('spool_full')).toEqual([]);

    primary.mode = 'up';
    await clock.advance(1000);
    await drained(store);
    expect(primary.acceptedIds()).toEqual(['i0', 'i1', 'i2', 'i3', 'i4', 'a1']);
  });

  it('restores state from the spool when the database is down at restart: restart budgets, open incidents, approvals', async () => {
    const clock = new FakeClock();
    const now = clock.now();
    const minute = 60_000;
    const first = setup({ clock });
    // Delivered normally during the previous run.
    await first.store.saveHealingAction({ action: restartAction('a-old', now - 120 * minute) });
    await first.store.saveHealingAction({ action: restartAction('a1', now - 40 * minute) });
    await first.store.saveHealingAction({ action: restartAction('a2', now - 10 * minute) });
    await first.store.saveIncident({
      incident: incident('i-open', now - 10 * minute, { status: 'healing' }),
    });
    await first.store.saveIncident({ incident: incident('i-done', now - 50 * minute) });
    await first.store.saveIncident({
      incident: incident('i-done', now - 50 * minute, { status: 'resolved', resolvedAt: now - 45 * minute }),
    });
    await first.store.saveApproval({ approval: approval('p1', now - 5 * minute) });
    await first.store.saveApproval({ approval: approval('p2', now - 20 * minute) });
    await first.store.saveApproval({ approval: approval('p2', now - 20 * minute, { status: 'approved' }) });
    expect(first.store.pending().rows).toBe(0);
    await first.store.close();

    // The agent restarts while the database is not ready yet.
    const primary = new FlakyStore(first.primary.database);
    primary.mode = 'down';
    const second = setup({ clock, primary });
    await second.store.saveHealingAction({ action: restartAction('a3', now - minute) });

    const [incidents, actions, approvals] = await Promise.all([
      second.store.listIncidents({ host, statuses: openIncidentStatuses }),
      second.store.listHealingActions({ host, since: now - 60 * minute }),
      second.store.listApprovals({ host, statuses: ['pending'] }),
    ]);
    expect(actions.map((a) => a.id)).toEqual(['a1', 'a2', 'a3']);
    expect(incidents.map((i) => i.id)).toEqual(['i-open']);
    expect(approvals.map((a) => a.id)).toEqual(['p1']);
    expect(second.logger.find('store_unreachable')).toHaveLength(1);
    // Resolved incidents stay visible for the recent window.
    expect((await second.store.listIncidents({ host })).map((i) => [i.id, i.status])).toEqual([
      ['i-open', 'healing'],
      ['i-done', 'resolved'],
    ]);
  });

  it('lets resolved incidents and old actions age out of the recent state', async () => {
    const clock = new FakeClock();
    const now = clock.now();
    const first = setup({ clock });
    await first.store.saveHealingAction({ action: restartAction('a1', now) });
    await first.store.saveIncident({
      incident: incident('i1', now, { status: 'resolved', resolvedAt: now }),
    });
    await first.store.close();

    await clock.advance(61 * 60_000);
    const primary = new FlakyStore(first.primary.database);
    primary.mode = 'down';
    const second = setup({ clock, primary });
    expect(await second.store.listHealingActions({ host })).toEqual([]);
    expect(await second.store.listIncidents({ host })).toEqual([]);
  });

  it('lays spooled versions over what a reachable primary returns: the spool is newer', async () => {
    const { primary, store, clock } = setup();
    const t = clock.now();
    await store.saveIncident({ incident: incident('i1', t) });
    await store.saveIncident({ incident: incident('i2', t + 1) });

    const release = primary.hold();
    const writing = store.saveIncident({
      incident: incident('i1', t, { status: 'resolved', resolvedAt: t + 5 }),
    });
    try {
      expect(store.pending().rows).toBe(1);
      expect((await store.listIncidents({ statuses: openIncidentStatuses })).map((i) => i.id)).toEqual([
        'i2',
      ]);
      expect((await store.listIncidents({ limit: 2 })).map((i) => [i.id, i.status])).toEqual([
        ['i2', 'open'],
        ['i1', 'resolved'],
      ]);
    } finally {
      release();
    }
    await writing;
    expect((await primary.database.listIncidents({ statuses: ['resolved'] })).map((i) => i.id)).toEqual([
      'i1',
    ]);
  });

  it('answers health sample reads from spooled samples while the primary is down', async () => {
    const { primary, store, clock } = setup();
    const t = clock.now();
    await store.saveHealthSamples({ samples: samples('old', 2, t - 10_000) });
    primary.mode = 'down';
    await store.saveHealthSamples({
      samples: [sample('w1', t), sample('db1', t + 1, 'db'), sample('w2', t + 2)],
    });

    expect((await store.listHealthSamples({ containerName: 'web', limit: 2 })).map((s) => s.id)).toEqual([
      'w1',
      'w2',
    ]);
    expect((await store.listHealthSamples({ since: t + 1 })).map((s) => s.id)).toEqual(['db1', 'w2']);
  });

  it('keeps learned baselines across a restart while the database is down, and delivers only the latest', async () => {
    const clock = new FakeClock();
    const t = clock.now();
    const first = setup({ clock });
    await first.store.saveBaselines({
      baselines: [baseline('response_time_ms', 40, t), baseline('cpu_percent', 5, t)],
    });
    expect(first.primary.attempts.map((a) => a.kind)).toEqual(['baselines']);
    expect(first.store.pending().rows).toBe(0);
    first.primary.mode = 'down';
    await first.store.saveIncident({ incident: incident('i1', t) });
    await first.store.saveBaselines({ baselines: [baseline('response_time_ms', 41, t + 1)] });
    await first.store.saveBaselines({ baselines: [baseline('response_time_ms', 42, t + 2)] });
    expect(first.store.pending()).toMatchObject({ rows: 2, mustKeepRows: 2 });
    await first.store.close();

    const primary = new FlakyStore(first.primary.database);
    primary.mode = 'down';
    const second = setup({ clock, primary });
    expect((await second.store.listBaselines({ host })).map((b) => [b.metric, b.mean])).toEqual([
      ['cpu_percent', 5],
      ['response_time_ms', 42],
    ]);

    primary.mode = 'up';
    await clock.advance(1000);
    await drained(second.store);
    expect(primary.acceptedIds()).toEqual(['i1', 'web/response_time_ms']);
    expect((await primary.database.listBaselines({ host })).map((b) => b.mean)).toEqual([5, 42]);
  });

  it('writes the row once when the primary took it but the answer was lost', async () => {
    const { primary, store, clock } = setup();
    const t = clock.now();
    primary.mode = 'ack_lost';
    await store.saveIncident({ incident: incident('i1', t) });
    expect(await primary.database.listIncidents({})).toHaveLength(1);
    expect(store.pending()).toMatchObject({ rows: 1, primary: 'down' });

    primary.mode = 'up';
    await store.saveIncident({ incident: incident('i1', t, { status: 'resolved', resolvedAt: t + 1 }) });
    await clock.advance(1000);
    await drained(store);

    // Delivered three times in all (the lost answer, then both versions in order): still one row,
    // and the older version replayed late did not overwrite the newer one.
    expect(primary.acceptedIds()).toEqual(['i1', 'i1', 'i1']);
    const rows = await primary.database.listIncidents({});
    expect(rows.map((i) => [i.id, i.status])).toEqual([['i1', 'resolved']]);
  });

  it('keeps write order when writes arrive while a replay is in progress', async () => {
    const { primary, store, clock } = setup();
    const t = clock.now();
    primary.mode = 'down';
    for (let i = 0; i < 20; i++) await store.saveHealingAction({ action: restartAction(`a${i}`, t + i) });

    primary.mode = 'up';
    const release = primary.hold();
    await clock.advance(1000); // the replay starts and blocks on its first row
    const during = [];
    for (let i = 20; i < 25; i++)
      during.push(store.saveHealingAction({ action: restartAction(`a${i}`, t + i) }));
    during.push(store.saveHealthSamples({ samples: [sample('s-during', t)] }));
    await Promise.all(during);
    release();
    await drained(store);

    expect(primary.acceptedIds()).toEqual([...Array.from({ length: 25 }, (_, i) => `a${i}`), 's-during']);
  });

  it('delivers concurrent writes to a healthy primary in the order they were made', async () => {
    const { primary, store, clock } = setup();
    const t = clock.now();
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 === 0
          ? store.saveIncident({ incident: incident(`r${i}`, t + i) })
          : store.saveHealingAction({ action: restartAction(`r${i}`, t + i) }),
      ),
    );
    await drained(store);
    expect(primary.acceptedIds()).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}`));
  });

  it('stops waiting for a hung primary after writeWaitMs: the row is safe in the spool', async () => {
    const { primary, store, clock, logger } = setup();
    const release = primary.hold();
    const writing = store.saveIncident({ incident: incident('i1', clock.now()) });
    await clock.advance(1000);
    await writing;
    expect(store.pending()).toMatchObject({ rows: 1, primary: 'down' });
    expect(logger.find('store_unreachable')[0]?.fields.error).toBe('no answer within 1000 ms');

    release();
    await drained(store);
    expect(primary.acceptedIds()).toEqual(['i1']);
    expect(logger.find('store_recovered')).toHaveLength(1);
  });

  it('flush() delivers the backlog now, or says how much is still spooled', async () => {
    const { primary, store } = setup();
    primary.mode = 'down';
    await store.saveIncident({ incident: incident('i1', 0) });
    await expect(store.flush()).rejects.toThrow('1 rows still spooled');
    primary.mode = 'up';
    await store.flush();
    expect(store.pending().rows).toBe(0);
    expect(primary.acceptedIds()).toEqual(['i1']);
  });

  it('refuses a second agent on the same spool file, and a cap that is not a size', () => {
    setup();
    expect(() => setup()).toThrow(/in use by another agent/);
    expect(() =>
      createSpooledStore({
        store: new FlakyStore(),
        path: join(dir, 'other.spool'),
        maxBytes: 0,
        logger: new MemoryLogger(),
      }),
    ).toThrow('spool maxBytes must be a positive number of bytes, got 0');
  });

  it('closes the wrapped store and refuses writes after close', async () => {
    const { primary, store } = setup();
    await store.close();
    expect(primary.closed).toBe(true);
    const error = await store.saveIncident({ incident: incident('i1', 0) }).catch((e: unknown) => e);
    expect(MonitorError.isInstance(error) && error.code).toBe('store');
    await expect(store.listIncidents({})).rejects.toThrow('the spooled store is closed');
    expect(store.pending().rows).toBe(0);
  });
});
