import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger, Store } from '@website-monitor/core';
import { MemoryStore } from '@website-monitor/core/testing';
// Relative imports: the bench runs from source and these packages are not among its dependencies.
import { createPostgresStore } from '../../packages/postgres-store/src/index.js';
import { createSqliteStore } from '../../packages/sqlite-store/src/index.js';
import { createSpooledStore } from '../../packages/store-spool/src/index.js';
import { createBenchDatabase } from './bench-database.js';
import { measureSeedQueries, type SeedQueryResult } from './seed-queries.js';
import { measureStoreThroughput, type StoreThroughput, type ThroughputPlan } from './store-throughput.js';

/** The write plan of benchmark 6: batched health samples, one row per call, then incidents. */
export const storePlan: ThroughputPlan = {
  rounds: 10,
  batchedRows: 10_000,
  batchSize: 500,
  unbatchedRows: 300,
  incidents: 200,
};

export interface StoreBenchmarks {
  readonly databaseName: string;
  /** `SHOW server_version`. */
  readonly serverVersion: string;
  readonly plan: ThroughputPlan;
  readonly throughput: StoreThroughput[];
  readonly seedQueries: SeedQueryResult;
  /** Errors and warnings the stores logged while measured (a spooled write would be one). */
  readonly storeLog: string[];
}

/**
 * Every store the agent can use, each freshly created and migrated: in memory, SQLite in a
 * temporary file, PostgreSQL in a fresh database, and PostgreSQL behind the on-disk spool (as the
 * CLI runs it). Then the seed queries over a large table in the same database. The database and
 * the temporary files are removed afterwards, also on failure.
 */
export async function measureStores(options: {
  readonly runId: string;
  readonly plan: ThroughputPlan;
  readonly healthRows: number;
  readonly incidentRows: number;
  readonly querySamples: number;
  readonly progress: (line: string) => void;
}): Promise<StoreBenchmarks> {
  const folder = mkdtempSync(join(tmpdir(), 'website-monitor-bench-stores-'));
  const storeLog: string[] = [];
  const logger: Logger = {
    log(level, event, fields) {
      if (level === 'error' || level === 'warn')
        storeLog.push(`${level} ${event} ${JSON.stringify(fields ?? {})}`);
    },
  };
  try {
    await using database = await createBenchDatabase();
    options.progress(`stores: database ${database.name}, files in ${folder}`);
    const version = await database.pool.query<{ server_version: string }>('SHOW server_version');
    const serverVersion = version.rows[0]?.server_version ?? 'unknown';
    const throughput: StoreThroughput[] = [];
    const measure = async (name: string, store: Store) => {
      try {
        throughput.push(
          await measureStoreThroughput({
            name,
            store,
            plan: options.plan,
            runId: options.runId,
            progress: options.progress,
          }),
        );
      } finally {
        await store.close();
      }
    };

    await measure('MemoryStore', new MemoryStore());

    const sqlite = createSqliteStore({ path: join(folder, 'bench.db'), host: 'bench-host', logger });
    await sqlite.migrate();
    await measure('SQLite (file, WAL)', sqlite);

    const postgres = createPostgresStore({ pool: database.pool, host: 'bench-host', logger });
    await postgres.migrate();
    await measure('PostgreSQL', postgres);

    await measure(
      'PostgreSQL through the spool',
      createSpooledStore({
        store: createPostgresStore({ pool: database.pool, host: 'bench-host', logger }),
        path: join(folder, 'spool.db'),
        maxBytes: 64 * 1024 * 1024,
        logger,
      }),
    );

    const seedQueries = await measureSeedQueries({
      pool: database.pool,
      healthRows: options.healthRows,
      incidentRows: options.incidentRows,
      samples: options.querySamples,
      progress: options.progress,
    });
    return {
      databaseName: database.name,
      serverVersion,
      plan: options.plan,
      throughput,
      seedQueries,
      storeLog,
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
