import {
  type HealthAggregate,
  type HealthSummary,
  type HealthSummaryQuery,
  healthSummaryResolutionMs,
} from '@website-monitor/core';
import { metricSummary, startOfMinute } from '@website-monitor/core/internal';
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { Database, HealthRollupsTable } from '../database/database.js';
import type { SqlDialect } from '../dialect/sql-dialect.js';

/**
 * `monitor_health_rollups`: one row per host, container and minute holding the counts, sums and
 * extremes of that minute's health samples. Up to each host's watermark (`rollup-watermarks.ts`)
 * it equals an aggregation of `monitor_health_metrics`; summaries read it there and the few
 * minutes of raw rows after it: their cost is bounded by the window's length in minutes.
 */

type Db = Kysely<Database> | Transaction<Database>;

/** The raw columns a rollup sums, each also the prefix of its four rollup columns. */
const metricColumns = ['response_time_ms', 'cpu_percent', 'memory_percent', 'memory_bytes'] as const;
type MetricColumn = (typeof metricColumns)[number];
type RollupColumn = keyof HealthRollupsTable & string;

const keyColumns = ['host', 'container_name', 'minute'] as const satisfies readonly RollupColumn[];
const rollupColumns: readonly RollupColumn[] = [
  ...keyColumns,
  'samples',
  'unhealthy',
  ...metricColumns.flatMap(
    (metric) =>
      [
        `${metric}_count`,
        `${metric}_sum`,
        `${metric}_min`,
        `${metric}_max`,
      ] as const satisfies readonly RollupColumn[],
  ),
];

/** The columns a summary sums, in the order `summedColumns` names them. */
const rollupValueColumns = rollupColumns.filter(
  (column) => !(keyColumns as readonly string[]).includes(column),
);

const table = 'monitor_health_rollups';
const watermarkTable = 'monitor_health_rollup_watermarks';
const current = (column: RollupColumn) => sql.ref(`${table}.${column}`);
const excluded = (column: RollupColumn) => sql.ref(`excluded.${column}`);

/** The aggregates of raw rows named as the rollup's value columns, in `rollupValueColumns` order. */
function rawAggregates(prefix = '') {
  return [
    sql<number>`count(*)`.as('samples'),
    sql<number>`sum(CASE WHEN ${sql.ref(`${prefix}healthy`)} THEN 0 ELSE 1 END)`.as('unhealthy'),
    ...metricColumns.flatMap((metric) => {
      const value = sql.ref(`${prefix}${metric}`);
      return [
        sql<number>`count(${value})`.as(`${metric}_count`),
        sql<number>`coalesce(sum(${value}), 0)`.as(`${metric}_sum`),
        sql<number | null>`min(${value})`.as(`${metric}_min`),
        sql<number | null>`max(${value})`.as(`${metric}_max`),
      ];
    }),
  ];
}

/** The rollup rows of whatever raw rows `where` selects, in `rollupColumns` order. */
function aggregateRawRows(
  db: Db,
  dialect: SqlDialect,
  where: (minute: RawBuilder<number>) => RawBuilder<boolean>,
) {
  const minute = dialect.startOfMinute('timestamp');
  return (
    db
      .selectFrom('monitor_health_metrics')
      .select(['host', 'container_name', minute.as('minute'), ...rawAggregates()])
      // A WHERE clause always: SQLite reads `ON CONFLICT` after a bare FROM as a join constraint.
      .where(where(minute))
      .groupBy(['host', 'container_name', minute])
  );
}

/** Counts and sums add up; extremes keep the more extreme (NULL means no value yet). */
function additiveUpdate(): Record<string, RawBuilder<unknown>> {
  const update: Record<string, RawBuilder<unknown>> = {
    samples: sql`${current('samples')} + ${excluded('samples')}`,
    unhealthy: sql`${current('unhealthy')} + ${excluded('unhealthy')}`,
  };
  for (const metric of metricColumns) {
    for (const part of ['count', 'sum'] as const) {
      const column = `${metric}_${part}` as RollupColumn;
      update[column] = sql`${current(column)} + ${excluded(column)}`;
    }
    const min = `${metric}_min` as RollupColumn;
    const max = `${metric}_max` as RollupColumn;
    update[min] =
      sql`CASE WHEN ${current(min)} IS NULL OR ${excluded(min)} < ${current(min)} THEN ${excluded(min)} ELSE ${current(min)} END`;
    update[max] =
      sql`CASE WHEN ${current(max)} IS NULL OR ${excluded(max)} > ${current(max)} THEN ${excluded(max)} ELSE ${current(max)} END`;
  }
  return update;
}

/** The freshly computed row replaces the stored one. */
function replacingUpdate(): Record<string, RawBuilder<unknown>> {
  return Object.fromEntries(
    rollupColumns
      .filter((column) => !(keyColumns as readonly string[]).includes(column))
      .map((column) => [column, excluded(column)]),
  );
}

/** Writes the rollup rows of the raw rows `where` selects; resolves with the rollup rows written. */
export async function insertAggregates(
  db: Db,
  dialect: SqlDialect,
  where: (minute: RawBuilder<number>) => RawBuilder<boolean>,
  onConflict: 'add' | 'replace',
): Promise<number> {
  const result = await db
    .insertInto(table)
    .columns([...rollupColumns])
    .expression(aggregateRawRows(db, dialect, where))
    .onConflict((oc) =>
      oc.columns([...keyColumns]).doUpdateSet(onConflict === 'add' ? additiveUpdate() : replacingUpdate()),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/** Removes one host's rollup rows of the minutes `[from, to)`. */
export async function deleteRollupMinutes(
  trx: Transaction<Database>,
  dialect: SqlDialect,
  range: { readonly host: string; readonly from: number; readonly to: number },
): Promise<void> {
  // Through the minute index, not every minute of the host's containers in the primary key.
  await trx
    .deleteFrom(table)
    .where(sql<boolean>`${dialect.unindexed('host')} = ${range.host}`)
    .where('minute', '>=', range.from)
    .where('minute', '<', range.to)
    .execute();
}

/** Adds raw rows that were just inserted (new ids) to their minutes. */
export async function addToRollups(trx: Transaction<Database>, dialect: SqlDialect, ids: readonly string[]) {
  if (ids.length === 0) return;
  await insertAggregates(trx, dialect, () => sql<boolean>`id IN (${sql.join([...ids])})`, 'add');
}

/** One container's minutes `[from, to)` (whole minutes), to be computed again from the raw rows. */
export interface RollupSpan {
  readonly host: string;
  readonly containerName: string;
  readonly from: number;
  readonly to: number;
}

/** The spans covering the minutes of `points`, one per container (from its first to its last minute). */
export function spansOf(
  points: readonly { readonly host: string; readonly containerName: string; readonly at: number }[],
): RollupSpan[] {
  const byContainer = new Map<string, { host: string; containerName: string; from: number; to: number }>();
  for (const point of points) {
    const key = JSON.stringify([point.host, point.containerName]);
    const from = startOfMinute(point.at);
    const to = from + healthSummaryResolutionMs;
    const span = byContainer.get(key);
    if (span === undefined)
      byContainer.set(key, { host: point.host, containerName: point.containerName, from, to });
    else {
      span.from = Math.min(span.from, from);
      span.to = Math.max(span.to, to);
    }
  }
  return [...byContainer.values()];
}

/**
 * Computes the spans' minutes again from the raw rows: after a row was rewritten (its values or
 * its time changed), a sum can be corrected but an extreme cannot. A minute left empty goes.
 */
export async function recomputeRollups(
  trx: Transaction<Database>,
  dialect: SqlDialect,
  spans: readonly RollupSpan[],
) {
  for (const span of spans) {
    await trx
      .deleteFrom(table)
      .where('host', '=', span.host)
      .where('container_name', '=', span.containerName)
      .where('minute', '>=', span.from)
      .where('minute', '<', span.to)
      .execute();
    await insertAggregates(
      trx,
      dialect,
      () =>
        sql<boolean>`host = ${span.host} AND container_name = ${span.containerName} AND timestamp >= ${dialect.toTime(span.from)} AND timestamp < ${dialect.toTime(span.to)}`,
      'replace',
    );
  }
}

/**
 * Retention for the rollups, after the raw rows before `before` are gone: whole minutes before it
 * are removed in batches, and the minute it falls in (partly removed) is computed again.
 */
export async function pruneRollups(
  db: Kysely<Database>,
  dialect: SqlDialect,
  options: { readonly before: number; readonly host: string | undefined; readonly batchSize: number },
): Promise<void> {
  const boundary = startOfMinute(options.before);
  for (;;) {
    const result = await db
      .deleteFrom(table)
      .where((eb) =>
        eb(
          eb.refTuple('host', 'container_name', 'minute'),
          'in',
          eb
            .selectFrom(table)
            .select(['host', 'container_name', 'minute'])
            .where('minute', '<', boundary)
            .$if(options.host !== undefined, (qb) => qb.where('host', '=', options.host as string))
            .limit(options.batchSize)
            .$asTuple('host', 'container_name', 'minute'),
        ),
      )
      .executeTakeFirst();
    if (Number(result.numDeletedRows) < options.batchSize) break;
  }
  if (boundary === options.before) return;
  await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom(table)
      .where('minute', '=', boundary)
      .$if(options.host !== undefined, (qb) => qb.where('host', '=', options.host as string))
      .execute();
    const end = boundary + healthSummaryResolutionMs;
    await insertAggregates(
      trx,
      dialect,
      () =>
        options.host === undefined
          ? sql<boolean>`timestamp >= ${dialect.toTime(boundary)} AND timestamp < ${dialect.toTime(end)}`
          : sql<boolean>`host = ${options.host} AND timestamp >= ${dialect.toTime(boundary)} AND timestamp < ${dialect.toTime(end)}`,
      'replace',
    );
  });
}

/** Recomputes every rollup (of one host) from the raw rows, in one transaction. Resolves with the rows written. */
export async function rebuildRollups(
  db: Kysely<Database>,
  dialect: SqlDialect,
  options: { readonly host?: string },
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    // Every minute is complete afterwards: the watermark goes back to NULL, so the next roll
    // starts from the newest samples (FOR UPDATE first: a plain UPDATE would not wait for a
    // write holding the row FOR SHARE).
    await trx
      .selectFrom(watermarkTable)
      .select('host')
      .$if(options.host !== undefined, (qb) => qb.where('host', '=', options.host as string))
      .orderBy('host')
      .$if(dialect.supportsForUpdate, (qb) => qb.forUpdate())
      .execute();
    await trx
      .updateTable(watermarkTable)
      .set({ rolled_until: null })
      .$if(options.host !== undefined, (qb) => qb.where('host', '=', options.host as string))
      .execute();
    await trx
      .deleteFrom(table)
      .$if(options.host !== undefined, (qb) => qb.where('host', '=', options.host as string))
      .execute();
    await insertAggregates(
      trx,
      dialect,
      () => (options.host === undefined ? sql<boolean>`1 = 1` : sql<boolean>`host = ${options.host}`),
      'replace',
    );
    const counted = await trx
      .selectFrom(table)
      .select(sql<number | string>`count(*)`.as('rows'))
      .$if(options.host !== undefined, (qb) => qb.where('host', '=', options.host as string))
      .executeTakeFirstOrThrow();
    return Number(counted.rows);
  });
}

const numberOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

/** Sums of the rollup rows a summary reads, named as the rollup columns (`sum(samples) AS samples`, ...). */
function summedColumns(): RawBuilder<unknown>[] {
  return rollupValueColumns.map((column) => {
    const aggregate = column.endsWith('_min') ? 'min' : column.endsWith('_max') ? 'max' : 'sum';
    return sql`${sql.raw(aggregate)}(${sql.ref(column)}) AS ${sql.ref(column)}`;
  });
}

function toAggregate(row: Record<string, unknown>): HealthAggregate {
  const metric = (column: MetricColumn) =>
    metricSummary({
      count: numberOrNull(row[`${column}_count`]) ?? 0,
      sum: numberOrNull(row[`${column}_sum`]) ?? 0,
      min: numberOrNull(row[`${column}_min`]),
      max: numberOrNull(row[`${column}_max`]),
    });
  return {
    samples: numberOrNull(row.samples) ?? 0,
    unhealthy: numberOrNull(row.unhealthy) ?? 0,
    responseTimeMs: metric('response_time_ms'),
    cpuPercent: metric('cpu_percent'),
    memoryPercent: metric('memory_percent'),
    memoryBytes: metric('memory_bytes'),
  };
}

/**
 * The summary, aggregated in the database: the rollups of the window's minutes before each host's
 * watermark, and the raw rows from it on (the few minutes not rolled yet), grouped by minute. Both
 * read the watermark in the same statement, so a roll committing meanwhile is seen whole or not.
 */
export async function summarizeRollups(
  db: Kysely<Database>,
  dialect: SqlDialect,
  query: HealthSummaryQuery,
): Promise<HealthSummary> {
  const from = startOfMinute(query.since);
  const onHost = (column: string) =>
    query.host === undefined ? sql`` : sql` AND ${sql.ref(column)} = ${query.host}`;
  const rawMinute = dialect.startOfMinute('m.timestamp');
  // The raw rows: one index range per host with a watermark, on (host, container_name, timestamp).
  // CROSS JOIN keeps SQLite's join order: the few watermarks outside.
  const minutes = sql`
    SELECT r.minute AS minute, ${sql.join(rollupValueColumns.map((column) => sql.ref(`r.${column}`)))}
    FROM monitor_health_rollups r
    LEFT JOIN ${sql.table(watermarkTable)} w ON w.host = r.host
    WHERE r.container_name = ${query.containerName} AND r.minute >= ${from}${onHost('r.host')}
      AND (w.rolled_until IS NULL OR r.minute < w.rolled_until)
    UNION ALL
    SELECT ${rawMinute} AS minute, ${sql.join(rawAggregates('m.'))}
    FROM ${sql.table(watermarkTable)} w CROSS JOIN monitor_health_metrics m
    WHERE w.rolled_until IS NOT NULL${onHost('w.host')} AND m.host = w.host
      AND m.container_name = ${query.containerName} AND m.timestamp >= ${dialect.toTime(from)}
      AND m.timestamp >= ${dialect.timeOfMs(sql.ref('w.rolled_until'))}
    GROUP BY ${rawMinute}`;
  if (query.bucketMs === undefined) {
    const { rows } = await sql<Record<string, unknown>>`
      WITH minutes AS (${minutes})
      SELECT ${sql.join(summedColumns())} FROM minutes`.execute(db);
    return { from, total: toAggregate(rows[0] ?? {}), buckets: [] };
  }
  // Inlined, not bound: PostgreSQL matches GROUP BY to the select list by text, and both are
  // safe integers checked by the caller.
  const width = sql.lit(query.bucketMs);
  const start = sql`(${sql.lit(from)} + ((minute - ${sql.lit(from)}) / ${width}) * ${width})`;
  // One pass over the window's minutes: the buckets, then the total summed from the buckets
  // (a materialized CTE is computed once though read twice). The total is the row without a start.
  // No ORDER BY: on the group key it doubled SQLite's time; the few buckets are sorted below.
  const { rows } = await sql<Record<string, unknown>>`
    WITH minutes AS (${minutes}),
    buckets AS MATERIALIZED (
      SELECT ${start} AS start, ${sql.join(summedColumns())}
      FROM minutes GROUP BY ${start}
    )
    SELECT start, ${sql.join(rollupValueColumns.map((column) => sql.ref(column)))} FROM buckets
    UNION ALL
    SELECT NULL, ${sql.join(summedColumns())} FROM buckets`.execute(db);
  const total = rows.find((row) => row.start === null) ?? {};
  return {
    from,
    total: toAggregate(total),
    buckets: rows
      .filter((row) => row.start !== null)
      .map((row) => ({ start: Number(row.start), ...toAggregate(row) }))
      .sort((a, b) => a.start - b.start),
  };
}
