import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { SqlDialect } from '../dialect/sql-dialect.js';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time, not typed by today's schema
type AnyDb = Kysely<any>;

/**
 * `monitor_hosts` (issue 12, item 1: hosts share one PostgreSQL): one row per host name, the
 * latest report of the agent recording under it: the engine it watches (ID and Name), its role,
 * when it started and last reported, and what it watches. Agents sharing the database read it
 * for the fleet view; a host whose `last_seen_at` is old has stopped reporting.
 */
export function monitorHostsMigration(dialect: SqlDialect): Migration {
  const t = dialect.types;
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('monitor_hosts')
        .addColumn('host', 'text', (c) => c.primaryKey())
        .addColumn('engine_id', 'text')
        .addColumn('engine_name', 'text')
        .addColumn('agent_version', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('started_at', t.timestamp, (c) => c.notNull())
        .addColumn('last_seen_at', t.timestamp, (c) => c.notNull())
        .addColumn('containers', 'integer', (c) => c.notNull())
        .addColumn('unhealthy', 'integer', (c) => c.notNull())
        .addColumn('open_incidents', 'integer', (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('monitor_hosts').ifExists().execute();
    },
  };
}
