import type { PgPool } from './bench-database.js';

/** The seed's three queries, verbatim: they must run unchanged against our schema. */
export const seedQueries = [
  {
    label: 'latest 10 incidents',
    sql: 'SELECT * FROM monitor_incidents ORDER BY timestamp DESC LIMIT 10;',
  },
  {
    label: 'incidents and auto-heal rate per container',
    sql: 'SELECT container_name, COUNT(*) as total_incidents, SUM(CASE WHEN auto_healed THEN 1 ELSE 0 END)::float / COUNT(*) * 100 as success_rate_percent FROM monitor_incidents GROUP BY container_name;',
  },
  {
    label: 'last-hour response times per container',
    sql: "SELECT container_name, AVG(response_time_ms) as avg_response_ms, MAX(response_time_ms) as max_response_ms FROM monitor_health_metrics WHERE timestamp > NOW() - INTERVAL '1 hour' GROUP BY container_name;",
  },
] as const;

/**
 * The seed's queries for one host of a fleet sharing the database (issue 12, item 1): each one
 * as written, with `host = $1` added to its filter.
 */
export const perHostSeedQueries = [
  {
    label: 'latest 10 incidents of one host',
    sql: 'SELECT * FROM monitor_incidents WHERE host = $1 ORDER BY timestamp DESC LIMIT 10;',
  },
  {
    label: 'incidents and auto-heal rate per container of one host',
    sql: 'SELECT container_name, COUNT(*) as total_incidents, SUM(CASE WHEN auto_healed THEN 1 ELSE 0 END)::float / COUNT(*) * 100 as success_rate_percent FROM monitor_incidents WHERE host = $1 GROUP BY container_name;',
  },
  {
    label: 'last-hour response times per container of one host',
    sql: "SELECT container_name, AVG(response_time_ms) as avg_response_ms, MAX(response_time_ms) as max_response_ms FROM monitor_health_metrics WHERE host = $1 AND timestamp > NOW() - INTERVAL '1 hour' GROUP BY container_name;",
  },
] as const;

export interface SeedQueryLatency {
  readonly label: string;
  readonly indexedMs: number[];
  readonly unindexedMs: number[];
  /** Rows the query returned (the same on both tables, checked). */
  readonly rows: number;
}

export interface SeedQueryResult {
  readonly healthRows: number;
  readonly incidentRows: number;
  readonly loadMs: number;
  readonly queries: SeedQueryLatency[];
}

/** The baseline's schema: the same tables and rows, without the migration's indexes (or keys). */
const unindexedSchema = 'bench_unindexed';

/**
 * Loads the tables the store's migration created (in `public`) with `healthRows` health samples
 * (50 containers, timestamps spread evenly over the last 48 h, so "last hour" keeps ~1/48) and
 * `incidentRows` incidents (over the last 30 days), in SQL with `generate_series` rather than
 * through the store, then copies both into a schema whose tables have no index. After `ANALYZE`,
 * each query runs `samples` times on each, alternating, after one unmeasured run each.
 */
export async function measureSeedQueries(options: {
  readonly pool: PgPool;
  readonly healthRows: number;
  readonly incidentRows: number;
  readonly samples: number;
  readonly progress: (line: string) => void;
}): Promise<SeedQueryResult> {
  const client = await options.pool.connect();
  try {
    const loadStartedAt = performance.now();
    await client.query('TRUNCATE monitor_health_metrics, monitor_incidents');
    await client.query(
      `INSERT INTO monitor_health_metrics
         (id, host, container_id, container_name, timestamp, healthy, status, problems, http_status,
          response_time_ms, memory_bytes, memory_limit_bytes, memory_percent, cpu_percent, state,
          exit_code, oom_killed, docker_health, restart_count)
       SELECT 'seed-sample-' || g, 'bench-host', md5('container-' || (g % 50)), 'web-' || (g % 50),
              NOW() - (g::double precision / $1) * INTERVAL '48 hours',
              g % 37 <> 0, CASE WHEN g % 37 = 0 THEN 'unhealthy' ELSE 'healthy' END,
              CASE WHEN g % 37 = 0 THEN '[{"kind":"http_failed","message":"HTTP 500 from http://127.0.0.1:8080/health"}]'::jsonb ELSE '[]'::jsonb END,
              CASE WHEN g % 37 = 0 THEN 500 ELSE 200 END,
              3 + random() * 40, 40000000 + (g % 60000000), 536870912, random() * 20, random() * 100,
              'running', NULL, false, 'healthy', g % 5
       FROM generate_series(1, $1::integer) AS g`,
      [options.healthRows],
    );
    await client.query(
      `INSERT INTO monitor_incidents
         (id, host, container_id, container_name, timestamp, trigger, status, exit_code, oom_killed,
          problems, diagnosis, diagnosis_source, diagnosis_confidence, recommended_action, urgency,
          actions_taken, auto_healed, escalation_reason, resolved_at, time_to_recover_ms, updated_at)
       SELECT 'seed-incident-' || g, 'bench-host', md5('container-' || (g % 50)), 'web-' || (g % 50),
              NOW() - (g::double precision / $1) * INTERVAL '30 days',
              'container_stopped', 'resolved', 1, false,
              '[{"kind":"container_stopped","message":"container exited with code 1"}]'::jsonb,
              '{"summary":"process exited with code 1","source":"rules"}'::jsonb, 'rules', 0.8,
              'restart_container', 'high', '["restart_container"]'::jsonb, g % 10 <> 0,
              CASE WHEN g % 10 = 0 THEN 'restart budget exhausted' END,
              NOW() - (g::double precision / $1) * INTERVAL '30 days' + INTERVAL '2 seconds', 2000,
              NOW() - (g::double precision / $1) * INTERVAL '30 days' + INTERVAL '2 seconds'
       FROM generate_series(1, $1::integer) AS g`,
      [options.incidentRows],
    );
    await client.query(`DROP SCHEMA IF EXISTS ${unindexedSchema} CASCADE`);
    await client.query(`CREATE SCHEMA ${unindexedSchema}`);
    for (const table of ['monitor_health_metrics', 'monitor_incidents']) {
      // LIKE without INCLUDING INDEXES: same columns and types, no primary key, no index.
      await client.query(`CREATE TABLE ${unindexedSchema}.${table} (LIKE public.${table})`);
      await client.query(`INSERT INTO ${unindexedSchema}.${table} SELECT * FROM public.${table}`);
    }
    await client.query('VACUUM ANALYZE monitor_health_metrics');
    await client.query('VACUUM ANALYZE monitor_incidents');
    await client.query(`VACUUM ANALYZE ${unindexedSchema}.monitor_health_metrics`);
    await client.query(`VACUUM ANALYZE ${unindexedSchema}.monitor_incidents`);
    const loadMs = performance.now() - loadStartedAt;
    options.progress(
      `seed queries: loaded ${options.healthRows} health rows and ${options.incidentRows} incidents in ${Math.round(loadMs)} ms`,
    );

    const queries: SeedQueryLatency[] = [];
    for (const query of seedQueries) {
      // The verbatim SQL names no schema: the search path picks the indexed or the bare table.
      const run = async (schema: string) => {
        await client.query(`SET search_path TO ${schema}`);
        const startedAt = performance.now();
        const result = await client.query(query.sql);
        return { ms: performance.now() - startedAt, rows: result.rowCount ?? 0 };
      };
      const warmIndexed = await run('public');
      const warmUnindexed = await run(unindexedSchema);
      if (warmIndexed.rows !== warmUnindexed.rows) {
        throw new Error(
          `seed query "${query.label}" returned ${warmIndexed.rows} rows with indexes, ${warmUnindexed.rows} without`,
        );
      }
      const latency: SeedQueryLatency = {
        label: query.label,
        indexedMs: [],
        unindexedMs: [],
        rows: warmIndexed.rows,
      };
      for (let sample = 0; sample < options.samples; sample++) {
        latency.indexedMs.push((await run('public')).ms);
        latency.unindexedMs.push((await run(unindexedSchema)).ms);
      }
      queries.push(latency);
    }
    await client.query('SET search_path TO public');
    return { healthRows: options.healthRows, incidentRows: options.incidentRows, loadMs, queries };
  } finally {
    client.release();
  }
}
