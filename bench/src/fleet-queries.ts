import type { PgPool } from './bench-database.js';
import { perHostSeedQueries, seedQueries } from './seed-queries.js';

/** One query's latencies over one host's rows and over the whole fleet's, from the same run. */
export interface FleetQueryLatency {
  readonly label: string;
  /** The query names a host (`$1`): the per-host version of a seed query. */
  readonly perHost: boolean;
  readonly singleHostMs: number[];
  readonly fleetMs: number[];
  readonly singleHostRows: number;
  readonly fleetRows: number;
  /** The plan's scan nodes over the fleet (`EXPLAIN`), e.g. "Index Scan Backward on monitor_incidents_timestamp_idx". */
  readonly fleetPlan: string;
}

export interface FleetQueries {
  readonly hosts: number;
  readonly rowsPerHost: number;
  readonly incidentsPerHost: number;
  /** Loading the first host's rows, then the others' (with `VACUUM ANALYZE` each time). */
  readonly singleLoadMs: number;
  readonly fleetLoadMs: number;
  readonly queries: FleetQueryLatency[];
}

/**
 * The seed's three queries, verbatim, and their per-host versions (`host = $1`), first over one
 * host's rows, then with `hosts - 1` more hosts of the same size loaded into the same tables (the
 * store's schema, migrated): each figure over the fleet has its single-host figure from the same
 * run beside it. Rows are made on the server (`INSERT ... SELECT generate_series`): each host has
 * `containers` containers with the same names (one stack deployed on every node), `rowsPerHost`
 * health samples over the last 48 h and a tenth as many incidents over 30 days, as benchmark 7.
 */
export async function measureFleetQueries(options: {
  readonly pool: PgPool;
  readonly hosts: number;
  readonly containers: number;
  readonly rowsPerHost: number;
  readonly samples: number;
  readonly hostName: (index: number) => string;
  readonly progress: (line: string) => void;
}): Promise<FleetQueries> {
  const { pool, hosts, rowsPerHost, samples, hostName } = options;
  const incidentsPerHost = Math.max(1, Math.round(rowsPerHost / 10));
  const client = await pool.connect();
  try {
    const load = async (from: number, to: number) => {
      const startedAt = performance.now();
      const names = Array.from({ length: to - from }, (_, index) => hostName(from + index));
      await client.query(healthInsert, [rowsPerHost, options.containers, names]);
      await client.query(incidentInsert, [incidentsPerHost, options.containers, names]);
      await client.query('VACUUM ANALYZE monitor_health_metrics');
      await client.query('VACUUM ANALYZE monitor_incidents');
      return performance.now() - startedAt;
    };
    const all = [
      ...seedQueries.map((query) => ({ ...query, perHost: false })),
      ...perHostSeedQueries.map((query) => ({ ...query, perHost: true })),
    ];
    // The per-host queries ask for the first host, which is in both measurements.
    const run = async (query: (typeof all)[number]) => {
      const startedAt = performance.now();
      const result = await client.query(query.sql, query.perHost ? [hostName(0)] : []);
      return { ms: performance.now() - startedAt, rows: result.rowCount ?? 0 };
    };
    const measure = async () => {
      const measured: { ms: number[]; rows: number }[] = [];
      for (const query of all) {
        const warm = await run(query);
        const ms: number[] = [];
        for (let sample = 0; sample < samples; sample++) ms.push((await run(query)).ms);
        measured.push({ ms, rows: warm.rows });
      }
      return measured;
    };

    const singleLoadMs = await load(0, 1);
    options.progress(
      `fleet queries: 1 host, ${rowsPerHost} health rows loaded in ${Math.round(singleLoadMs)} ms`,
    );
    const single = await measure();
    const fleetLoadMs = await load(1, hosts);
    options.progress(
      `fleet queries: ${hosts - 1} more hosts (${(hosts - 1) * rowsPerHost} health rows) loaded in ${Math.round(fleetLoadMs)} ms`,
    );
    const fleet = await measure();
    const queries: FleetQueryLatency[] = [];
    for (const [index, query] of all.entries()) {
      const plan = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN ${query.sql}`,
        query.perHost ? [hostName(0)] : [],
      );
      queries.push({
        label: query.label,
        perHost: query.perHost,
        singleHostMs: single[index]!.ms,
        fleetMs: fleet[index]!.ms,
        singleHostRows: single[index]!.rows,
        fleetRows: fleet[index]!.rows,
        fleetPlan: scanNodes(plan.rows.map((row) => row['QUERY PLAN'])),
      });
    }
    return { hosts, rowsPerHost, incidentsPerHost, singleLoadMs, fleetLoadMs, queries };
  } finally {
    client.release();
  }
}

/** The scan lines of a text plan ("Index Scan using x on t", "Seq Scan on t"), joined. */
function scanNodes(lines: readonly string[]): string {
  const scans = lines
    .map((line) =>
      /(?:->\s*)?((?:Parallel )?(?:Seq Scan|Index Scan(?: Backward)?|Index Only Scan(?: Backward)?|Bitmap Heap Scan|Bitmap Index Scan)[^(]*)/
        .exec(line)?.[1]
        ?.trim(),
    )
    .filter((scan): scan is string => scan !== undefined);
  return scans.join(', ') || 'no scan node';
}

// $1: rows per host, $2: containers per host, $3: the hosts' names. One statement for all hosts.
const healthInsert = `INSERT INTO monitor_health_metrics
   (id, host, container_id, container_name, timestamp, healthy, status, problems, http_status,
    response_time_ms, memory_bytes, memory_limit_bytes, memory_percent, cpu_percent, state,
    exit_code, oom_killed, docker_health, restart_count)
 SELECT 'fleet-sample-' || h.host || '-' || g, h.host, md5(h.host || '-container-' || (g % $2)), 'web-' || (g % $2),
        NOW() - (g::double precision / $1) * INTERVAL '48 hours',
        g % 37 <> 0, CASE WHEN g % 37 = 0 THEN 'unhealthy' ELSE 'healthy' END,
        CASE WHEN g % 37 = 0 THEN '[{"kind":"http_failed","message":"HTTP 500 from http://127.0.0.1:8080/health"}]'::jsonb ELSE '[]'::jsonb END,
        CASE WHEN g % 37 = 0 THEN 500 ELSE 200 END,
        3 + random() * 40, 40000000 + (g % 60000000), 536870912, random() * 20, random() * 100,
        'running', NULL, false, 'healthy', g % 5
 FROM unnest($3::text[]) AS h(host), generate_series(1, $1::integer) AS g`;

const incidentInsert = `INSERT INTO monitor_incidents
   (id, host, container_id, container_name, timestamp, trigger, status, exit_code, oom_killed,
    problems, diagnosis, diagnosis_source, diagnosis_confidence, recommended_action, urgency,
    actions_taken, auto_healed, escalation_reason, resolved_at, time_to_recover_ms, updated_at)
 SELECT 'fleet-incident-' || h.host || '-' || g, h.host, md5(h.host || '-container-' || (g % $2)), 'web-' || (g % $2),
        NOW() - (g::double precision / $1) * INTERVAL '30 days',
        'container_stopped', 'resolved', 1, false,
        '[{"kind":"container_stopped","message":"container exited with code 1"}]'::jsonb,
        '{"summary":"process exited with code 1","source":"rules"}'::jsonb, 'rules', 0.8,
        'restart_container', 'high', '["restart_container"]'::jsonb, g % 10 <> 0,
        CASE WHEN g % 10 = 0 THEN 'restart budget exhausted' END,
        NOW() - (g::double precision / $1) * INTERVAL '30 days' + INTERVAL '2 seconds', 2000,
        NOW() - (g::double precision / $1) * INTERVAL '30 days' + INTERVAL '2 seconds'
 FROM unnest($3::text[]) AS h(host), generate_series(1, $1::integer) AS g`;
