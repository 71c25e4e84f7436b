import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { SqlDialect } from '../dialect/sql-dialect.js';

/**
 * The first schema. Written once against kysely's schema builder; the column types come from
 * the dialect, so PostgreSQL gets timestamptz/jsonb/boolean and SQLite INTEGER/TEXT.
 * `Kysely<any>` because a migration must keep working when the Database type moves on.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time, not typed by today's schema
type AnyDb = Kysely<any>;

export function initMigration(dialect: SqlDialect): Migration {
  const t = dialect.types;
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('monitor_incidents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('container_id', 'text', (c) => c.notNull())
        .addColumn('container_name', 'text', (c) => c.notNull())
        .addColumn('timestamp', t.timestamp, (c) => c.notNull())
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('exit_code', 'integer')
        .addColumn('oom_killed', t.boolean, (c) => c.notNull())
        .addColumn('problems', t.json, (c) => c.notNull())
        .addColumn('diagnosis', t.json)
        .addColumn('diagnosis_source', 'text')
        .addColumn('diagnosis_confidence', t.double)
        .addColumn('recommended_action', 'text')
        .addColumn('urgency', 'text')
        .addColumn('actions_taken', t.json, (c) => c.notNull())
        .addColumn('auto_healed', t.boolean, (c) => c.notNull())
        .addColumn('escalation_reason', 'text')
        .addColumn('resolved_at', t.timestamp)
        .addColumn('time_to_recover_ms', t.bigint)
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
      // Newest first across all containers (seed query 1), and "last N hours of one container".
      await db.schema
        .createIndex('monitor_incidents_timestamp_idx')
        .on('monitor_incidents')
        .column('timestamp')
        .execute();
      await db.schema
        .createIndex('monitor_incidents_container_idx')
        .on('monitor_incidents')
        .columns(['host', 'container_name', 'timestamp'])
        .execute();
      // Restoring open incidents after a restart reads by status.
      await db.schema
        .createIndex('monitor_incidents_status_idx')
        .on('monitor_incidents')
        .columns(['host', 'status'])
        .execute();

      await db.schema
        .createTable('monitor_health_metrics')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('container_id', 'text', (c) => c.notNull())
        .addColumn('container_name', 'text', (c) => c.notNull())
        .addColumn('timestamp', t.timestamp, (c) => c.notNull())
        .addColumn('healthy', t.boolean, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('problems', t.json, (c) => c.notNull())
        .addColumn('http_status', 'integer')
        .addColumn('response_time_ms', t.double)
        .addColumn('memory_bytes', t.bigint)
        .addColumn('memory_limit_bytes', t.bigint)
        .addColumn('memory_percent', t.double)
        .addColumn('cpu_percent', t.double)
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('exit_code', 'integer')
        .addColumn('oom_killed', t.boolean, (c) => c.notNull())
        .addColumn('docker_health', 'text', (c) => c.notNull())
        .addColumn('restart_count', 'integer', (c) => c.notNull())
        .execute();
      // The last-hour averages (seed query 3) and retention scan by time.
      await db.schema
        .createIndex('monitor_health_metrics_timestamp_idx')
        .on('monitor_health_metrics')
        .column('timestamp')
        .execute();
      await db.schema
        .createIndex('monitor_health_metrics_container_idx')
        .on('monitor_health_metrics')
        .columns(['host', 'container_name', 'timestamp'])
        .execute();

      await db.schema
        .createTable('monitor_healing_actions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('incident_id', 'text', (c) => c.notNull())
        .addColumn('container_id', 'text', (c) => c.notNull())
        .addColumn('container_name', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('decided_by', 'text', (c) => c.notNull())
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('timestamp', t.timestamp, (c) => c.notNull())
        .addColumn('duration_ms', t.bigint)
        .addColumn('detail', 'text')
        .addColumn('error', 'text')
        .execute();
      await db.schema
        .createIndex('monitor_healing_actions_container_idx')
        .on('monitor_healing_actions')
        .columns(['host', 'container_name', 'timestamp'])
        .execute();
      await db.schema
        .createIndex('monitor_healing_actions_incident_idx')
        .on('monitor_healing_actions')
        .columns(['incident_id', 'timestamp'])
        .execute();
      await db.schema
        .createIndex('monitor_healing_actions_timestamp_idx')
        .on('monitor_healing_actions')
        .column('timestamp')
        .execute();

      await db.schema
        .createTable('monitor_approvals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('incident_id', 'text', (c) => c.notNull())
        .addColumn('container_id', 'text', (c) => c.notNull())
        .addColumn('container_name', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('requested_at', t.timestamp, (c) => c.notNull())
        .addColumn('decided_at', t.timestamp)
        .addColumn('decided_by', 'text')
        .execute();
      await db.schema
        .createIndex('monitor_approvals_status_idx')
        .on('monitor_approvals')
        .columns(['host', 'status', 'requested_at'])
        .execute();
      await db.schema
        .createIndex('monitor_approvals_container_idx')
        .on('monitor_approvals')
        .columns(['host', 'container_name', 'requested_at'])
        .execute();

      await db.schema
        .createTable('monitor_container_stats')
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('container_name', 'text', (c) => c.notNull())
        .addColumn('checks', t.bigint, (c) => c.notNull().defaultTo(0))
        .addColumn('failures', t.bigint, (c) => c.notNull().defaultTo(0))
        .addColumn('restarts', t.bigint, (c) => c.notNull().defaultTo(0))
        .addColumn('incidents', t.bigint, (c) => c.notNull().defaultTo(0))
        .addColumn('auto_healed_incidents', t.bigint, (c) => c.notNull().defaultTo(0))
        // Generated, so it can never disagree with the two counters it is made of.
        .addColumn('auto_heal_success_rate', t.double, (c) =>
          c
            .generatedAlwaysAs(
              sql`CASE WHEN incidents > 0 THEN auto_healed_incidents * 100.0 / incidents ELSE NULL END`,
            )
            .stored(),
        )
        .addColumn('last_seen', t.timestamp)
        .addPrimaryKeyConstraint('monitor_container_stats_pk', ['host', 'container_name'])
        .execute();

      await db.schema
        .createTable('monitor_baselines')
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('container_name', 'text', (c) => c.notNull())
        .addColumn('metric', 'text', (c) => c.notNull())
        .addColumn('mean', t.double, (c) => c.notNull())
        .addColumn('variance', t.double, (c) => c.notNull())
        .addColumn('samples', t.bigint, (c) => c.notNull())
        .addColumn('image', 'text')
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('monitor_baselines_pk', ['host', 'container_name', 'metric'])
        .execute();
    },

    async down(db: AnyDb) {
      for (const table of [
        'monitor_baselines',
        'monitor_container_stats',
        'monitor_approvals',
        'monitor_healing_actions',
        'monitor_health_metrics',
        'monitor_incidents',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
