import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// The part of START_SPARTAN.sh that writes secrets, run in a temp copy of the repository's layout
// (`--prepare-env` returns before anything needs Docker).

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function layout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wm-start-spartan-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'deploy'));
  copyFileSync(join(repoRoot, 'START_SPARTAN.sh'), join(dir, 'START_SPARTAN.sh'));
  copyFileSync(join(repoRoot, 'deploy/env.example'), join(dir, 'deploy/env.example'));
  return dir;
}

/** Runs the script with the permissive umask most shells have. */
function prepareEnv(dir: string) {
  const result = spawnSync('bash', ['-c', 'umask 022 && bash START_SPARTAN.sh --prepare-env'], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('START_SPARTAN.sh and .env', () => {
  it('creates .env with mode 0600 and random secrets, without Docker', () => {
    const dir = layout();
    const result = prepareEnv(dir);
    expect(result.code, result.err).toBe(0);
    const env = join(dir, '.env');
    expect(modeOf(env)).toBe(0o600);
    const text = readFileSync(env, 'utf8');
    expect(text).toMatch(/^POSTGRES_PASSWORD=[0-9a-f]{36}$/m);
    expect(text).toMatch(/^MONITOR_API_TOKEN=[0-9a-f]{48}$/m);
    expect(text).not.toContain('change-me');
    // The secrets are never printed.
    const token = /^MONITOR_API_TOKEN=(.+)$/m.exec(text)?.[1] ?? 'none';
    expect(result.out + result.err).not.toContain(token);
  });

  it('brings an existing .env back to 0600, keeps its content, and warns about a short token', () => {
    const dir = layout();
    const env = join(dir, '.env');
    writeFileSync(env, 'POSTGRES_PASSWORD=kept\nMONITOR_API_TOKEN=change-me-too\n', { mode: 0o644 });
    const result = prepareEnv(dir);
    expect(result.code, result.err).toBe(0);
    expect(modeOf(env)).toBe(0o600);
    expect(readFileSync(env, 'utf8')).toBe('POSTGRES_PASSWORD=kept\nMONITOR_API_TOKEN=change-me-too\n');
    expect(result.out).toContain('.env had mode 644: setting it to 600');
    expect(result.out).toContain('warning: MONITOR_API_TOKEN in .env is 13 characters; use 16 or more');
  });

  it('is ignored by git', () => {
    const result = spawnSync('git', ['check-ignore', '--quiet', '.env'], { cwd: repoRoot });
    expect(result.status).toBe(0);
    // The example stays tracked.
    expect(
      spawnSync('git', ['check-ignore', '--quiet', 'deploy/env.example'], { cwd: repoRoot }).status,
    ).toBe(1);
  });
});
