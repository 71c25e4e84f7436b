import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { SqlDialect } from '../dialect/sql-dialect.js';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time, not typed by today's schema
type AnyDb = Kysely<any>;

/**
 * One row per Docker engine (by its `docker info` ID): which agent process may act on it, until
 * when. Agents sharing the database compare-and-set this row, so two of them never heal the same
 * engine (issue 10: two agents restarted one container twice per failure). Times are
 * milliseconds of the database's own clock in both dialects, so agents on machines whose clocks
 * disagree still agree on expiry.
 */
export function engineLeaseMigration(dialect: SqlDialect): Migration {
  const t = dialect.types;
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('monitor_engine_leases')
        .addColumn('engine_id', 'text', (c) => c.primaryKey())
        .addColumn('holder_id', 'text', (c) => c.notNull())
        .addColumn('holder_host', 'text', (c) => c.notNull())
        .addColumn('holder_pid', t.bigint, (c) => c.notNull())
        .addColumn('holder_started_at', t.bigint, (c) => c.notNull())
        .addColumn('holder_store', 'text')
        .addColumn('term', t.bigint, (c) => c.notNull())
        .addColumn('acquired_at', t.bigint, (c) => c.notNull())
        .addColumn('renewed_at', t.bigint, (c) => c.notNull())
        .addColumn('expires_at', t.bigint, (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('monitor_engine_leases').ifExists().execute();
    },
  };
}
