import type { HealthSample } from './health.js';

/**
 * Aggregates of a container's health samples over a window, optionally in fixed-width buckets:
 * what a dashboard or an API client needs from a month of samples without reading a month of
 * rows. SQL stores answer from per-minute rollups (`monitor_health_rollups`), so a summary's
 * cost depends on the window's length in minutes, never on how many samples it holds.
 */

/** The resolution of every summary: windows start on a whole minute, buckets are whole minutes. */
export const healthSummaryResolutionMs = 60_000;

/** One numeric metric over the samples that carried it (a stopped container has no CPU figure). */
export interface MetricSummary {
  /** Samples that carried the metric. */
  readonly count: number;
  readonly avg: number;
  readonly min: number;
  readonly max: number;
}

/** Counts and metric summaries of the samples in one span (the whole window, or one bucket). */
export interface HealthAggregate {
  readonly samples: number;
  /** Samples whose verdict was not healthy. */
  readonly unhealthy: number;
  /** Null when no sample in the span carried the metric. */
  readonly responseTimeMs: MetricSummary | null;
  readonly cpuPercent: MetricSummary | null;
  readonly memoryPercent: MetricSummary | null;
  readonly memoryBytes: MetricSummary | null;
}

/** The aggregate of one bucket of a series. */
export interface HealthBucket extends HealthAggregate {
  /** Start of the bucket (ms since the epoch); it spans `bucketMs` from there. */
  readonly start: number;
}

/** The answer of `Store.summarizeHealthSamples`: the whole window, and the buckets when asked for. */
export interface HealthSummary {
  /** Where the window starts: `since` rounded down to the minute. */
  readonly from: number;
  readonly total: HealthAggregate;
  /** Buckets that hold samples, oldest first, `bucketMs` wide from `from`; empty without `bucketMs`. */
  readonly buckets: readonly HealthBucket[];
}

/** Which container's samples to summarize, from when, and in which bucket width. */
export interface HealthSummaryQuery {
  readonly host?: string;
  readonly containerName: string;
  /** Samples checked at or after this minute (rounded down to a whole minute) count. */
  readonly since: number;
  /** Bucket width for a series: a whole number of minutes, in ms. */
  readonly bucketMs?: number;
}

/** The metrics a summary covers, with how a sample carries each. */
export const summarizedMetrics = [
  ['responseTimeMs', (sample: HealthSample) => sample.metrics.responseTimeMs],
  ['cpuPercent', (sample: HealthSample) => sample.metrics.cpuPercent],
  ['memoryPercent', (sample: HealthSample) => sample.metrics.memoryPercent],
  ['memoryBytes', (sample: HealthSample) => sample.metrics.memoryBytes],
] as const;

export type SummarizedMetric = (typeof summarizedMetrics)[number][0];

export function startOfMinute(ms: number): number {
  return Math.floor(ms / healthSummaryResolutionMs) * healthSummaryResolutionMs;
}

/**
 * Why a summary query cannot be answered, or undefined when it can: a store checks it first and
 * rejects the query with a `StoreError` carrying this text.
 *
 * @example
 * ```ts
 * import { healthSummaryQueryProblem, StoreError } from '@website-monitor/core';
 *
 * const problem = healthSummaryQueryProblem(query);
 * if (problem !== undefined) throw new StoreError(`my store: summarizeHealthSamples: ${problem}`);
 * ```
 */
export function healthSummaryQueryProblem(query: HealthSummaryQuery): string | undefined {
  if (!Number.isSafeInteger(query.since)) return `since must be a time in ms, got ${query.since}`;
  const { bucketMs } = query;
  if (
    bucketMs !== undefined &&
    (!Number.isSafeInteger(bucketMs) || bucketMs <= 0 || bucketMs % healthSummaryResolutionMs !== 0)
  ) {
    return `bucketMs must be a positive whole number of minutes in ms, got ${bucketMs}`;
  }
  return undefined;
}

/** Sums, counts and extremes: what a rollup row holds and what summaries are merged from. */
interface MetricTotals {
  count: number;
  sum: number;
  min: number;
  max: number;
}

interface Totals {
  samples: number;
  unhealthy: number;
  metrics: Record<SummarizedMetric, MetricTotals | null>;
}

const emptyTotals = (): Totals => ({
  samples: 0,
  unhealthy: 0,
  metrics: { responseTimeMs: null, cpuPercent: null, memoryPercent: null, memoryBytes: null },
});

function addSample(totals: Totals, sample: HealthSample): void {
  totals.samples += 1;
  if (!sample.healthy) totals.unhealthy += 1;
  for (const [metric, read] of summarizedMetrics) {
    const value = read(sample);
    if (value === undefined) continue;
    const kept = totals.metrics[metric];
    if (kept === null) {
      totals.metrics[metric] = { count: 1, sum: value, min: value, max: value };
    } else {
      kept.count += 1;
      kept.sum += value;
      kept.min = Math.min(kept.min, value);
      kept.max = Math.max(kept.max, value);
    }
  }
}

/** A metric's summary from its count, sum and extremes (how every store turns totals into averages). */
export function metricSummary(
  totals: { count: number; sum: number; min: number | null; max: number | null } | null,
): MetricSummary | null {
  if (totals === null || totals.count === 0 || totals.min === null || totals.max === null) return null;
  return { count: totals.count, avg: totals.sum / totals.count, min: totals.min, max: totals.max };
}

function toAggregate(totals: Totals): HealthAggregate {
  return {
    samples: totals.samples,
    unhealthy: totals.unhealthy,
    responseTimeMs: metricSummary(totals.metrics.responseTimeMs),
    cpuPercent: metricSummary(totals.metrics.cpuPercent),
    memoryPercent: metricSummary(totals.metrics.memoryPercent),
    memoryBytes: metricSummary(totals.metrics.memoryBytes),
  };
}

/**
 * The reference summary, computed from samples in memory: what `MemoryStore` answers and what
 * the SQL stores must agree with. Filters by the query itself, so any samples may be passed.
 * A store that keeps few samples can answer `summarizeHealthSamples` with it.
 *
 * @example
 * ```ts
 * import { summarizeHealthSamples } from '@website-monitor/core';
 *
 * const summary = summarizeHealthSamples(samples, { containerName: 'web', since: Date.now() - 3_600_000, bucketMs: 300_000 });
 * console.log(summary.total.unhealthy, summary.buckets.length);
 * ```
 */
export function summarizeHealthSamples(
  samples: Iterable<HealthSample>,
  query: HealthSummaryQuery,
): HealthSummary {
  const from = startOfMinute(query.since);
  const total = emptyTotals();
  const buckets = new Map<number, Totals>();
  for (const sample of samples) {
    if (sample.containerName !== query.containerName || sample.checkedAt < from) continue;
    if (query.host !== undefined && sample.host !== query.host) continue;
    addSample(total, sample);
    if (query.bucketMs === undefined) continue;
    const start = from + Math.floor((sample.checkedAt - from) / query.bucketMs) * query.bucketMs;
    let bucket = buckets.get(start);
    if (bucket === undefined) {
      bucket = emptyTotals();
      buckets.set(start, bucket);
    }
    addSample(bucket, sample);
  }
  return {
    from,
    total: toAggregate(total),
    buckets: [...buckets.entries()]
      .sort(([a], [b]) => a - b)
      .map(([start, totals]) => ({ start, ...toAggregate(totals) })),
  };
}
