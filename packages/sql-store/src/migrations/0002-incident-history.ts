import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { SqlDialect } from '../dialect/sql-dialect.js';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time, not typed by today's schema
type AnyDb = Kysely<any>;

/**
 * An incident's story: every diagnosis it was given (the refined one does not erase the first)
 * and every time it was reopened. Nullable, so rows written before this migration stay valid.
 */
export function incidentHistoryMigration(dialect: SqlDialect): Migration {
  const t = dialect.types;
  return {
    async up(db: AnyDb) {
      await db.schema.alterTable('monitor_incidents').addColumn('history', t.json).execute();
      await db.schema
        .alterTable('monitor_incidents')
        .addColumn('reopen_count', 'integer', (c) => c.notNull().defaultTo(sql`0`))
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('monitor_incidents').dropColumn('reopen_count').execute();
      await db.schema.alterTable('monitor_incidents').dropColumn('history').execute();
    },
  };
}
