import type { BaselineMetric, ContainerBaseline } from '../domain/baseline.js';
import { defaultWarmUpSamples, isWarmedUp, standardDeviation } from './ewma-baseline.js';

/**
 * When a reading is "far outside its own normal". All three must hold, so that neither a tiny
 * spread (a quiet service whose 2 ms became 4 ms: z is huge, the change is meaningless) nor a
 * noisy one alone decides:
 * - `zScore`: standard deviations above the mean (the spread has a floor, see `spreadFloor`);
 * - `minDifference`: an absolute distance from the mean, in the metric's unit;
 * - `minRatio`: the reading is at least this multiple of the mean.
 * Only readings ABOVE normal count: a faster answer or less memory is never a failure.
 */
export interface AnomalyThresholds {
  readonly zScore: number;
  readonly minDifference: number;
  readonly minRatio: number;
  /** The smallest spread assumed, as a fraction of the mean and in the metric's unit. */
  readonly spreadFloor: { readonly fractionOfMean: number; readonly absolute: number };
}

const mebibyte = 1024 * 1024;

export const defaultAnomalyThresholds: Readonly<Record<BaselineMetric, AnomalyThresholds>> = {
  response_time_ms: {
    zScore: 4,
    minDifference: 100,
    minRatio: 2,
    spreadFloor: { fractionOfMean: 0.05, absolute: 1 },
  },
  memory_bytes: {
    zScore: 4,
    minDifference: 64 * mebibyte,
    minRatio: 1.5,
    spreadFloor: { fractionOfMean: 0.02, absolute: mebibyte },
  },
  cpu_percent: {
    zScore: 4,
    minDifference: 50,
    minRatio: 3,
    spreadFloor: { fractionOfMean: 0.1, absolute: 1 },
  },
  memory_trend_bytes_per_hour: {
    zScore: 4,
    minDifference: 32 * mebibyte,
    minRatio: 2,
    spreadFloor: { fractionOfMean: 0.1, absolute: mebibyte },
  },
};

export interface AnomalyAssessment {
  readonly anomalous: boolean;
  /** Standard deviations above the mean; 0 when the baseline is not warmed up. */
  readonly zScore: number;
  /** "400 ms, normal for web is 20 ± 3 ms", or why it was not judged. */
  readonly message: string;
}

export function assessAnomaly(options: {
  readonly baseline: ContainerBaseline | undefined;
  readonly value: number;
  readonly minSamples?: number;
  readonly thresholds?: Partial<AnomalyThresholds>;
}): AnomalyAssessment {
  const { baseline, value } = options;
  if (baseline === undefined || !isWarmedUp(baseline, options.minSamples ?? defaultWarmUpSamples)) {
    return {
      anomalous: false,
      zScore: 0,
      message: `no warmed-up baseline yet (${baseline?.samples ?? 0} readings)`,
    };
  }
  const thresholds = { ...defaultAnomalyThresholds[baseline.metric], ...options.thresholds };
  const spread = Math.max(
    standardDeviation(baseline),
    thresholds.spreadFloor.fractionOfMean * Math.abs(baseline.mean),
    thresholds.spreadFloor.absolute,
  );
  const difference = value - baseline.mean;
  const zScore = difference / spread;
  const anomalous =
    zScore >= thresholds.zScore &&
    difference >= thresholds.minDifference &&
    value >= thresholds.minRatio * baseline.mean;
  return { anomalous, zScore, message: describeAgainstNormal(baseline, value) };
}

/** "400 ms, normal for web is 20 ± 3 ms". */
export function describeAgainstNormal(baseline: ContainerBaseline, value: number): string {
  const spread = standardDeviation(baseline);
  return `${formatMetric(baseline.metric, value)}, normal for ${baseline.containerName} is ${formatMetric(baseline.metric, baseline.mean, false)} ± ${formatMetric(baseline.metric, spread)}`;
}

export function formatMetric(metric: BaselineMetric, value: number, withUnit = true): string {
  const unit = (text: string) => (withUnit ? ` ${text}` : '');
  switch (metric) {
    case 'response_time_ms':
      return `${Math.round(value)}${unit('ms')}`;
    case 'cpu_percent':
      return `${value.toFixed(1)}${withUnit ? '%' : ''}`;
    case 'memory_bytes':
      return `${Math.round(value / mebibyte)}${unit('MiB')}`;
    case 'memory_trend_bytes_per_hour':
      return `${Math.round(value / mebibyte)}${unit('MiB/h')}`;
  }
}
