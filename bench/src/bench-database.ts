import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { CreatePostgresStoreOptions } from '../../packages/postgres-store/src/index.js';

/** `pg.Pool`, named through the store's options (the bench has no `pg` dependency of its own). */
export type PgPool = NonNullable<CreatePostgresStoreOptions['pool']>;

// `pg` as the PostgreSQL store itself loads it (the bench adds no driver of its own).
const requireFromPostgresStore = createRequire(
  new URL('../../packages/postgres-store/package.json', import.meta.url),
);
const { Pool } = requireFromPostgresStore('pg') as { Pool: new (config: object) => PgPool };

export const benchServerUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase extends AsyncDisposable {
  readonly name: string;
  /** The database's own URL, for stores that build their pool from a connection string. */
  readonly url: string;
  readonly pool: PgPool;
}

/**
 * A fresh `wm_bench_<random>` database on the local server, dropped (with its connections) on
 * dispose, so a bench never sees another run's rows and leaves nothing behind.
 */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `wm_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Pool({ connectionString: benchServerUrl, max: 1 });
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    await admin.end();
    throw new Error(`cannot create a database on ${benchServerUrl}: ${(error as Error).message}`);
  }
  const url = new URL(benchServerUrl);
  url.pathname = `/${name}`;
  const pool = new Pool({ connectionString: url.href, max: 10 });
  let dropped: Promise<void> | undefined;
  return {
    name,
    url: url.href,
    pool,
    // Once, however often it is called (the `await using` and the bench's Ctrl-C clean-up).
    [Symbol.asyncDispose]() {
      dropped ??= (async () => {
        await pool.end().catch(() => undefined);
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      })();
      return dropped;
    },
  };
}
