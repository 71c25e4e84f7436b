import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { redactConnectionString } from '../redact/redact-connection-string.js';
import { errorFirstLine } from './error-first-line.js';
import type { ProvidedTestPostgres } from './provided-test-postgres.js';
import { startTestPostgresServer, testPostgresImage } from './test-postgres-server.js';

/**
 * An empty PostgreSQL database of the test file's own, `wm_test_<random>`, dropped on dispose.
 * The server: DATABASE_URL when set (a user allowed to CREATE DATABASE: for machines without
 * Docker), else the run's shared testcontainers PostgreSQL (test-postgres.global-setup.ts), else,
 * in a vitest project without that global setup, a container for this file alone. Never skipped:
 * when no server is usable it throws one message saying what was tried.
 */
export interface TestDatabase extends AsyncDisposable {
  /** Connection string of the fresh database. */
  readonly url: string;
  readonly name: string;
  /** Creates another fresh database on the same server (dropped with this one). */
  createSibling(): Promise<string>;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const server = await testServer();
  const created: string[] = [];
  const admin = async (statement: string) => {
    // The shared server restarts with the engine (engine-outage restarts dockerd): a file that
    // starts meanwhile waits for it instead of failing on a refused connection.
    const deadline = Date.now() + serverRestartGraceMs;
    for (;;) {
      const client = new pg.Client({ connectionString: server.adminUrl, connectionTimeoutMillis: 5000 });
      try {
        await client.connect();
        await client.query(statement);
        return;
      } catch (error) {
        if (!serverNotUpYet(error) || Date.now() > deadline) throw error;
      } finally {
        await client.end().catch(() => {});
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  const createDatabase = async (): Promise<{ name: string; url: string }> => {
    const name = `wm_test_${randomBytes(6).toString('hex')}`;
    await admin(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    created.push(name);
    const url = new URL(server.adminUrl);
    url.pathname = `/${name}`;
    return { name, url: url.toString() };
  };
  let first: { name: string; url: string };
  try {
    first = await createDatabase();
  } catch (error) {
    await server.release();
    throw new Error(
      `cannot create a test database on ${redactConnectionString(server.adminUrl)}: ${errorFirstLine(error)}` +
        (process.env.DATABASE_URL ? ' (DATABASE_URL must name a user allowed to CREATE DATABASE)' : ''),
    );
  }
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    try {
      for (const name of created)
        await admin(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    } finally {
      await server.release();
    }
  };
  return {
    ...first,
    createSibling: async () => (await createDatabase()).url,
    drop,
    [Symbol.asyncDispose]: drop,
  };
}

/** How long a database request waits for a server that is restarting (an engine restart). */
const serverRestartGraceMs = 45_000;

/** Refused (the container is not up yet) or PostgreSQL's 57P03 "the database system is starting up". */
function serverNotUpYet(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === '57P03';
}

interface TestServer {
  readonly adminUrl: string;
  /** Stops a container started for this file alone; nothing for a server others share. */
  release(): Promise<void>;
}

async function testServer(): Promise<TestServer> {
  const fromEnvironment = process.env.DATABASE_URL;
  if (fromEnvironment) {
    const failure = await connectionFailure(fromEnvironment);
    if (failure !== undefined) {
      throw unusable(`DATABASE_URL=${redactConnectionString(fromEnvironment)} (${failure})`);
    }
    return { adminUrl: fromEnvironment, release: async () => {} };
  }
  // `inject` has nothing when the vitest project runs without the global setup.
  const shared = inject('testPostgres') as ProvidedTestPostgres | undefined;
  if (shared?.adminUrl !== undefined) return { adminUrl: shared.adminUrl, release: async () => {} };
  if (shared?.unavailable !== undefined) throw unusable(shared.unavailable);
  try {
    const own = await startTestPostgresServer({ purpose: 'file' });
    return { adminUrl: own.adminUrl, release: () => own.destroy() };
  } catch (error) {
    throw unusable(`testcontainers ${testPostgresImage} (${errorFirstLine(error)})`);
  }
}

function unusable(tried: string): Error {
  const hint = process.env.DATABASE_URL
    ? 'DATABASE_URL must name a PostgreSQL server that answers, where the user may CREATE DATABASE ' +
      `(unset, the tests start ${testPostgresImage} with testcontainers).`
    : `Build the local image with test-image/postgres/build.sh (scripts/setup.sh does) for Docker to run ${testPostgresImage}, ` +
      'or set DATABASE_URL to a PostgreSQL server where the user may CREATE DATABASE.';
  return new Error(`PostgreSQL tests need a server and none was usable. Tried: ${tried}. ${hint}`);
}

async function connectionFailure(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return errorFirstLine(error);
  } finally {
    await client.end().catch(() => {});
  }
}
