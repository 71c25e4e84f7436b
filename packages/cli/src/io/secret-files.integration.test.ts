import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  type TestDatabase,
} from '../../../postgres-store/src/test-database/test-database.test-helper.js';

// The real command, `node packages/cli/src/bin.ts ...`, with its secrets in files as Docker
// secrets provide them: /run/secrets/NAME, mode 0400, owned by root.
const entry = fileURLToPath(new URL('../bin.ts', import.meta.url));
const stackFrame = /^\s+at /m;
const secretNames = ['MONITOR_API_TOKEN', 'ANTHROPIC_API_KEY', 'DATABASE_URL', 'PGPASSWORD'];

interface Spawned {
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
  readonly kill: () => void;
}

function spawnCli(args: readonly string[], env: Record<string, string>, uid?: number): Spawned {
  const base: Record<string, string | undefined> = { ...process.env, LOG_LEVEL: '' };
  // Whatever the test runner's own environment holds, the child gets only the test's secrets.
  for (const name of secretNames) {
    delete base[name];
    delete base[`${name}_FILE`];
  }
  const child = spawn(process.execPath, [entry, ...args], {
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(uid === undefined ? {} : { uid, gid: uid }),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { stdout: () => stdout, stderr: () => stderr, exited, kill: () => child.kill('SIGTERM') };
}

/** A directory like /run/secrets: one 0400 file per secret, owned by whoever runs the test. */
function runSecrets(files: Record<string, string>): string {
  const directory = join(mkdtempSync(join(tmpdir(), 'wm-secrets-it-')), 'secrets');
  mkdirSync(directory);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(directory, name), content);
    chmodSync(join(directory, name), 0o400);
  }
  chmodSync(directory, 0o755);
  return directory;
}

async function waitUntil(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describe('website-monitor with its secrets in files (the real binary)', () => {
  it('db migrate and incidents reach PostgreSQL through DATABASE_URL_FILE (a URL with its password, newline-terminated)', async () => {
    const secrets = runSecrets({ database_url: `${database.url}\n` });
    const env = { DATABASE_URL_FILE: join(secrets, 'database_url') };

    const migrate = spawnCli(['db', 'migrate'], env);
    expect(await migrate.exited).toBe(0);
    expect(migrate.stderr()).not.toMatch(stackFrame);

    const tables = execFileSync(
      'psql',
      [
        database.url,
        '--no-psqlrc',
        '--tuples-only',
        '--no-align',
        '-c',
        "SELECT table_name FROM information_schema.tables WHERE table_name = 'monitor_incidents'",
      ],
      { encoding: 'utf8' },
    ).trim();
    expect(tables).toBe('monitor_incidents');

    const incidents = spawnCli(['incidents', '--json'], env);
    expect(await incidents.exited).toBe(0);
    expect(JSON.parse(incidents.stdout())).toEqual([]);
    // The password is in the file only: never on the command's output.
    const password = new URL(database.url).password;
    const printed = migrate.stdout() + migrate.stderr() + incidents.stderr();
    expect(printed).toContain(':***@');
    expect(printed).not.toContain(`:${password}@`);
  });

  it('run takes its API token from MONITOR_API_TOKEN_FILE: writes need exactly that token', async () => {
    const token = 'file-token-0123456789abcdef0123456789abcdef';
    const secrets = runSecrets({ monitor_api_token: `${token}\n` });
    const config = join(mkdtempSync(join(tmpdir(), 'wm-secrets-it-')), 'config.yaml');
    // No container is ours to watch on this engine: discovery of listed ones only, none listed.
    writeFileSync(
      config,
      'monitoring:\n  discovery: listed\nhealing:\n  dry_run: true\nstorage:\n  path: ./monitor.db\n',
    );
    const run = spawnCli(['run', '--config', config, '--listen', '127.0.0.1:0'], {
      MONITOR_API_TOKEN_FILE: join(secrets, 'monitor_api_token'),
    });
    try {
      await waitUntil(
        'the API address on stderr',
        () => /on http:\/\/127\.0\.0\.1:\d+/.test(run.stderr()),
        20_000,
      );
      const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.stderr())?.[1];
      expect(run.stderr()).not.toContain('read-only: set MONITOR_API_TOKEN');
      const approve = (bearer: string) =>
        fetch(`${url}/monitor/approvals/no-such-id/approve`, {
          method: 'POST',
          headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
          body: '{}',
        });
      expect((await approve(token.slice(0, -1))).status).toBe(401);
      expect((await approve(token)).status).toBe(404);
    } finally {
      run.kill();
      expect(await run.exited).toBe(0);
    }
    expect(run.stdout() + run.stderr()).not.toContain(token);
  });

  it('both MONITOR_API_TOKEN and MONITOR_API_TOKEN_FILE: exit 2, one line naming both, not the value', async () => {
    const secrets = runSecrets({ monitor_api_token: 'from-the-file' });
    const run = spawnCli(['incidents'], {
      MONITOR_API_TOKEN: 'inline-token-value',
      MONITOR_API_TOKEN_FILE: join(secrets, 'monitor_api_token'),
    });
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toBe(
      'error: MONITOR_API_TOKEN and MONITOR_API_TOKEN_FILE are both set; set only one of them (MONITOR_API_TOKEN_FILE names a file holding the value)\n',
    );
    expect(run.stdout()).toBe('');
  });

  it('a missing file, a directory and an empty file: exit 2, the variable and the path, no stack trace', async () => {
    const secrets = runSecrets({ empty: '' });
    const cases: [string, string][] = [
      [join(secrets, 'absent'), 'no such file'],
      [secrets, 'is a directory, not a file'],
      [join(secrets, 'empty'), 'the file is empty'],
    ];
    for (const [path, why] of cases) {
      const run = spawnCli(['incidents'], { ANTHROPIC_API_KEY_FILE: path });
      expect(await run.exited).toBe(2);
      expect(run.stderr()).toBe(`error: ANTHROPIC_API_KEY_FILE=${path}: ${why}\n`);
    }
  });

  it('a bad secret file does not stop --help or --version, only the commands that run', async () => {
    const absent = join(runSecrets({}), 'absent');
    const help = spawnCli(['--help'], { MONITOR_API_TOKEN_FILE: absent });
    expect(await help.exited).toBe(0);
    expect(help.stdout()).toContain('Usage: website-monitor');
    expect(help.stderr()).toBe('');
    const version = spawnCli(['--version'], { MONITOR_API_TOKEN_FILE: absent });
    expect(await version.exited).toBe(0);
    expect(version.stdout()).toMatch(/^\d+\.\d+\.\d+/);
    const runHelp = spawnCli(['run', '--help'], { MONITOR_API_TOKEN_FILE: absent });
    expect(await runHelp.exited).toBe(0);
    expect(runHelp.stdout()).toContain('Usage: website-monitor run');
    const run = spawnCli(['config', 'validate', '/nonexistent.yaml'], { MONITOR_API_TOKEN_FILE: absent });
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toBe(`error: MONITOR_API_TOKEN_FILE=${absent}: no such file\n`);
  });

  it.runIf(process.getuid?.() === 0)(
    'a root-owned 0400 secret read by the image user (uid 1000): exit 2, permission denied with the uid, no stack trace',
    async () => {
      const secrets = runSecrets({ database_url: 'postgres://monitor:pw@db/monitor' });
      const path = join(secrets, 'database_url');
      const run = spawnCli(['incidents'], { DATABASE_URL_FILE: path, HOME: '/tmp' }, 1000);
      expect(await run.exited).toBe(2);
      expect(run.stderr()).toBe(
        `error: DATABASE_URL_FILE=${path}: permission denied (the agent runs as uid 1000: give the secret that uid, e.g. a Docker secret's uid/mode)\n`,
      );
      expect(run.stderr()).not.toMatch(stackFrame);
    },
  );
});
