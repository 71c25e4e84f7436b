import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { SqlDialect } from '../dialect/sql-dialect.js';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time, not typed by today's schema
type AnyDb = Kysely<any>;

/** The raw columns summed per minute, as they were when this migration was written. */
const metricColumns = ['response_time_ms', 'cpu_percent', 'memory_percent', 'memory_bytes'] as const;

/**
 * Per-minute sums of each container's health samples, so a summary of a month reads at most
 * 44,640 rows per container instead of every sample (issue 10: a month of raw rows read by one
 * API call stalled the agent for seconds). Filled here from the rows already stored; the store
 * keeps it current from then on. The backfill is written out here rather than shared with the
 * store, so this migration keeps doing the same thing when the store's code moves on.
 */
export function healthRollupsMigration(dialect: SqlDialect): Migration {
  const t = dialect.types;
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('monitor_health_rollups')
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('container_name', 'text', (c) => c.notNull())
        .addColumn('minute', t.bigint, (c) => c.notNull())
        .addColumn('samples', t.bigint, (c) => c.notNull())
        .addColumn('unhealthy', t.bigint, (c) => c.notNull())
        .$call((builder) => {
          let table = builder;
          for (const metric of metricColumns) {
            table = table
              .addColumn(`${metric}_count`, t.bigint, (c) => c.notNull())
              .addColumn(`${metric}_sum`, t.double, (c) => c.notNull())
              .addColumn(`${metric}_min`, t.double)
              .addColumn(`${metric}_max`, t.double);
          }
          return table;
        })
        .addPrimaryKeyConstraint('monitor_health_rollups_pk', ['host', 'container_name', 'minute'])
        // SQLite keeps a WITHOUT ROWID table in key order: one container's minutes are adjacent.
        .$call((builder) => (dialect.name === 'sqlite' ? builder.modifyEnd(sql`without rowid`) : builder))
        .execute();
      // Retention removes rollups by age across containers.
      await db.schema
        .createIndex('monitor_health_rollups_minute_idx')
        .on('monitor_health_rollups')
        .column('minute')
        .execute();

      const minute = dialect.startOfMinute('timestamp');
      const aggregates = metricColumns.map(
        (metric) =>
          sql`count(${sql.ref(metric)}), coalesce(sum(${sql.ref(metric)}), 0), min(${sql.ref(metric)}), max(${sql.ref(metric)})`,
      );
      const columns = metricColumns.flatMap((metric) =>
        ['count', 'sum', 'min', 'max'].map((part) => sql.ref(`${metric}_${part}`)),
      );
      await sql`
        INSERT INTO monitor_health_rollups
          (host, container_name, minute, samples, unhealthy, ${sql.join(columns)})
        SELECT host, container_name, ${minute}, count(*),
               sum(CASE WHEN healthy THEN 0 ELSE 1 END), ${sql.join(aggregates)}
        FROM monitor_health_metrics
        GROUP BY host, container_name, ${minute}`.execute(db);
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('monitor_health_rollups').ifExists().execute();
    },
  };
}
