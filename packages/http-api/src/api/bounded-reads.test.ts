import { type HealthSample, type Store, summarizeHealthSamples } from '@website-monitor/core';
import { contractHealthSample, MemoryStore } from '@website-monitor/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { apiReadLimits } from '../schemas/api-schemas.js';
import { type ApiHarness, startApiHarness } from './api-harness.test-helper.js';

/** A MemoryStore that records the options of every read, to see what reaches the store. */
class RecordingStore extends MemoryStore {
  readonly reads: { method: string; options: unknown }[] = [];

  override async listHealthSamples(options: Parameters<Store['listHealthSamples']>[0]) {
    this.reads.push({ method: 'listHealthSamples', options });
    return super.listHealthSamples(options);
  }

  override async summarizeHealthSamples(options: Parameters<Store['summarizeHealthSamples']>[0]) {
    this.reads.push({ method: 'summarizeHealthSamples', options });
    return super.summarizeHealthSamples(options);
  }

  override async listIncidents(options: Parameters<Store['listIncidents']>[0]) {
    this.reads.push({ method: 'listIncidents', options });
    return super.listIncidents(options);
  }

  override async listApprovals(options: Parameters<Store['listApprovals']>[0]) {
    this.reads.push({ method: 'listApprovals', options });
    return super.listApprovals(options);
  }
}

const token = 'test-token-0123456789abcdef';
const hour = 3_600_000;
const harnesses: ApiHarness[] = [];

afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((harness) => harness.close()));
});

async function harnessOver(store: RecordingStore): Promise<ApiHarness> {
  const started = await startApiHarness({ agent: { store }, server: { token } });
  harnesses.push(started);
  return started;
}

/** Two hours of samples of `web`, one a minute, written the way the agent's host names them. */
function twoHoursOfSamples(now: number): HealthSample[] {
  const base = contractHealthSample();
  return Array.from({ length: 120 }, (_, i) =>
    contractHealthSample({
      id: `seeded-${i}`,
      host: 'local',
      containerName: 'web',
      checkedAt: now - 2 * hour + i * 60_000 + 1_000,
      healthy: i % 10 !== 0,
      metrics: { ...base.metrics, responseTimeMs: 100 + i },
    }),
  );
}

describe('reads of the HTTP API are bounded by the query, in the store', () => {
  it('metrics: the limit and the window go to the store; the answer has at most `limit` samples', async () => {
    const store = new RecordingStore();
    const { call, clock } = await harnessOver(store);
    await store.saveHealthSamples({ samples: twoHoursOfSamples(clock.now()) });
    store.reads.length = 0;

    const response = await call(
      `/monitor/metrics/container/web?hours=${apiReadLimits.metricsMaxHours}&limit=1`,
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { samples: HealthSample[]; summary: { samples: number } };
    expect(body.samples).toHaveLength(1);
    expect(body.samples[0]?.id).toBe('seeded-119');
    // The summary still covers the whole window: it is aggregated by the store, not from the list.
    expect(body.summary.samples).toBeGreaterThanOrEqual(120);
    const sampleRead = store.reads.find((read) => read.method === 'listHealthSamples');
    expect(sampleRead?.options).toMatchObject({
      host: 'local',
      containerName: 'web',
      limit: 1,
      since: clock.now() - apiReadLimits.metricsMaxHours * hour,
    });
  });

  it('metrics: `summary` and `series` are the store aggregation of the whole window, in whole-minute buckets', async () => {
    const store = new RecordingStore();
    const { call, clock } = await harnessOver(store);
    const seeded = twoHoursOfSamples(clock.now());
    await store.saveHealthSamples({ samples: seeded });

    const body = (await (await call('/monitor/metrics/container/web?hours=2&limit=5&buckets=4')).json()) as {
      since: number;
      samples: unknown[];
      summary: Record<string, unknown>;
      series: { bucketSeconds: number; buckets: { start: number; samples: number }[] };
    };
    expect(body.samples).toHaveLength(5);
    expect(body.series.bucketSeconds).toBe(30 * 60);
    const stored = await store.listHealthSamples({ host: 'local', containerName: 'web' });
    const expected = summarizeHealthSamples(stored, {
      host: 'local',
      containerName: 'web',
      since: body.since,
      bucketMs: 30 * 60_000,
    });
    expect(body.summary).toEqual({ from: expected.from, ...expected.total });
    expect(body.series.buckets).toEqual(expected.buckets);
    expect(body.series.buckets.length).toBeLessThanOrEqual(5);

    // Without `buckets`, no series.
    const plain = (await (await call('/monitor/metrics/container/web?hours=2')).json()) as Record<
      string,
      unknown
    >;
    expect(plain).not.toHaveProperty('series');
    expect(plain.summary).toMatchObject({ samples: expected.total.samples });
  });

  it('out-of-range query values are a 400 naming the field, never a larger read', async () => {
    const store = new RecordingStore();
    const { call } = await harnessOver(store);
    store.reads.length = 0;
    const refused: [string, RegExp][] = [
      [
        `/monitor/metrics/container/web?hours=${apiReadLimits.metricsMaxHours + 1}`,
        /query\.hours: must be at most 744/,
      ],
      ['/monitor/metrics/container/web?hours=0', /query\.hours: must be above 0/],
      ['/monitor/metrics/container/web?hours=-5', /query\.hours/],
      ['/monitor/metrics/container/web?hours=1e400', /query\.hours/],
      ['/monitor/metrics/container/web?hours=soon', /query\.hours: must be a number/],
      ['/monitor/metrics/container/web?limit=0', /query\.limit: must be at least 1/],
      ['/monitor/metrics/container/web?limit=1001', /query\.limit: must be at most 1000/],
      ['/monitor/metrics/container/web?limit=2.5', /query\.limit: must be a whole number/],
      ['/monitor/metrics/container/web?limit=99999999999999999999', /query\.limit/],
      ['/monitor/metrics/container/web?buckets=0', /query\.buckets: must be at least 1/],
      ['/monitor/metrics/container/web?buckets=1441', /query\.buckets: must be at most 1440/],
      ['/monitor/incidents?hours=8785', /query\.hours: must be at most 8784/],
      ['/monitor/incidents?limit=1001', /query\.limit: must be at most 1000/],
      ['/monitor/incidents?limit=-1', /query\.limit/],
    ];
    for (const [path, message] of refused) {
      const response = await call(path);
      expect(response.status, path).toBe(400);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code, path).toBe('bad_request');
      expect(body.error.message, path).toMatch(message);
    }
    expect(store.reads).toEqual([]);
  });

  it('incidents: the limit goes to the store', async () => {
    const store = new RecordingStore();
    const { call } = await harnessOver(store);
    store.reads.length = 0;
    expect((await call('/monitor/incidents?hours=8784&limit=3')).status).toBe(200);
    expect(store.reads).toEqual([
      { method: 'listIncidents', options: expect.objectContaining({ host: 'local', limit: 3 }) },
    ]);
  });

  it('deciding an approval reads that one request from the store, not every approval', async () => {
    const store = new RecordingStore();
    const { post } = await harnessOver(store);
    store.reads.length = 0;
    expect((await post('/monitor/approvals/no-such-id/approve', {}, token)).status).toBe(404);
    expect(store.reads).toEqual([
      { method: 'listApprovals', options: { host: 'local', ids: ['no-such-id'] } },
    ]);
  });
});
