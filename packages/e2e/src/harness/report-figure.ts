/**
 * Prints one measured figure of an end-to-end run (`[e2e] name: value`), so a run's output shows
 * the timings the assertions only bound.
 */
export function reportFigure(name: string, value: number | string, unit = ''): void {
  const shown = typeof value === 'number' ? `${Math.round(value * 10) / 10}${unit ? ` ${unit}` : ''}` : value;
  process.stdout.write(`[e2e] ${name}: ${shown}\n`);
}
