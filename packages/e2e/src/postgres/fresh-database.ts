import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server CI runs on this machine; DATABASE_URL (a user allowed to CREATE DATABASE) overrides it. */
const defaultServer = 'postgres://postgres@127.0.0.1:5432/postgres';

/** An empty database `wm_e2e_<random>` on the shared server, dropped on dispose. */
export interface FreshDatabase extends AsyncDisposable {
  readonly url: string;
  readonly name: string;
}

export async function createFreshDatabase(): Promise<FreshDatabase> {
  const adminUrl = process.env.DATABASE_URL || defaultServer;
  const name = `wm_e2e_${randomBytes(4).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query(statement);
    } finally {
      await client.end().catch(() => {});
    }
  };
  try {
    await admin(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } catch (error) {
    const where = new URL(adminUrl);
    where.password = where.password ? '***' : '';
    throw new Error(
      `cannot create a test database on ${where.toString()}: ${(error as Error).message || String(error)} (set DATABASE_URL to a PostgreSQL server where the user may CREATE DATABASE)`,
    );
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    [Symbol.asyncDispose]: () => admin(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`),
  };
}
