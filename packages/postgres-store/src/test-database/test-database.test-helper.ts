import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { redactConnectionString } from '../redact/redact-connection-string.js';

/**
 * A PostgreSQL database of its own for one test run: found from DATABASE_URL, else the local
 * server CI runs, else a testcontainers PostgreSQL. Never skipped: when none works, it throws
 * one message saying what was tried.
 */
export interface TestDatabase {
  /** Connection string of the fresh database. */
  readonly url: string;
  /** Creates another fresh database on the same server (dropped with this one). */
  createSibling(): Promise<string>;
  drop(): Promise<void>;
}

const localServer = 'postgres://postgres@127.0.0.1:5432/postgres';
const containerImage = process.env.WM_TEST_POSTGRES_IMAGE ?? 'postgres:17-alpine';

async function reachable(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return error instanceof Error
      ? error.message || (error as { code?: string }).code || error.name
      : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const tried: string[] = [];
  let adminUrl: string | undefined;
  let stopContainer: (() => Promise<void>) | undefined;

  const candidates = process.env.DATABASE_URL ? [process.env.DATABASE_URL] : [localServer];
  for (const candidate of candidates) {
    const failure = await reachable(candidate);
    if (failure === undefined) {
      adminUrl = candidate;
      break;
    }
    tried.push(`${redactConnectionString(candidate)} (${failure})`);
  }
  if (adminUrl === undefined && !process.env.DATABASE_URL) {
    process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
    try {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const container = await new PostgreSqlContainer(containerImage).start();
      adminUrl = container.getConnectionUri();
      stopContainer = async () => {
        await container.stop();
      };
    } catch (error) {
      tried.push(
        `testcontainers ${containerImage} (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
      );
    }
  }
  if (adminUrl === undefined) {
    throw new Error(
      `PostgreSQL tests need a server and none was usable. Tried: ${tried.join('; ')}. ` +
        'Set DATABASE_URL to a server where the user may CREATE DATABASE, or make Docker able to run ' +
        `${containerImage} (set WM_TEST_POSTGRES_IMAGE to use another image).`,
    );
  }

  const admin = adminUrl;
  const created: string[] = [];
  const createDatabase = async (): Promise<string> => {
    const name = `wm_test_${randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    created.push(name);
    return withDatabase(admin, name);
  };
  const url = await createDatabase();

  return {
    url,
    createSibling: createDatabase,
    async drop() {
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      try {
        for (const name of created) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
      await stopContainer?.();
    },
  };
}
