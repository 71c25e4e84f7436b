import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDockerRuntime } from '@website-monitor/docker-adapter';
import { waitUntil } from '../harness/wait-until.js';

/** A dockerd that `scripts/setup.sh` of this checkout started (its stdout is `.tools/dockerd.log`). */
export interface SetupDockerd {
  readonly pid: number;
  readonly logPath: string;
}

export type SetupDockerdLookup =
  | { readonly found: true; readonly dockerd: SetupDockerd }
  | { readonly found: false; readonly reason: string };

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * Finds the engine `scripts/setup.sh` started, if that is the engine in use. setup.sh records no
 * pid: it runs `setsid -f dockerd >> .tools/dockerd.log`, so the daemon's stdout is that file, which
 * tells our engine from one a service manager or another checkout started (restarting those would
 * stop containers this test suite has no business stopping).
 */
export function findSetupDockerd(): SetupDockerdLookup {
  const logPath = join(repoRoot, '.tools', 'dockerd.log');
  if (process.env.DOCKER_HOST) {
    return { found: false, reason: 'DOCKER_HOST is set, and setup.sh never starts that engine' };
  }
  if (process.getuid?.() !== 0) return { found: false, reason: 'restarting dockerd needs root' };
  const pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  const daemons = pids.filter((pid) => readOr(`/proc/${pid}/comm`, '').trim() === 'dockerd');
  if (daemons.length !== 1) {
    return { found: false, reason: `${daemons.length} dockerd processes are visible, expected one` };
  }
  const pid = Number(daemons[0]);
  let stdout: string;
  try {
    stdout = readlinkSync(`/proc/${pid}/fd/1`);
  } catch (error) {
    return { found: false, reason: `the stdout of dockerd ${pid} cannot be read (${String(error)})` };
  }
  if (stdout !== logPath) {
    return {
      found: false,
      reason: `the engine was not started by scripts/setup.sh of this checkout (its log is ${stdout})`,
    };
  }
  return { found: true, dockerd: { pid, logPath } };
}

/**
 * Restarts the engine the way setup.sh started it: SIGTERM (dockerd then stops every container it
 * runs, without live-restore), wait for the process to end, `setsid -f dockerd` appending to the
 * same log, wait until the API answers. Resolves with the new pid and how long the API was gone.
 */
export async function restartSetupDockerd(dockerd: SetupDockerd): Promise<{ pid: number; downMs: number }> {
  const stoppedAt = Date.now();
  process.kill(dockerd.pid, 'SIGTERM');
  await waitUntil(
    `dockerd ${dockerd.pid} to exit`,
    () => (existsSync(`/proc/${dockerd.pid}`) ? undefined : true),
    {
      timeoutMs: 60_000,
      intervalMs: 100,
    },
  );
  const log = openSync(dockerd.logPath, 'a');
  try {
    const started = spawnSync('setsid', ['-f', 'dockerd'], {
      stdio: ['ignore', log, log],
      env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` },
    });
    if (started.status !== 0) throw new Error(`setsid -f dockerd exited ${started.status}`);
  } finally {
    closeSync(log);
  }
  await using runtime = createDockerRuntime({ requestTimeoutMs: 2000 });
  await waitUntil(
    'the restarted engine to answer',
    async () =>
      await runtime
        .ping()
        .then(() => true)
        .catch(() => undefined),
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  const found = findSetupDockerd();
  if (!found.found) throw new Error(`after the restart: ${found.reason}`);
  return { pid: found.dockerd.pid, downMs: Date.now() - stoppedAt };
}

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}
