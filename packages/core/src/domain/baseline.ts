/**
 * NESTED learning, inner layer: what is normal for one container, learned continuously from its
 * own samples. The outer layer (the general rules: 5xx, 90 % memory, 10 s timeouts) applies
 * whatever is learned here.
 */
export const baselineMetrics = [
  'response_time_ms',
  'memory_bytes',
  'cpu_percent',
  'memory_trend_bytes_per_hour',
] as const;
/** A metric the agent learns a container's normal for. */
export type BaselineMetric = (typeof baselineMetrics)[number];

/** One learned metric of one container (an exponentially weighted mean and variance). */
export interface ContainerBaseline {
  readonly host: string;
  readonly containerName: string;
  /** The image the baseline was learned on: a new image starts a new baseline. */
  readonly image: string;
  readonly metric: BaselineMetric;
  readonly mean: number;
  readonly variance: number;
  /** Readings folded in so far; below the warm-up count the baseline is not used. */
  readonly samples: number;
  readonly updatedAt: number;
}
