import { defaultMonitorConfig } from '@website-monitor/core';
import { createBenchDatabase } from './bench-database.js';
import type { BenchSession } from './bench-session.js';
import { capacityBatchSize, type FleetCapacity, measureFleetCapacity } from './fleet-capacity.js';
import { type FleetQueries, measureFleetQueries } from './fleet-queries.js';
import { type FleetWrites, measureFleetWrites } from './fleet-writes.js';
import { formatRatio, formatSummary, type ResultRow } from './report.js';
import { summarize } from './summarize.js';

/** Seconds each writer phase of the capacity measurement runs. */
const capacitySeconds = 15;

/**
 * Benchmark 12: a fleet of agents sharing one PostgreSQL (issue 12, item 1), in a fresh database
 * dropped at the end (also on Ctrl-C). First the seed's queries and their per-host versions over
 * one host's rows, then over `hosts` hosts' rows; then what `hosts` agents of `containers`
 * containers each write at the default intervals, beside one such agent; then the rows per second
 * the database takes when `hosts` writers write as fast as they can, beside one writer.
 */
export async function runFleetBenchmarks(options: {
  readonly session: BenchSession;
  readonly hosts: number;
  readonly containers: number;
  readonly rowsPerHost: number;
  readonly writeSeconds: number;
  readonly samples: number;
}): Promise<{ rows: ResultRow[]; notes: string[]; serverVersion: string }> {
  const { session, hosts, containers, writeSeconds } = options;
  const progress = session.progress;
  await using database = await createBenchDatabase();
  session.atCleanUp(async () => {
    await database[Symbol.asyncDispose]();
  });
  const version = await database.pool.query<{ server_version: string }>('SHOW server_version');
  const serverVersion = version.rows[0]?.server_version ?? 'unknown';
  // The schema as an agent creates it: the store's own migrations.
  const { createPostgresStore } = await import('../../packages/postgres-store/src/index.js');
  const migrator = createPostgresStore({ pool: database.pool, host: 'bench-migrate' });
  await migrator.migrate();
  progress(`fleet: database ${database.name}, ${hosts} hosts x ${options.rowsPerHost} health rows`);

  const queries = await measureFleetQueries({
    pool: database.pool,
    hosts,
    containers,
    rowsPerHost: options.rowsPerHost,
    samples: options.samples,
    hostName: (index) => `${session.runId}-host-${index}`,
    progress,
  });

  const count = async (idPrefix: string) => {
    const result = await database.pool.query<{ rows: string }>(
      'SELECT count(*) AS rows FROM monitor_health_metrics WHERE id LIKE $1',
      [`${idPrefix}-%`],
    );
    return Number(result.rows[0]?.rows ?? 0);
  };
  const writes = async (phaseHosts: number, phase: string) => {
    progress(`fleet writes: ${phaseHosts} x ${containers} containers for ${writeSeconds} s`);
    return measureFleetWrites({
      connectionString: database.url,
      hosts: phaseHosts,
      containersPerHost: containers,
      seconds: writeSeconds,
      idPrefix: `${session.runId}-${phase}`,
      count,
    });
  };
  const singleWrites = await writes(1, 'single');
  const fleetWrites = await writes(hosts, 'fleet');
  const capacity = async (writers: number, phase: string) => {
    progress(`fleet capacity: ${writers} writer(s) as fast as they can for ${capacitySeconds} s`);
    return measureFleetCapacity({
      connectionString: database.url,
      writers,
      seconds: capacitySeconds,
      idPrefix: `${session.runId}-${phase}`,
    });
  };
  const singleCapacity = await capacity(1, 'capacity-single');
  const fleetCapacity = await capacity(hosts, 'capacity-fleet');
  await migrator.close();

  const rows = [
    ...writeRows({ single: singleWrites, fleet: fleetWrites }),
    ...capacityRows({ single: singleCapacity, fleet: fleetCapacity, need: fleetWrites }),
    ...queryRows(queries),
  ];
  const notes = [
    `12: a fresh database \`${database.name}\` (dropped after) migrated by the PostgreSQL store; health rows and incidents made on the server with \`INSERT ... SELECT generate_series\` (${containers} containers per host, the same names on every host, samples over 48 h, a tenth as many incidents over 30 days): the first host in ${seconds(queries.singleLoadMs)}, the other ${hosts - 1} in ${seconds(queries.fleetLoadMs)}, each with \`VACUUM ANALYZE\`; each query run once unmeasured, then ${options.samples} times; the per-host queries ask for the first host`,
    `12: plans over the fleet: ${queries.queries.map((query) => `${query.label}: ${query.fleetPlan}`).join('; ')}`,
    `12: the writes ran after the queries, into the tables holding ${hosts} x ${options.rowsPerHost} rows: each simulated agent is the agent's own \`Recorder\` (batches of at most 500, flushed every second) over its own \`createPostgresStore({ connectionString })\`; one health sample per container per check interval (${defaultMonitorConfig().monitoring.defaults.checkIntervalSeconds} s; a passing probe between checks adds no row), the learned baselines upserted after each full pass (${singleWrites.baselinesWritten + fleetWrites.baselinesWritten} baseline rows, ${formatSummary(summarize(fleetWrites.baselineWriteMs), 'ms', 1)} per call over the fleet); rows per \`saveHealthSamples\` call over the fleet ${formatSummary(summarize(fleetWrites.batchRows), 'rows')}; not simulated: host reports (one upsert per host every 15 s) and incidents (none at idle)`,
    ...[...singleWrites.errors, ...fleetWrites.errors]
      .slice(0, 5)
      .map((error) => `12: a store logged ${error}`),
  ];
  return { rows, notes, serverVersion };
}

function writeRows(input: { readonly single: FleetWrites; readonly fleet: FleetWrites }): ResultRow[] {
  const { single, fleet } = input;
  const rate = (writes: FleetWrites) => writes.samplesStored / writes.seconds;
  const offered = (writes: FleetWrites) => writes.samplesOffered / writes.seconds;
  const keepsUp = (writes: FleetWrites) =>
    writes.samplesStored >= writes.samplesOffered && writes.errors.length === 0;
  const fleetLatency = summarize(fleet.sampleWriteMs);
  const singleLatency = summarize(single.sampleWriteMs);
  return [
    {
      measurement: `12. health samples written per second, ${fleet.hosts} agents x ${fleet.containersPerHost} containers at the default intervals for ${fleet.seconds} s (stored / offered; backlog when the window closed); baseline: 1 agent x ${single.containersPerHost}`,
      agent: `${rate(fleet).toFixed(1)} / ${offered(fleet).toFixed(1)} rows/s (backlog ${fleet.backlogAtEnd})`,
      baseline: `${rate(single).toFixed(1)} / ${offered(single).toFixed(1)} rows/s (backlog ${single.backlogAtEnd})`,
      ratio: rate(single) > 0 ? `${(rate(fleet) / rate(single)).toFixed(2)}x` : '–',
      target: 'every offered row stored, no store error',
      met: keepsUp(fleet) && keepsUp(single),
    },
    {
      measurement: `12. one \`saveHealthSamples\` call (a recorder flush) in that window, ${fleet.hosts} agents; baseline: 1 agent`,
      agent: formatSummary(fleetLatency, 'ms', 1),
      baseline: formatSummary(singleLatency, 'ms', 1),
      ratio: formatRatio(fleetLatency, singleLatency),
      target: 'p95 < 1000 ms (the flush interval)',
      met: fleetLatency.p95 < 1000,
    },
  ];
}

function capacityRows(input: {
  readonly single: FleetCapacity;
  readonly fleet: FleetCapacity;
  readonly need: FleetWrites;
}): ResultRow[] {
  const { single, fleet, need } = input;
  const rate = (capacity: FleetCapacity) => capacity.rowsWritten / capacity.seconds;
  const needed = need.samplesOffered / need.seconds;
  const fleetLatency = summarize(fleet.batchMs);
  const singleLatency = summarize(single.batchMs);
  return [
    {
      measurement: `12. capacity: health samples per second with ${fleet.writers} writers as fast as they can (batches of ${capacityBatchSize}, ${Math.round(fleet.seconds)} s; the fleet above needs ${needed.toFixed(0)}/s); baseline: 1 writer`,
      agent: `${Math.round(rate(fleet)).toLocaleString('en-US')} rows/s (${(rate(fleet) / needed).toFixed(0)}x the need)`,
      baseline: `${Math.round(rate(single)).toLocaleString('en-US')} rows/s`,
      ratio: `${(rate(fleet) / rate(single)).toFixed(2)}x`,
      target: '–',
      met: undefined,
    },
    {
      measurement: `12. capacity: one batch of ${capacityBatchSize} with ${fleet.writers} writers; baseline: 1 writer`,
      agent: formatSummary(fleetLatency, 'ms', 1),
      baseline: formatSummary(singleLatency, 'ms', 1),
      ratio: formatRatio(fleetLatency, singleLatency),
      target: '–',
      met: undefined,
    },
  ];
}

function queryRows(queries: FleetQueries): ResultRow[] {
  return queries.queries.map((query) => {
    const fleet = summarize(query.fleetMs);
    const single = summarize(query.singleHostMs);
    return {
      measurement: `12. ${query.perHost ? 'per-host' : 'seed'} query "${query.label}" over ${queries.hosts} hosts x ${queries.rowsPerHost.toLocaleString('en-US')} health rows (${query.fleetRows} rows); baseline: 1 host (${query.singleHostRows} rows)`,
      agent: formatSummary(fleet, 'ms', 2),
      baseline: formatSummary(single, 'ms', 2),
      ratio: formatRatio(fleet, single),
      target: '–',
      met: undefined,
    };
  });
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
