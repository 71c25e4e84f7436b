import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { type HealthSample, type HealthSummaryQuery, summarizeHealthSamples } from '@website-monitor/core';
import { contractHealthSample } from '@website-monitor/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'wm-sqlite-rollups-'));
let files = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const minute = 60_000;
const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const containers = ['web', 'db', 'cache'];

/** One sample every 20 s per container in turn; values in quarters so sums are exact. */
function sample(index: number, overrides: Partial<HealthSample> = {}): HealthSample {
  const base = contractHealthSample();
  return contractHealthSample({
    id: `s-${index}`,
    host: 'h',
    containerName: containers[index % containers.length] as string,
    checkedAt: t0 + index * 20_000,
    healthy: index % 7 !== 0,
    status: index % 7 !== 0 ? 'healthy' : 'unhealthy',
    metrics: {
      ...base.metrics,
      responseTimeMs: 10 + ((index * 37) % 400) + 0.25,
      cpuPercent: index % 9 === 0 ? undefined : ((index * 13) % 100) / 4,
      memoryBytes: 50_000_000 + index * 4096,
    },
    ...overrides,
  });
}

function readOne<T>(path: string, statement: string): T {
  const database = new DatabaseSync(path);
  try {
    return database.prepare(statement).get() as T;
  } finally {
    database.close();
  }
}

const watermarkOf = (path: string) =>
  readOne<{ rolled_until: number | null } | undefined>(
    path,
    "SELECT rolled_until FROM monitor_health_rollup_watermarks WHERE host = 'h'",
  )?.rolled_until;
const rollupRows = (path: string) =>
  readOne<{ rows: number }>(path, 'SELECT count(*) AS rows FROM monitor_health_rollups').rows;

const queries: readonly HealthSummaryQuery[] = [
  { host: 'h', containerName: 'web', since: t0 },
  { containerName: 'db', since: t0 + 7 * minute + 1_000, bucketMs: 5 * minute },
  { host: 'h', containerName: 'cache', since: t0 - 60 * minute, bucketMs: minute },
  { containerName: 'web', since: t0, bucketMs: 60 * minute },
];

describe('deferred health rollups on SQLite (issue 10: the sample write path does no rollup work)', () => {
  it('a write of samples newer than the watermark leaves the rollups alone; summaries still count them', async () => {
    const path = join(dir, `store-${files++}.db`);
    await using store = createSqliteStore({ path, host: 'h', healthRollupIntervalMs: 3_600_000 });
    await store.migrate();
    const first = Array.from({ length: 30 }, (_, i) => sample(i));
    await store.saveHealthSamples({ samples: first });
    // The first write rolls once: complete rollups (from before) are complete up to any point.
    expect(watermarkOf(path)).toBe(t0 + 7 * minute);
    const rollupsBefore = rollupRows(path);
    const later = Array.from({ length: 300 }, (_, i) => sample(30 + i));
    await store.saveHealthSamples({ samples: later });
    expect(rollupRows(path)).toBe(rollupsBefore);
    for (const query of queries) {
      expect(await store.summarizeHealthSamples(query)).toEqual(
        summarizeHealthSamples([...first, ...later], query),
      );
    }
  });

  it('rolls behind the newest sample, and stays exact through late samples, rewrites, retention and a rebuild', async () => {
    const path = join(dir, `store-${files++}.db`);
    await using store = createSqliteStore({ path, host: 'h', healthRollupIntervalMs: 0 });
    await store.migrate();
    const byId = new Map<string, HealthSample>();
    const save = async (samples: HealthSample[]) => {
      for (const written of samples) byId.set(written.id, written);
      await store.saveHealthSamples({ samples });
    };
    const expectExact = async () => {
      for (const query of queries) {
        expect(await store.summarizeHealthSamples(query)).toEqual(
          summarizeHealthSamples(byId.values(), query),
        );
      }
    };
    // An hour in order, in batches: each write rolls up to two minutes before its newest sample.
    for (let batch = 0; batch < 12; batch++) {
      await save(Array.from({ length: 15 }, (_, i) => sample(batch * 15 + i)));
      const newest = t0 + (batch * 15 + 14) * 20_000;
      expect(watermarkOf(path)).toBe(Math.floor((newest - 2 * minute) / minute) * minute);
      await expectExact();
    }
    const watermark = watermarkOf(path) as number;
    expect(
      readOne<{ last: number }>(path, 'SELECT max(minute) AS last FROM monitor_health_rollups').last,
    ).toBeLessThan(watermark);
    // Late samples (a spool replay) land in rolled minutes; rewrites move samples across the watermark.
    await save([
      sample(1000, { id: 'late-1', checkedAt: t0 + 3 * minute + 5_000 }),
      sample(1001, { id: 'late-2', checkedAt: watermark - 1 }),
      sample(1002, { id: 'late-3', checkedAt: watermark }),
    ]);
    await expectExact();
    const moved = (id: string, checkedAt: number) => ({ ...(byId.get(id) as HealthSample), checkedAt });
    await save([
      moved('s-10', watermark + 30_000),
      moved('s-170', t0 + 2 * minute),
      {
        ...(byId.get('s-20') as HealthSample),
        metrics: { ...(byId.get('s-20') as HealthSample).metrics, responseTimeMs: 0.5 },
      },
    ]);
    await expectExact();
    await store.pruneHealthSamples({ before: t0 + 9 * minute + 30_000, batchSize: 7 });
    for (const [id, kept] of byId) if (kept.checkedAt < t0 + 9 * minute + 30_000) byId.delete(id);
    await expectExact();
    await store.rebuildHealthRollups({ host: 'h' });
    expect(watermarkOf(path)).toBeNull();
    await expectExact();
    await save(Array.from({ length: 15 }, (_, i) => sample(180 + i)));
    expect(watermarkOf(path)).toBeGreaterThan(watermark);
    await expectExact();
  });
});
