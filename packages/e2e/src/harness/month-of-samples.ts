import { DatabaseSync } from 'node:sqlite';
import { createSqliteStore } from '@website-monitor/sqlite-store';

const hourMs = 3_600_000;

/**
 * Creates the agent's SQLite file with its schema and `rows` health samples of `container`,
 * spread evenly over the last `hours` (a month at the agent's default cadence is ~370,000), in one
 * statement: the store a read like `hours=744&limit=1` used to load whole.
 */
export async function seedMonthOfSamples(options: {
  readonly path: string;
  /** The agent's host tag (`WEBSITE_MONITOR_HOST`). */
  readonly host: string;
  readonly container: string;
  readonly rows: number;
  readonly hours: number;
  readonly now?: number;
}): Promise<void> {
  const store = createSqliteStore({ path: options.path, host: options.host });
  try {
    await store.migrate();
  } finally {
    await store.close();
  }
  insertSqliteHealthRows({ ...options, idPrefix: 'hostile-seed-' });
}

/**
 * Inserts `rows` health samples of `container` straight into an agent's SQLite file (schema
 * already migrated), spread evenly over the `hours` before `now`, in one statement, then
 * `ANALYZE`. Written behind the store's back: a store that keeps derived tables is told after.
 */
export function insertSqliteHealthRows(options: {
  readonly path: string;
  readonly host: string;
  readonly container: string;
  readonly rows: number;
  readonly hours: number;
  readonly now?: number;
  readonly idPrefix: string;
}): void {
  const database = new DatabaseSync(options.path);
  try {
    const stepMs = Math.floor((options.hours * hourMs) / options.rows);
    database
      .prepare(
        `WITH RECURSIVE series(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM series WHERE i < ?)
         INSERT INTO monitor_health_metrics
           (id, host, container_id, container_name, timestamp, healthy, status, problems, http_status,
            response_time_ms, memory_bytes, memory_limit_bytes, memory_percent, cpu_percent, state,
            exit_code, oom_killed, docker_health, restart_count)
         SELECT ? || i, ?, 'c0ffee', ?, ? - i * ?,
                i % 50 <> 0, CASE WHEN i % 50 <> 0 THEN 'healthy' ELSE 'unhealthy' END,
                CASE WHEN i % 50 <> 0 THEN '[]' ELSE '[{"kind":"http_failed","message":"HTTP 500"}]' END,
                200, (i % 400) + 20, 100000000 + i, 1000000000, (i % 90) + 5, (i % 70) * 0.5, 'running',
                NULL, 0, 'healthy', 0
         FROM series`,
      )
      .run(
        options.rows,
        options.idPrefix,
        options.host,
        options.container,
        options.now ?? Date.now(),
        stepMs,
      );
    database.exec('ANALYZE');
  } finally {
    database.close();
  }
}
