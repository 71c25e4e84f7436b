import type { TestProject } from 'vitest/node';
import { errorFirstLine } from './error-first-line.js';
import type { ProvidedTestPostgres } from './provided-test-postgres.js';
import { startTestPostgresServer, testPostgresImage } from './test-postgres-server.js';

/**
 * vitest global setup of the integration project: one PostgreSQL container for the whole run,
 * shared by every test file that needs a database (each creates its own in it, see
 * test-database.test-helper.ts), removed when the run ends. With DATABASE_URL set the files use
 * that server and no container is started. A server that cannot start fails only the files that
 * need one, with the reason: the other integration tests still run.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (process.env.DATABASE_URL) return undefined;
  const startedAt = performance.now();
  let provided: ProvidedTestPostgres;
  let teardown: (() => Promise<void>) | undefined;
  try {
    const server = await startTestPostgresServer({ purpose: 'shared', restartWithEngine: true });
    provided = { adminUrl: server.adminUrl };
    teardown = () => server.destroy();
    console.log(
      `[postgres] ${testPostgresImage} on 127.0.0.1:${server.port} for this run, started in ${Math.round(performance.now() - startedAt)} ms`,
    );
  } catch (error) {
    provided = { unavailable: `testcontainers ${testPostgresImage} (${errorFirstLine(error)})` };
  }
  project.provide('testPostgres', provided);
  return teardown;
}
