import { startOfMinute } from '@website-monitor/core/internal';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../database/database.js';
import type { SqlDialect } from '../dialect/sql-dialect.js';
import { deleteRollupMinutes, insertAggregates } from './health-rollups.js';

/**
 * `monitor_health_rollup_watermarks`: per host, the minute before which `monitor_health_rollups`
 * is complete. Keeping every minute current in each sample write cost 40 % of the write
 * throughput (issue 10): a batch of 500 samples touches ~400 container-minutes. So writes only
 * touch the rollups for a sample older than the watermark (a replay, a rewrite), and the minutes
 * after it are rolled in bulk, set-based, by `rollHealthRollups` every few seconds; summaries
 * read the raw rows from the watermark on, a few minutes' worth.
 *
 * Locking (PostgreSQL): a write holds its hosts' watermark rows FOR SHARE while it decides which
 * samples the rollups need and writes them; the roller takes the row FOR UPDATE before it reads
 * the raw rows. So the roller never rolls a minute while a write it cannot see yet is deciding
 * that minute is not rolled. SQLite serialises writers (BEGIN IMMEDIATE).
 */

const table = 'monitor_health_rollup_watermarks';

/** NULL (or no row): every rollup row is complete, writes keep them so until the first roll. */
export type Watermark = number | null;

const toWatermark = (value: number | string | null): Watermark => (value === null ? null : Number(value));

/**
 * The watermarks of the hosts a write is about to touch, locked against the roller until the
 * write commits. A host seen for the first time gets its row (NULL) so that there is a row to lock.
 */
export async function lockWatermarksForWrite(
  trx: Transaction<Database>,
  dialect: SqlDialect,
  hosts: readonly string[],
): Promise<Map<string, Watermark>> {
  // Sorted: concurrent writers of several hosts lock in the same order.
  const wanted = [...new Set(hosts)].sort();
  const read = async () =>
    new Map(
      (
        await trx
          .selectFrom(table)
          .select(['host', 'rolled_until'])
          .where('host', 'in', wanted)
          .$if(dialect.supportsForUpdate, (qb) => qb.forShare())
          .execute()
      ).map((row) => [row.host, toWatermark(row.rolled_until)]),
    );
  const found = await read();
  if (found.size === wanted.length) return found;
  await trx
    .insertInto(table)
    .values(wanted.filter((host) => !found.has(host)).map((host) => ({ host, rolled_until: null })))
    .onConflict((oc) => oc.column('host').doNothing())
    .execute();
  return read();
}

/** Whether a sample of `at` falls in a minute the rollups hold already (then the write updates it). */
export function isRolled(watermark: Watermark | undefined, at: number): boolean {
  return watermark === null || watermark === undefined || at < watermark;
}

/**
 * Rolls one host's minutes from its watermark up to `horizon` (a minute boundary), one short
 * transaction per step of at most `stepMs` of sample time (starting at the first raw row, so gaps
 * cost nothing): each step is one set-based INSERT ... SELECT ... GROUP BY over a time range.
 * Between steps the event loop gets a turn (SQLite runs on it). Resolves with the rows rolled.
 */
export async function rollHealthRollups(
  db: Kysely<Database>,
  dialect: SqlDialect,
  options: { readonly host: string; readonly horizon: number; readonly stepMs: number },
): Promise<number> {
  const { host, horizon } = options;
  let rolled = 0;
  for (;;) {
    const step = await db.transaction().execute(async (trx) => {
      const lock = () =>
        trx
          .selectFrom(table)
          .select('rolled_until')
          .where('host', '=', host)
          .$if(dialect.supportsForUpdate, (qb) => qb.forUpdate())
          .executeTakeFirst();
      let row = await lock();
      if (row === undefined) {
        await trx
          .insertInto(table)
          .values({ host, rolled_until: null })
          .onConflict((oc) => oc.column('host').doNothing())
          .execute();
        row = await lock();
      }
      const watermark = toWatermark(row?.rolled_until ?? null);
      const advance = async (to: number) => {
        await trx.updateTable(table).set({ rolled_until: to }).where('host', '=', host).execute();
      };
      // Complete rollups: complete up to any point, so deferring starts at the horizon.
      if (watermark === null) {
        await advance(horizon);
        return { done: true, rows: 0 };
      }
      if (watermark >= horizon) return { done: true, rows: 0 };
      // Through the time index: the range is a few seconds of samples, the host all of them.
      const onHost = sql<boolean>`${dialect.unindexed('host')} = ${host}`;
      const first = await trx
        .selectFrom('monitor_health_metrics')
        .select(sql<Date | number | string | null>`min(timestamp)`.as('at'))
        .where(onHost)
        .where('timestamp', '>=', dialect.toTime(watermark))
        .where('timestamp', '<', dialect.toTime(horizon))
        .executeTakeFirst();
      const firstAt = first?.at === null || first?.at === undefined ? undefined : dialect.fromTime(first.at);
      const to = firstAt === undefined ? horizon : Math.min(horizon, startOfMinute(firstAt) + options.stepMs);
      // Rollup rows at or after the watermark are not read; one left by a rewrite or a retention
      // pass would be stale, so the step's minutes are replaced, not added to.
      await deleteRollupMinutes(trx, dialect, { host, from: watermark, to });
      let rows = 0;
      if (firstAt !== undefined) {
        rows = await insertAggregates(
          trx,
          dialect,
          () =>
            sql<boolean>`${onHost} AND timestamp >= ${dialect.toTime(watermark)} AND timestamp < ${dialect.toTime(to)}`,
          'replace',
        );
      }
      await advance(to);
      return { done: to >= horizon, rows };
    });
    rolled += step.rows;
    if (step.done) return rolled;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
