import { createServer } from 'node:net';
import { PostgreSqlContainer, type StartedPostgreSqlContainer } from '@testcontainers/postgresql';
import pg from 'pg';
import { getContainerRuntimeClient, PullPolicy, Wait } from 'testcontainers';

/**
 * The image the tests' PostgreSQL runs: built on this machine from its PostgreSQL 15 server by
 * test-image/postgres/build.sh (scripts/setup.sh runs it), never pulled.
 */
export const testPostgresImage = process.env.WM_TEST_POSTGRES_IMAGE ?? 'website-monitor-postgres:local';

/**
 * On every test PostgreSQL container, so a person can find what a killed run left behind:
 * `docker rm -f $(docker ps -aq --filter label=website-monitor-test-postgres)`. Not the
 * `website-monitor-test` label of the app containers: their cleanup must not remove a server
 * other test files still use.
 */
export const TEST_POSTGRES_LABEL = 'website-monitor-test-postgres';

/** A PostgreSQL server in a container of its own, reached on 127.0.0.1. */
export interface TestPostgresServer extends AsyncDisposable {
  /** A superuser's URL to the `postgres` database: `postgres://test:test@127.0.0.1:<port>/postgres`. */
  readonly adminUrl: string;
  /** The host port, on 127.0.0.1. */
  readonly port: number;
  /** The same server and credentials, another database. */
  url(database: string): string;
  /** Creates an empty database and gives its URL. */
  createDatabase(name: string): Promise<string>;
  /**
   * `docker stop`: the image's stop signal (SIGINT) is PostgreSQL's fast shutdown, so connections
   * are cut at once and new ones refused until `start`. The container and its data stay.
   */
  stop(): Promise<void>;
  /** `docker start` of the same container, waiting until it accepts connections again. */
  start(): Promise<void>;
  /** Whether a connection succeeds right now. */
  accepting(): Promise<boolean>;
  /** Stops and removes the container. */
  destroy(): Promise<void>;
}

export interface StartTestPostgresServerOptions {
  /**
   * Publish on a port chosen now and kept, so the server has the same address after `stop` and
   * `start` (Docker gives an ephemeral host port a new number on every start). Default: an
   * ephemeral port, for a server that is never stopped.
   */
  readonly fixedPort?: boolean;
  /**
   * Come back when the Docker engine restarts (restart policy `unless-stopped`, on a fixed port):
   * for the run's shared server, which must outlive engine-outage.integration.test.ts restarting
   * dockerd (without it every later file found the server gone: ECONNREFUSED). `stop` still
   * stops it for good until `start`.
   */
  readonly restartWithEngine?: boolean;
  /** The label's value: what the server is for (`shared`, `durability`...). */
  readonly purpose: string;
}

/** How long `start` waits for the server to accept connections again. */
const restartTimeoutMs = 30_000;

/** The local image in testcontainers' PostgreSQL module (see `testPostgresContainer`), tuned for tests. */
export async function startTestPostgresServer(
  options: StartTestPostgresServerOptions,
): Promise<TestPostgresServer> {
  const container = testPostgresContainer(options.purpose)
    // The tests make their own databases from `postgres`: the image then creates none at init.
    .withDatabase('postgres')
    // The durability under test is the agent's, not this server's: no fsync (stops are clean).
    .withEnvironment({ POSTGRES_INITDB_ARGS: '--no-sync' })
    .withCommand(['postgres', '-c', 'fsync=off'])
    // The module's default waits on a health check run every 250 ms (a `docker exec` of
    // pg_isready, for as long as the container lives) and on port checks that exec three shells
    // each try: on a 2-core machine they slowed initdb down by seconds. Here the health check
    // runs twice a minute (the module adds its own when none is set), and the wait is for the
    // line the local image logs once, when the real server is up (it starts no temporary server).
    .withHealthCheck({ test: ['CMD', 'pg_isready', '--quiet', '--host', 'localhost'], interval: 30_000 })
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/));
  // PostgreSqlContainer exposes 5432 on an ephemeral port; this binding replaces it.
  if (options.fixedPort || options.restartWithEngine) {
    container.withExposedPorts({ container: 5432, host: await freeLoopbackPort() });
  }
  if (options.restartWithEngine) container.restartWithEngine();
  return testPostgresServer(await container.start());
}

/**
 * testcontainers' PostgreSQL module as it comes (its wait strategy, health check, user, password
 * and database `test`), on the local image, never pulled, labelled, published on 127.0.0.1 only.
 * Ryuk is disabled (its image cannot be pulled either): whoever starts a server destroys it, and
 * the label finds what a killed run left. testcontainers is told the host is 127.0.0.1, where its
 * port checks must knock (run inside a container it would otherwise pick the bridge gateway).
 */
export function testPostgresContainer(purpose: string): LoopbackPostgreSqlContainer {
  // Read by testcontainers the first time it starts a container in this process; kept if set.
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
  return new LoopbackPostgreSqlContainer(testPostgresImage)
    .withPullPolicy(PullPolicy.neverPull())
    .withLabels({ [TEST_POSTGRES_LABEL]: purpose });
}

function testPostgresServer(container: StartedPostgreSqlContainer): TestPostgresServer {
  const port = container.getPort();
  const url = (database: string) => {
    const address = new URL(`postgres://127.0.0.1:${port}`);
    address.username = container.getUsername();
    address.password = container.getPassword();
    address.pathname = `/${database}`;
    return address.toString();
  };
  const adminUrl = url('postgres');
  const accepting = async () => {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  };
  const dockerContainer = async () => {
    const client = await getContainerRuntimeClient();
    return { client, container: client.container.getById(container.getId()) };
  };
  let destroyed = false;
  const destroy = async () => {
    if (destroyed) return;
    destroyed = true;
    await container.stop({ remove: true, removeVolumes: true });
  };
  return {
    adminUrl,
    port,
    url,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async stop() {
      const docker = await dockerContainer();
      await docker.client.container.stop(docker.container, { timeout: restartTimeoutMs });
    },
    async start() {
      const docker = await dockerContainer();
      await docker.client.container.start(docker.container);
      const deadline = Date.now() + restartTimeoutMs;
      while (!(await accepting())) {
        if (Date.now() > deadline) {
          throw new Error(
            `PostgreSQL at 127.0.0.1:${port} did not accept connections ${restartTimeoutMs} ms after docker start`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    accepting,
    destroy,
    [Symbol.asyncDispose]: destroy,
  };
}

/**
 * testcontainers publishes on every interface and offers no host IP: the binding is narrowed to
 * the loopback just before the container is created (the hook subclasses are given for this).
 */
export class LoopbackPostgreSqlContainer extends PostgreSqlContainer {
  /** testcontainers has no builder for a restart policy: it is set on the host config directly. */
  restartWithEngine(): this {
    this.hostConfig.RestartPolicy = { Name: 'unless-stopped' };
    return this;
  }

  protected override async beforeContainerCreated(): Promise<void> {
    for (const bindings of Object.values(this.hostConfig.PortBindings ?? {})) {
      for (const binding of bindings as { HostIp?: string }[]) binding.HostIp = '127.0.0.1';
    }
  }
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port from the kernel');
  return address.port;
}
