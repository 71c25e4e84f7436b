import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { SqlDialect } from '../dialect/sql-dialect.js';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time, not typed by today's schema
type AnyDb = Kysely<any>;

/**
 * Per-host watermark of `monitor_health_rollups` (issue 10: keeping the rollups current in every
 * sample write cost 40 % of the write throughput). Minutes before `rolled_until` are rolled up;
 * later samples are read raw by summaries and rolled in bulk, set-based, every few seconds. No
 * backfill: a host without a row (NULL) has complete rollups, as migration 0004 left them.
 */
export function rollupWatermarkMigration(dialect: SqlDialect): Migration {
  const t = dialect.types;
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('monitor_health_rollup_watermarks')
        .addColumn('host', 'text', (c) => c.primaryKey())
        .addColumn('rolled_until', t.bigint)
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('monitor_health_rollup_watermarks').ifExists().execute();
    },
  };
}
