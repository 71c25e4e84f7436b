/** One memory reading of a container, in bytes, at a time in milliseconds. */
export interface MemoryReading {
  readonly at: number;
  readonly bytes: number;
}

const mebibyte = 1024 * 1024;

/**
 * Readings this soon after a container started are left out of leak detection: heaps, caches and
 * pools fill up after a start, which is growth but not a leak.
 */
export const startupSettleMs = 10 * 60_000;
const hourMs = 3_600_000;

/**
 * What makes memory growth a leak rather than a warm-up, a cache or a garbage collector's sawtooth.
 * The series is fitted with a least-squares line, and every condition must hold:
 * - it covers at least `minSpanMs` with at least `minReadings` readings (a few minutes of growth
 *   after a start is normal);
 * - the line explains the series (`minFit`, R²): a sawtooth, where the collector drops memory
 *   back, fits a line badly;
 * - no drop larger than `maxDropFraction` of the rise: a leak does not give memory back;
 * - the fitted rise over the window is at least `minGrowthBytes` and `minGrowthFraction` of where
 *   it started, so a flat series with a tiny slope is not a leak.
 */
export interface MemoryLeakThresholds {
  readonly minSpanMs: number;
  readonly minReadings: number;
  readonly minFit: number;
  readonly maxDropFraction: number;
  readonly minGrowthBytes: number;
  readonly minGrowthFraction: number;
}

export const defaultMemoryLeakThresholds: MemoryLeakThresholds = {
  minSpanMs: 15 * 60_000,
  minReadings: 10,
  minFit: 0.9,
  maxDropFraction: 0.2,
  minGrowthBytes: 16 * mebibyte,
  minGrowthFraction: 0.05,
};

export interface MemoryTrend {
  readonly bytesPerHour: number;
  /** R² of the fitted line, 0 to 1. */
  readonly fit: number;
  readonly spanMs: number;
  /** The rise of the fitted line over the span. */
  readonly growthBytes: number;
  /** The largest fall from an earlier peak within the window. */
  readonly largestDropBytes: number;
  readonly startBytes: number;
}

export interface MemoryLeakAssessment {
  readonly leaking: boolean;
  /** Undefined with fewer than two readings or no time between them. */
  readonly trend: MemoryTrend | undefined;
  /** When the fitted line reaches `limitBytes`, if it rises and a limit was given. */
  readonly reachesLimitAt: number | undefined;
  /** "memory grew steadily by 120 MiB/h over 30 min", or why it is not a leak. */
  readonly message: string;
}

/** Least-squares line through the readings; undefined when it cannot be fitted. */
export function memoryTrend(readings: readonly MemoryReading[]): MemoryTrend | undefined {
  if (readings.length < 2) return undefined;
  const first = readings[0]!;
  const last = readings[readings.length - 1]!;
  const spanMs = last.at - first.at;
  if (spanMs <= 0) return undefined;
  // Centred sums keep the arithmetic exact enough with epoch milliseconds and byte counts.
  const n = readings.length;
  const meanT = readings.reduce((sum, r) => sum + (r.at - first.at), 0) / n;
  const meanB = readings.reduce((sum, r) => sum + r.bytes, 0) / n;
  let stt = 0;
  let stb = 0;
  let sbb = 0;
  for (const reading of readings) {
    const t = reading.at - first.at - meanT;
    const b = reading.bytes - meanB;
    stt += t * t;
    stb += t * b;
    sbb += b * b;
  }
  if (stt === 0) return undefined;
  const slopePerMs = stb / stt;
  const fit = sbb === 0 ? (slopePerMs === 0 ? 0 : 1) : Math.min(1, (stb * stb) / (stt * sbb));
  let peak = Number.NEGATIVE_INFINITY;
  let largestDropBytes = 0;
  for (const reading of readings) {
    peak = Math.max(peak, reading.bytes);
    largestDropBytes = Math.max(largestDropBytes, peak - reading.bytes);
  }
  return {
    bytesPerHour: slopePerMs * hourMs,
    fit,
    spanMs,
    growthBytes: slopePerMs * spanMs,
    largestDropBytes,
    startBytes: meanB - slopePerMs * meanT,
  };
}

export function assessMemoryLeak(options: {
  readonly readings: readonly MemoryReading[];
  readonly limitBytes?: number;
  readonly thresholds?: Partial<MemoryLeakThresholds>;
}): MemoryLeakAssessment {
  const thresholds = { ...defaultMemoryLeakThresholds, ...options.thresholds };
  const trend = memoryTrend(options.readings);
  const no = (why: string): MemoryLeakAssessment => ({
    leaking: false,
    trend,
    reachesLimitAt: undefined,
    message: why,
  });
  if (trend === undefined || options.readings.length < thresholds.minReadings) {
    return no(`not enough memory readings yet (${options.readings.length})`);
  }
  if (trend.spanMs < thresholds.minSpanMs) {
    return no(
      `memory readings cover ${minutes(trend.spanMs)} min, less than ${minutes(thresholds.minSpanMs)} min`,
    );
  }
  const growth = `${mib(trend.bytesPerHour)} MiB/h over ${minutes(trend.spanMs)} min`;
  if (
    trend.growthBytes < Math.max(thresholds.minGrowthBytes, thresholds.minGrowthFraction * trend.startBytes)
  ) {
    return no(`memory is steady (${growth})`);
  }
  if (trend.fit < thresholds.minFit) {
    return no(`memory rises unevenly (${growth}, fit ${trend.fit.toFixed(2)}), not a steady leak`);
  }
  if (trend.largestDropBytes > thresholds.maxDropFraction * trend.growthBytes) {
    return no(`memory was given back (a drop of ${mib(trend.largestDropBytes)} MiB), not a leak`);
  }
  const last = options.readings[options.readings.length - 1]!;
  const limit = options.limitBytes;
  const reachesLimitAt =
    limit !== undefined && limit > last.bytes && trend.bytesPerHour > 0
      ? last.at + ((limit - last.bytes) / trend.bytesPerHour) * hourMs
      : undefined;
  const eta =
    reachesLimitAt === undefined
      ? ''
      : `; at this rate it reaches its limit in ${duration(reachesLimitAt - last.at)}`;
  return {
    leaking: true,
    trend,
    reachesLimitAt,
    message: `memory grew steadily by ${growth}${eta}`,
  };
}

function mib(bytes: number): number {
  return Math.round(bytes / mebibyte);
}

function minutes(ms: number): number {
  return Math.round(ms / 60_000);
}

function duration(ms: number): string {
  if (ms < hourMs) return `${Math.max(1, minutes(ms))} min`;
  return `${(ms / hourMs).toFixed(1)} h`;
}
