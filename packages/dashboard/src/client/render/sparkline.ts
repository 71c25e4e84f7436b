/** A series value; null is a gap (no reading that check). */
export type SeriesValue = number | null | undefined;

export interface ScaledSeries {
  /** SVG polyline points, `x,y x,y ...`, gaps skipped. */
  readonly points: string;
  readonly min: number;
  readonly max: number;
}

/**
 * Scales values into a width x height box (y grows downwards). A flat series sits mid-height;
 * `floor` keeps small wobbles from filling the box (e.g. CPU 0.1-0.2 % scaled against 1 %).
 */
export function scaleSeries(
  values: readonly SeriesValue[],
  width: number,
  height: number,
  options: { readonly floor?: number; readonly min?: number; readonly max?: number } = {},
): ScaledSeries {
  const present = values.filter(
    (value): value is number => typeof value === 'number' && Number.isFinite(value),
  );
  if (present.length === 0) return { points: '', min: 0, max: 0 };
  const min = options.min ?? Math.min(...present);
  let max = options.max ?? Math.max(...present);
  if (options.floor !== undefined) max = Math.max(max, min + options.floor);
  const span = max - min;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const parts: string[] = [];
  values.forEach((value, index) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return;
    const y = span === 0 ? height / 2 : height - ((value - min) / span) * height;
    parts.push(`${round(values.length > 1 ? index * step : width)},${round(y)}`);
  });
  return { points: parts.join(' '), min, max };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
