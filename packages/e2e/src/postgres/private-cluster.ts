import { execFile } from 'node:child_process';
import { access, chmod, chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** Where Debian's postgresql-15 puts its server binaries; override with WM_TEST_PG_BIN. */
const binDir = process.env.WM_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';
/** The OS user the server runs as: PostgreSQL refuses to run as root. */
const serverUser = 'postgres';

/**
 * A PostgreSQL server of the test's own, on 127.0.0.1 with trust auth, that the test can really
 * stop and start again. The shared server on 5432 serves other tests and must stay up, so a
 * fault test cannot use it.
 */
export interface PrivateCluster extends AsyncDisposable {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/<database>` (default database `postgres`). */
  url(database?: string): string;
  /** Creates an empty database and gives its URL. */
  createDatabase(name: string): Promise<string>;
  /** `pg_ctl start`, waiting until it accepts connections. */
  start(): Promise<void>;
  /** `pg_ctl stop -m fast`: connections are cut, new ones refused until `start`. */
  stop(): Promise<void>;
  /** Whether a connection succeeds right now. */
  accepting(): Promise<boolean>;
  /** Stops it and removes its data directory. */
  destroy(): Promise<void>;
}

/**
 * `initdb` in a temp directory owned by `postgres`, then `pg_ctl start`. Throws one line naming
 * what is missing when the binaries, the OS user or root (to switch to it) are not there.
 */
export async function startPrivateCluster(): Promise<PrivateCluster> {
  await checkPrerequisites();
  const baseDir = await mkdtemp(join(tmpdir(), 'wm-pg-'));
  const dataDir = join(baseDir, 'data');
  const socketDir = join(baseDir, 'socket');
  const logFile = join(baseDir, 'server.log');
  const { uid, gid } = await userIds(serverUser);
  await chown(baseDir, uid, gid);
  await chmod(baseDir, 0o700);
  await asServerUser(['mkdir', '-p', socketDir]);
  await asServerUser([
    join(binDir, 'initdb'),
    '-D',
    dataDir,
    '-U',
    'postgres',
    '-A',
    'trust',
    '--no-sync',
    '-E',
    'UTF8',
  ]);
  const port = await freeLoopbackPort();
  // fsync off: the durability under test is the agent's spool, not this server's; a fast stop
  // is a clean shutdown anyway.
  const serverOptions = `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1 -c fsync=off`;

  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const pgCtl = async (args: readonly string[]) => {
    try {
      await asServerUser([join(binDir, 'pg_ctl'), '-D', dataDir, ...args]);
    } catch (error) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      throw new Error(`pg_ctl ${args[0]} failed: ${(error as Error).message}\n--- ${logFile} ---\n${log}`);
    }
  };
  const start = () => pgCtl(['start', '-w', '-t', '30', '-o', serverOptions, '-l', logFile]);
  const stop = () => pgCtl(['stop', '-w', '-m', 'fast']);
  let destroyed = false;
  const destroy = async () => {
    if (destroyed) return;
    destroyed = true;
    await stop().catch(() => {});
    await rm(baseDir, { recursive: true, force: true });
  };

  try {
    await start();
  } catch (error) {
    await rm(baseDir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    url,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    start,
    stop,
    async accepting() {
      const client = new pg.Client({ connectionString: url(), connectionTimeoutMillis: 2000 });
      try {
        await client.connect();
        return true;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => {});
      }
    },
    destroy,
    [Symbol.asyncDispose]: destroy,
  };
}

async function checkPrerequisites(): Promise<void> {
  const missing: string[] = [];
  for (const tool of ['initdb', 'pg_ctl']) {
    await access(join(binDir, tool)).catch(() => missing.push(join(binDir, tool)));
  }
  if (missing.length > 0) {
    throw new Error(
      `a private PostgreSQL cluster needs ${missing.join(' and ')} (Debian: apt-get install postgresql-15, or set WM_TEST_PG_BIN to the folder holding initdb and pg_ctl)`,
    );
  }
  if (process.getuid?.() !== 0) {
    throw new Error(
      `a private PostgreSQL cluster needs root, to run initdb and pg_ctl as the "${serverUser}" OS user (this test runs as uid ${process.getuid?.()})`,
    );
  }
  await userIds(serverUser);
}

async function userIds(user: string): Promise<{ uid: number; gid: number }> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    throw new Error(
      `a private PostgreSQL cluster needs the OS user "${user}" (it comes with the postgresql package)`,
    );
  }
}

/** argv as the server's OS user, from a directory it may read (root's cwd may not be). */
async function asServerUser(argv: readonly string[]): Promise<void> {
  await run('runuser', ['-u', serverUser, '--', ...argv], { cwd: '/tmp', timeout: 60_000 });
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
