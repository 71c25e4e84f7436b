import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreError } from '@website-monitor/core';
import { FakeClock, MemoryLogger } from '@website-monitor/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FlakyStore } from './flaky-store.test-helper.js';
import { incident, samples } from './records.test-helper.js';
import type { SpoolAlert } from './spool-health.js';
import { createSpooledStore, type SpooledStore } from './spooled-store.js';

let dir: string;
const opened: SpooledStore[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wm-spool-full-'));
});

afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A spool whose file may not grow past 64 KiB: full after a few dozen incidents. */
function setup() {
  const primary = new FlakyStore();
  const clock = new FakeClock();
  const logger = new MemoryLogger();
  const store = createSpooledStore({
    store: primary,
    path: join(dir, 'agent.spool'),
    maxBytes: 10_000_000,
    maxFileBytes: 64 * 1024,
    writeRecoveryQuietMs: 10_000,
    logger,
    clock,
    retryIntervalMs: 1000,
    maxRetryIntervalMs: 4000,
  });
  opened.push(store);
  const alerts: SpoolAlert[] = [];
  store.onAlert((alert) => alerts.push(alert));
  return { primary, clock, logger, store, alerts };
}

/** Writes big incidents until the spool refuses one; returns how many it took. */
async function fillSpool(store: SpooledStore, at: number): Promise<{ taken: number; refused: unknown }> {
  for (let index = 0; index < 1000; index++) {
    try {
      await store.saveIncident({ incident: bigIncident(`fill-${index}`, at) });
    } catch (error) {
      return { taken: index, refused: error };
    }
    if (store.pending().writeFailure !== null) return { taken: index, refused: undefined };
  }
  throw new Error('the spool never filled up');
}

function bigIncident(id: string, at: number) {
  return incident(id, at, { problems: [{ kind: 'container_stopped', message: 'x'.repeat(2000) }] });
}

describe('a full spool (disk or maxFileBytes)', () => {
  it('with the database down: every lost incident rejects and is logged, the episode is said once', async () => {
    const { primary, clock, logger, store, alerts } = setup();
    primary.mode = 'down';
    const { taken, refused } = await fillSpool(store, clock.now());
    expect(taken).toBeGreaterThan(3);
    expect(StoreError.isInstance(refused)).toBe(true);
    expect(String((refused as Error).message)).toBe(
      `incident fill-${taken} was written neither to the spool nor to the database`,
    );

    // More writes while full: each is lost and rejected, none is news to the notifier.
    for (const id of ['late-1', 'late-2', 'late-3']) {
      await expect(store.saveIncident({ incident: bigIncident(id, clock.now()) })).rejects.toThrow(
        `incident ${id} was written neither to the spool nor to the database`,
      );
    }
    await expect(store.saveHealthSamples({ samples: samples('s', 50, clock.now()) })).rejects.toThrow(
      StoreError,
    );

    const status = store.pending();
    expect(status.writeFailure).toMatchObject({
      reason: 'disk_full',
      error: 'database or disk is full',
      lostRecords: 4 + 50,
    });
    expect(status.lostRecords).toMatchObject({ incident: 4, health_sample: 50 });
    expect(status.failedWrites).toBe(5);

    const unwritable = logger.find('spool_unwritable');
    expect(unwritable).toHaveLength(1);
    expect(unwritable[0]).toMatchObject({
      level: 'error',
      fields: { reason: 'disk_full', what: 'incident' },
    });
    expect(String(unwritable[0]?.fields.message)).toContain('is full (database or disk is full)');
    const lost = logger.find('record_lost');
    expect(
      lost.map((entry) => [entry.level, entry.fields.what, entry.fields.id ?? entry.fields.rows]),
    ).toEqual([
      ['error', 'incident', `fill-${taken}`],
      ['error', 'incident', 'late-1'],
      ['error', 'incident', 'late-2'],
      ['error', 'incident', 'late-3'],
      ['error', 'health_sample', 50],
    ]);
    expect(alerts.map((alert) => alert.kind)).toEqual(['spool_full']);
    expect(alerts[0]?.details).toMatchObject({ reason: 'disk_full', first_failed_write: 'incident' });
  });

  it('with the database up: the write goes straight to it, nothing is lost, the state still says full', async () => {
    const { primary, clock, store, alerts } = setup();
    primary.mode = 'down';
    await fillSpool(store, clock.now());
    primary.mode = 'up';
    await store.saveIncident({ incident: bigIncident('direct', clock.now()) });
    expect((await primary.database.listIncidents({})).map((row) => row.id)).toContain('direct');
    expect(store.pending().writeFailure).not.toBeNull();
    expect(alerts.map((alert) => alert.kind)).toEqual(['spool_full']);
  });

  it('ends the episode once the backlog is delivered and writes work for the quiet period: one recovery alert', async () => {
    const { primary, clock, logger, store, alerts } = setup();
    primary.mode = 'down';
    await fillSpool(store, clock.now());
    await expect(store.saveIncident({ incident: bigIncident('lost', clock.now()) })).rejects.toThrow(
      StoreError,
    );

    primary.mode = 'up';
    // The delivery loop retries with backoff; the probe runs on its own backoff meanwhile.
    for (let step = 0; step < 20 && store.pending().rows > 0; step++) await clock.advance(1000);
    await vi.waitFor(() => expect(store.pending().rows).toBe(0));
    for (let step = 0; step < 30 && store.pending().writeFailure !== null; step++) await clock.advance(1000);

    expect(store.pending().writeFailure).toBeNull();
    expect(alerts.map((alert) => alert.kind)).toEqual(['spool_full', 'spool_recovered']);
    // The one refused while filling, and 'lost'.
    expect(alerts[1]?.details).toMatchObject({ lost_records: 2, lost_incident: 2 });
    expect(logger.find('spool_writable_again')).toHaveLength(1);
    // The deletes that failed on the full file were the spool's trouble, not an outage.
    expect(logger.find('store_unreachable')).toHaveLength(1);
    const failedBefore = store.pending().failedWrites;
    await store.saveIncident({ incident: bigIncident('after', clock.now()) });
    expect(store.pending().failedWrites).toBe(failedBefore);
  });
});
