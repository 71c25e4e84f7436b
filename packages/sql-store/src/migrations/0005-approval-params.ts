import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { SqlDialect } from '../dialect/sql-dialect.js';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time, not typed by today's schema
type AnyDb = Kysely<any>;

/**
 * The settings of the step an approval was asked for (`script`, `threshold_percent`, timeout,
 * attempts), as JSON: an approved step runs exactly as it was queued, after an agent restart too
 * (issue 10: approving a queued custom_script ran it without its script). Nullable: requests
 * stored before, and bare steps, have none.
 */
export function approvalParamsMigration(dialect: SqlDialect): Migration {
  const t = dialect.types;
  return {
    async up(db: AnyDb) {
      await db.schema.alterTable('monitor_approvals').addColumn('params', t.json).execute();
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('monitor_approvals').dropColumn('params').execute();
    },
  };
}
