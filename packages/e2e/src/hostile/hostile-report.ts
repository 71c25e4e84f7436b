/**
 * What one hostile-input file tried and what it saw: counts per area and outcome, the figures of
 * every batch, and the violations. Printed as `[hostile] ...` lines after the file's tests, so a
 * run's output shows the counts and the worst event-loop stall whether the tests passed or not.
 */
export interface BatchFigures {
  readonly batch: string;
  /** Worst event-loop delay inside the agent during the batch, in ms. */
  readonly maxStallMs: number;
  readonly maxRssMb: number;
  /** Slowest /healthz poll during the batch (every 100 ms), in ms. */
  readonly worstHealthzMs: number;
  readonly healthzPolls: number;
  /** Longest event-loop delay of the test process itself (the client), in ms. */
  readonly clientStallMs: number;
  readonly violations: readonly string[];
}

export interface HostileReport {
  readonly seed: number;
  /** Counts one input of `area` with its outcome (`200`, `421`, `config_error`, `closed`...). */
  tried(area: string, outcome: string): void;
  /** How many inputs of `area` were tried. */
  count(area: string): number;
  batch(figures: BatchFigures): void;
  figure(name: string, value: number | string, unit?: string): void;
  readonly batches: readonly BatchFigures[];
  lines(): string[];
  print(): void;
}

export function createHostileReport(options: {
  readonly name: string;
  readonly seed: number;
}): HostileReport {
  const counts = new Map<string, Map<string, number>>();
  const batches: BatchFigures[] = [];
  const figures: string[] = [];
  const report: HostileReport = {
    seed: options.seed,
    tried(area, outcome) {
      const outcomes = counts.get(area) ?? new Map<string, number>();
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      counts.set(area, outcomes);
    },
    count(area) {
      let total = 0;
      for (const value of counts.get(area)?.values() ?? []) total += value;
      return total;
    },
    batch(figures) {
      batches.push(figures);
    },
    figure(name, value, unit = '') {
      const shown =
        typeof value === 'number' ? `${Math.round(value * 10) / 10}${unit ? ` ${unit}` : ''}` : value;
      figures.push(`${name}: ${shown}`);
    },
    batches,
    lines() {
      const lines = [`${options.name}: seed ${options.seed} (replay: HOSTILE_SEED=${options.seed})`];
      for (const [area, outcomes] of counts) {
        const parts = [...outcomes.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([outcome, n]) => `${outcome} ${n}`);
        lines.push(`${area}: tried ${report.count(area)} (${parts.join(', ')})`);
      }
      for (const batch of batches) {
        lines.push(
          `batch ${batch.batch}: worst stall ${round(batch.maxStallMs)} ms, RSS max ${round(batch.maxRssMb)} MB, ` +
            `slowest /healthz ${round(batch.worstHealthzMs)} ms of ${batch.healthzPolls} polls, ` +
            `client stall ${round(batch.clientStallMs)} ms` +
            (batch.violations.length > 0
              ? `, VIOLATIONS: ${batch.violations.join(' | ')}`
              : ', invariants hold'),
        );
      }
      const worst = batches.reduce<BatchFigures | undefined>(
        (found, batch) => (found === undefined || batch.maxStallMs > found.maxStallMs ? batch : found),
        undefined,
      );
      if (worst) lines.push(`worst event-loop stall: ${round(worst.maxStallMs)} ms (batch ${worst.batch})`);
      lines.push(...figures);
      return lines;
    },
    print() {
      process.stdout.write(
        `${report
          .lines()
          .map((line) => `[hostile] ${line}`)
          .join('\n')}\n`,
      );
    },
  };
  return report;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
