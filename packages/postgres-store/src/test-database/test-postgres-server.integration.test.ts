import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  startTestPostgresServer,
  TEST_POSTGRES_LABEL,
  testPostgresContainer,
} from './test-postgres-server.js';

const run = promisify(execFile);

/** What the fault tests (packages/e2e durability) and testcontainers rely on the local image for. */
describe('the test PostgreSQL server', () => {
  it('with a fixed port: answers, refuses connections once stopped, and answers again at the same address with its data once started', async () => {
    await using server = await startTestPostgresServer({ purpose: 'self-test-fixed-port', fixedPort: true });
    expect(server.adminUrl).toBe(`postgres://test:test@127.0.0.1:${server.port}/postgres`);
    const published = async () =>
      (
        await run('docker', [
          'ps',
          '--filter',
          `label=${TEST_POSTGRES_LABEL}=self-test-fixed-port`,
          '--format',
          '{{.Ports}}',
        ])
      ).stdout.trim();
    // On the loopback only, not on every interface as testcontainers would publish it.
    expect(await published()).toBe(`127.0.0.1:${server.port}->5432/tcp`);
    const url = await server.createDatabase('kept_across_restart');
    await query(url, 'CREATE TABLE kept (id int); INSERT INTO kept VALUES (7)');
    expect(await server.accepting()).toBe(true);

    await server.stop();
    expect(await server.accepting()).toBe(false);
    await expect(query(url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED|ECONNRESET|terminat/);

    await server.start();
    expect(await server.accepting()).toBe(true);
    expect(await query(url, 'SELECT id FROM kept')).toEqual([{ id: 7 }]);
    expect(await published()).toBe(`127.0.0.1:${server.port}->5432/tcp`);
  });

  it('restarting with the engine (the shared server): comes back by itself at the same address when its process dies', async () => {
    await using server = await startTestPostgresServer({
      purpose: 'self-test-restart-with-engine',
      restartWithEngine: true,
    });
    const inspect = async (format: string) =>
      (
        await run('docker', [
          'inspect',
          '--format',
          format,
          (
            await run('docker', [
              'ps',
              '-q',
              '--filter',
              `label=${TEST_POSTGRES_LABEL}=self-test-restart-with-engine`,
            ])
          ).stdout.trim(),
        ])
      ).stdout.trim();
    // What brings it back when dockerd restarts (engine-outage.integration.test.ts restarts it).
    expect(await inspect('{{.HostConfig.RestartPolicy.Name}}')).toBe('unless-stopped');
    const url = await server.createDatabase('kept_across_crash');
    await query(url, 'CREATE TABLE kept (id int); INSERT INTO kept VALUES (9)');

    // The container's main process killed from the host, as an engine shutdown would end it.
    const pid = Number(await inspect('{{.State.Pid}}'));
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    const deadline = Date.now() + 30_000;
    while (!(await server.accepting())) {
      expect(Date.now(), 'the server came back within 30 s').toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await query(url, 'SELECT id FROM kept')).toEqual([{ id: 9 }]);
    expect(Number(await inspect('{{.RestartCount}}'))).toBeGreaterThanOrEqual(1);
  });

  it("serves testcontainers' PostgreSQL module with its own defaults: health check, credentials, psql in the container", async () => {
    await using container = await testPostgresContainer('self-test-module-defaults').start();
    const inspected = await run('docker', [
      'inspect',
      '--format',
      '{{.State.Health.Status}}',
      container.getId(),
    ]);
    expect(inspected.stdout.trim()).toBe('healthy');
    expect(
      await query(container.getConnectionUri(), 'SELECT current_user AS user, current_database() AS db'),
    ).toEqual([{ user: 'test', db: 'test' }]);
    const wrong = new URL(container.getConnectionUri());
    wrong.password = 'not-the-password';
    await expect(query(wrong.toString(), 'SELECT 1')).rejects.toThrow(/password authentication failed/);
    // snapshot() runs psql inside the container, as the module's users may.
    await container.snapshot();
    expect(
      await query(
        container.getConnectionUri(),
        "SELECT datname FROM pg_database WHERE datistemplate AND datname = 'migrated_template'",
      ),
    ).toEqual([{ datname: 'migrated_template' }]);
  });
});

async function query(url: string, text: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const result = await client.query(text);
    return (Array.isArray(result) ? result.at(-1) : result).rows;
  } finally {
    await client.end().catch(() => {});
  }
}
