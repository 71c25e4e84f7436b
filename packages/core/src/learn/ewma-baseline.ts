import type { BaselineMetric, ContainerBaseline } from '../domain/baseline.js';

/**
 * Weight of a new reading. 0.05 remembers roughly the last 40 readings (about 7 minutes at the
 * default 10 s check interval): slow enough that one spike does not move "normal", fast enough to
 * follow a daily traffic curve.
 */
export const defaultBaselineAlpha = 0.05;

/** Readings before a baseline is trusted: 30 readings are 5 minutes at the default interval. */
export const defaultWarmUpSamples = 30;

export interface BaselineReading {
  readonly host: string;
  readonly containerName: string;
  readonly metric: BaselineMetric;
  readonly value: number;
}

/**
 * Folds one reading into an exponentially weighted mean and variance (Finch, "Incremental
 * calculation of weighted mean and variance", 2009). While the baseline is young the weight is
 * at least 1/(samples + 1), so the first readings make a plain average instead of letting the
 * very first one dominate for minutes. A baseline learned on another image is discarded: a new
 * release has its own normal.
 */
export function updateBaseline(
  previous: ContainerBaseline | undefined,
  reading: BaselineReading,
  options: {
    readonly now: number;
    readonly image: string;
    readonly alpha?: number;
    /**
     * False to move only the mean: an outlier folded into the spread would widen "normal" so fast
     * that a lasting anomaly stopped looking like one after a few readings.
     */
    readonly learnSpread?: boolean;
    /** False to use `alpha` as it is even on a young baseline (for readings that should count little). */
    readonly warmUpBoost?: boolean;
  },
): ContainerBaseline {
  if (!Number.isFinite(reading.value)) {
    if (previous === undefined)
      throw new RangeError(`a baseline reading must be a finite number, got ${reading.value}`);
    return previous;
  }
  const fresh =
    previous === undefined ||
    previous.image !== options.image ||
    previous.metric !== reading.metric ||
    previous.samples <= 0;
  if (fresh) {
    return {
      host: reading.host,
      containerName: reading.containerName,
      image: options.image,
      metric: reading.metric,
      mean: reading.value,
      variance: 0,
      samples: 1,
      updatedAt: options.now,
    };
  }
  const requested = clampAlpha(options.alpha ?? defaultBaselineAlpha);
  const alpha = options.warmUpBoost === false ? requested : Math.max(requested, 1 / (previous.samples + 1));
  const difference = reading.value - previous.mean;
  const increment = alpha * difference;
  return {
    ...previous,
    mean: previous.mean + increment,
    variance:
      options.learnSpread === false
        ? previous.variance
        : (1 - alpha) * (previous.variance + difference * increment),
    samples: previous.samples + 1,
    updatedAt: options.now,
  };
}

export function isWarmedUp(
  baseline: ContainerBaseline | undefined,
  minSamples: number = defaultWarmUpSamples,
): boolean {
  return baseline !== undefined && baseline.samples >= minSamples;
}

export function standardDeviation(baseline: Pick<ContainerBaseline, 'variance'>): number {
  return Math.sqrt(Math.max(0, baseline.variance));
}

function clampAlpha(alpha: number): number {
  if (!Number.isFinite(alpha) || alpha <= 0 || alpha > 1) {
    throw new RangeError(`alpha must be in (0, 1], got ${alpha}`);
  }
  return alpha;
}
