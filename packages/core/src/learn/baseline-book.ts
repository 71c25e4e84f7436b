import type { BaselineMetric, ContainerBaseline } from '../domain/baseline.js';
import type { HealthVerdict } from '../domain/health.js';
import { assessAnomaly } from './assess-anomaly.js';
import { defaultBaselineAlpha, defaultWarmUpSamples, isWarmedUp, updateBaseline } from './ewma-baseline.js';
import { defaultMemoryLeakThresholds, type MemoryReading, memoryTrend } from './memory-leak.js';

/** What is known to be normal for one container, handed to `evaluateHealth` and the diagnosis. */
export interface BaselineSnapshot {
  /** Warmed-up baselines only: a young one would call everything an anomaly. */
  readonly baselines: readonly ContainerBaseline[];
  /** Recent memory readings, oldest first, for leak detection. */
  readonly memoryWindow: readonly MemoryReading[];
  /** The warm-up count the baselines were filtered with. */
  readonly minSamples: number;
}

export interface BaselineBookOptions {
  readonly host: string;
  readonly alpha?: number;
  readonly minSamples?: number;
  /** How much memory history leak detection looks at (default 30 min). */
  readonly memoryWindowMs?: number;
}

/**
 * The learned baselines of every container on a host (NESTED inner layer). The agent holds one,
 * restores it from the store at start, observes each verdict, and saves `dirty()` from time to
 * time. Memory windows are kept in memory only: after a restart of the agent, leak detection needs
 * its minimum span of readings again.
 */
export interface BaselineBook {
  /**
   * Folds one verdict's readings in. Readings of a container that is starting, paused or stopped
   * are ignored; readings of an unhealthy container, or readings that are anomalous themselves,
   * are folded in at a tenth of the weight, and an anomalous one moves only the mean, so a lasting
   * change becomes the new normal over about half an hour instead of a few readings.
   */
  observe(options: { readonly verdict: HealthVerdict; readonly image: string; readonly now: number }): void;
  /** With `image`, baselines learned on another image are left out (a new release starts afresh). */
  snapshot(containerName: string, image?: string): BaselineSnapshot;
  /** Baselines changed since the previous call, to save with `store.saveBaselines`. */
  dirty(): readonly ContainerBaseline[];
  /** Loads saved baselines (e.g. `store.listBaselines({ host })`); they are not dirty. */
  restore(baselines: readonly ContainerBaseline[]): void;
  /** Drops what was learned about a removed container. */
  forget(containerName: string): void;
}

const defaultMemoryWindowMs = 30 * 60_000;
/** A bound on the window whatever the check interval: 1 reading a second for 30 minutes. */
const maxWindowReadings = 1800;

export function createBaselineBook(options: BaselineBookOptions): BaselineBook {
  const alpha = options.alpha ?? defaultBaselineAlpha;
  const minSamples = options.minSamples ?? defaultWarmUpSamples;
  const windowMs = options.memoryWindowMs ?? defaultMemoryWindowMs;
  const baselines = new Map<string, Map<BaselineMetric, ContainerBaseline>>();
  const windows = new Map<string, { image: string; readings: MemoryReading[] }>();
  const changed = new Map<string, ContainerBaseline>();

  const metricsOf = (containerName: string) => {
    let metrics = baselines.get(containerName);
    if (metrics === undefined) {
      metrics = new Map();
      baselines.set(containerName, metrics);
    }
    return metrics;
  };

  const fold = (
    containerName: string,
    metric: BaselineMetric,
    value: number | undefined,
    image: string,
    now: number,
    trusted: boolean,
  ) => {
    if (value === undefined || !Number.isFinite(value)) return;
    const metrics = metricsOf(containerName);
    const previous = metrics.get(metric);
    const anomalous = assessAnomaly({
      baseline: previous?.image === image ? previous : undefined,
      value,
      minSamples,
    }).anomalous;
    const next = updateBaseline(
      previous,
      { host: options.host, containerName, metric, value },
      trusted && !anomalous
        ? { now, image, alpha }
        : { now, image, alpha: alpha / 10, learnSpread: !anomalous, warmUpBoost: false },
    );
    metrics.set(metric, next);
    changed.set(`${containerName}\u0000${metric}`, next);
  };

  return {
    observe({ verdict, image, now }) {
      const { metrics, containerName } = verdict;
      if (metrics.state !== 'running' || verdict.status === 'starting' || verdict.status === 'paused') return;
      const trusted = verdict.healthy;
      // A response time only means something when an answer came.
      if (metrics.httpStatus !== undefined) {
        fold(containerName, 'response_time_ms', metrics.responseTimeMs, image, now, trusted);
      }
      fold(containerName, 'cpu_percent', metrics.cpuPercent, image, now, trusted);
      fold(containerName, 'memory_bytes', metrics.memoryBytes, image, now, trusted);

      if (metrics.memoryBytes !== undefined) {
        let window = windows.get(containerName);
        if (window === undefined || window.image !== image) {
          window = { image, readings: [] };
          windows.set(containerName, window);
        }
        window.readings.push({ at: now, bytes: metrics.memoryBytes });
        const oldest = now - windowMs;
        while (
          window.readings.length > maxWindowReadings ||
          (window.readings.length > 0 && window.readings[0]!.at < oldest)
        ) {
          window.readings.shift();
        }
        const trend = memoryTrend(window.readings);
        if (trend !== undefined && trend.spanMs >= defaultMemoryLeakThresholds.minSpanMs) {
          fold(containerName, 'memory_trend_bytes_per_hour', trend.bytesPerHour, image, now, trusted);
        }
      }
    },

    snapshot(containerName, image) {
      const sameImage = (learnedOn: string) => image === undefined || learnedOn === image;
      const learned = [...(baselines.get(containerName)?.values() ?? [])].filter(
        (baseline) => sameImage(baseline.image) && isWarmedUp(baseline, minSamples),
      );
      const window = windows.get(containerName);
      return {
        baselines: learned,
        memoryWindow: window !== undefined && sameImage(window.image) ? [...window.readings] : [],
        minSamples,
      };
    },

    dirty() {
      const list = [...changed.values()];
      changed.clear();
      return list;
    },

    restore(saved) {
      for (const baseline of saved) {
        if (baseline.host !== options.host) continue;
        const metrics = metricsOf(baseline.containerName);
        const current = metrics.get(baseline.metric);
        // What was learned since start is newer than what the store remembers.
        if (current === undefined || current.updatedAt < baseline.updatedAt) {
          metrics.set(baseline.metric, baseline);
        }
      }
    },

    forget(containerName) {
      baselines.delete(containerName);
      windows.delete(containerName);
      for (const key of changed.keys()) {
        if (key.startsWith(`${containerName}\u0000`)) changed.delete(key);
      }
    },
  };
}
