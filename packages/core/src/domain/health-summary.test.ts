import { describe, expect, it } from 'vitest';
import { contractHealthSample } from '../testing/store-contract.js';
import type { HealthSample } from './health.js';
import { healthSummaryQueryProblem, startOfMinute, summarizeHealthSamples } from './health-summary.js';

const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const minute = 60_000;

function sample(id: string, at: number, responseTimeMs: number | undefined, healthy = true): HealthSample {
  const base = contractHealthSample();
  return contractHealthSample({
    id,
    checkedAt: at,
    healthy,
    metrics: { ...base.metrics, responseTimeMs, cpuPercent: undefined, memoryPercent: undefined },
  });
}

describe('summarizeHealthSamples (the reference the stores are held to)', () => {
  const samples = [
    sample('a', t0 + 5_000, 10),
    sample('b', t0 + 50_000, 30, false),
    sample('c', t0 + minute + 1, undefined, false),
    sample('d', t0 + 3 * minute, 20),
    // Another container and another host do not count.
    { ...sample('e', t0 + 10_000, 999), containerName: 'db' },
    { ...sample('f', t0 + 10_000, 999), host: 'host-b' },
  ];

  it('counts, averages and extremes over the window, by hand', () => {
    const summary = summarizeHealthSamples(samples, { host: 'host-a', containerName: 'web', since: t0 + 1 });
    // `since` is rounded down to the minute: the sample at t0 + 5 s counts.
    expect(summary.from).toBe(t0);
    expect(summary.total).toEqual({
      samples: 4,
      unhealthy: 2,
      responseTimeMs: { count: 3, avg: 20, min: 10, max: 30 },
      cpuPercent: null,
      memoryPercent: null,
      memoryBytes: { count: 4, avg: 52_428_800, min: 52_428_800, max: 52_428_800 },
    });
    expect(summary.buckets).toEqual([]);
  });

  it('puts samples in buckets of whole minutes from the window start, leaving out empty ones', () => {
    const summary = summarizeHealthSamples(samples, {
      host: 'host-a',
      containerName: 'web',
      since: t0,
      bucketMs: 2 * minute,
    });
    expect(
      summary.buckets.map((bucket) => [bucket.start, bucket.samples, bucket.responseTimeMs?.avg ?? null]),
    ).toEqual([
      [t0, 3, 20],
      [t0 + 2 * minute, 1, 20],
    ]);
  });

  it('validates what a store would put in SQL', () => {
    expect(startOfMinute(t0 + 59_999)).toBe(t0);
    expect(
      healthSummaryQueryProblem({ containerName: 'web', since: t0, bucketMs: 5 * minute }),
    ).toBeUndefined();
    expect(healthSummaryQueryProblem({ containerName: 'web', since: t0, bucketMs: 30_000 })).toMatch(
      /bucketMs/,
    );
    expect(healthSummaryQueryProblem({ containerName: 'web', since: Number.NaN })).toMatch(/since/);
  });
});
