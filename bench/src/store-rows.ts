import type { ResultRow } from './report.js';
import type { StoreBenchmarks } from './store-benchmarks.js';
import { summarize } from './summarize.js';

/** The PostgreSQL target of issue 3, for batched health samples. */
const postgresTargetRowsPerSecond = 10_000;

/**
 * Table rows for items 6 and 7. Rates are higher-is-better, so their second figure is the slow
 * end (5th percentile, nearest rank) rather than a p95.
 */
export function storeResultRows(result: StoreBenchmarks): { rows: ResultRow[]; notes: string[] } {
  const rows: ResultRow[] = [];
  const { plan } = result;
  for (const store of result.throughput) {
    const batched = summarize(store.batchedRowsPerSecond);
    const unbatched = summarize(store.unbatchedRowsPerSecond);
    const isPostgres = store.store.startsWith('PostgreSQL');
    rows.push({
      measurement: `6. health samples/s into ${store.store}, batches of ${plan.batchSize}; baseline: one row per call`,
      agent: formatRate(store.batchedRowsPerSecond, 'rows/s'),
      baseline: formatRate(store.unbatchedRowsPerSecond, 'rows/s'),
      ratio: batched.n > 0 && unbatched.n > 0 ? `${(batched.median / unbatched.median).toFixed(1)}x` : '–',
      target: isPostgres ? `≥ ${postgresTargetRowsPerSecond.toLocaleString('en-US')} rows/s` : '–',
      met: isPostgres ? batched.n > 0 && batched.median >= postgresTargetRowsPerSecond : undefined,
    });
  }
  for (const store of result.throughput) {
    rows.push({
      measurement: `6. incidents/s into ${store.store}, one \`saveIncident\` after another`,
      agent: formatRate(store.incidentsPerSecond, 'incidents/s'),
      baseline: '–',
      ratio: '–',
      target: '–',
      met: undefined,
    });
  }
  const seed = result.seedQueries;
  for (const [index, query] of seed.queries.entries()) {
    const indexed = summarize(query.indexedMs);
    const unindexed = summarize(query.unindexedMs);
    rows.push({
      measurement: `7. seed query ${index + 1} (${query.label}, ${query.rows} rows); baseline: same table without indexes`,
      agent: formatMs(indexed),
      baseline: formatMs(unindexed),
      ratio: indexed.n > 0 && unindexed.n > 0 ? `${(indexed.median / unindexed.median).toFixed(2)}x` : '–',
      target: '–',
      met: undefined,
    });
  }
  const notes = [
    `6: per store, ${plan.rounds} rounds of ${plan.batchedRows.toLocaleString('en-US')} samples in batches, ${plan.unbatchedRows} one per call and ${plan.incidents} incidents, interleaved; a fresh database \`${result.databaseName}\` (dropped after), SQLite and spool files in a temporary folder`,
    `7: ${seed.healthRows.toLocaleString('en-US')} health rows (50 containers, 48 h) and ${seed.incidentRows.toLocaleString('en-US')} incidents (30 days) loaded with \`INSERT ... SELECT generate_series\` in ${(seed.loadMs / 1000).toFixed(1)} s (with the unindexed copy and \`VACUUM ANALYZE\`), schema by the store's \`migrate()\``,
    ...result.storeLog.slice(0, 5).map((line) => `6: a store logged: ${line}`),
  ];
  return { rows, notes };
}

function formatRate(values: readonly number[], unit: string): string {
  if (values.length === 0) return 'no samples';
  const sorted = [...values].sort((a, b) => a - b);
  const slow = sorted[Math.max(0, Math.ceil(0.05 * sorted.length) - 1)]!;
  const median = summarize(values).median;
  return `${round(median)} / ${round(slow)} ${unit} (median / p5, n=${values.length})`;
}

function formatMs(summary: ReturnType<typeof summarize>): string {
  if (summary.n === 0) return 'no samples';
  const digits = summary.median < 10 ? 2 : 1;
  return `${summary.median.toFixed(digits)} / ${summary.p95.toFixed(digits)} ms (n=${summary.n})`;
}

function round(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
