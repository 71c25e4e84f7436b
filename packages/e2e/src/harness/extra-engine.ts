import { execFile, spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * A Docker engine of its own, started by a test and removed by it: its own `dockerd` (and the
 * containerd it starts) in its own network namespace, data root, exec root, socket, engine ID and
 * host name, as a distinct host would have. Nothing of it touches the host's main engine: a Swarm
 * initialised here, its networks and its containers live and die with it.
 *
 * How (issue 12's recipe, checked on Docker 20.10): `ip netns add NAME`, then
 * `nsenter --net=/var/run/netns/NAME unshare --uts dockerd --data-root ... --exec-root ...
 * --pidfile ... -H unix://...` with a `daemon.json` of its own whose `deprecated-key-path` gives
 * it its own engine ID. Never `ip netns exec` (it remounts /sys, and dockerd then finds no
 * cgroups), and never a second dockerd with `--bridge=none` in the host's namespace (it deletes
 * the host's docker0).
 *
 * Only dockerd is in the namespace: an agent in the test process talks to it through its socket
 * (`createDockerRuntime({ socketPath })`), and reaches PostgreSQL or anything else on the host as
 * usual. The engine's containers are in its namespace too: their ports are not reachable from the
 * host (an HTTP probe from the test process cannot reach them; one from inside can).
 */
export interface ExtraEngine extends AsyncDisposable {
  /** The network namespace (also the engine's label in logs). */
  readonly name: string;
  readonly hostname: string;
  /** `DOCKER_HOST` for it: `unix:///tmp/wme-.../docker.sock`. */
  readonly host: string;
  readonly socketPath: string;
  readonly pid: number;
  /** The engine's own log (dockerd's stdout and stderr). */
  readonly logPath: string;
  /** Runs the docker CLI against this engine; resolves with its stdout, rejects with its stderr. */
  docker(args: readonly string[], options?: { readonly timeoutMs?: number }): Promise<string>;
  /** Copies an image of the host's main engine into this one (`docker save | docker load`), never pulled. */
  loadImage(image: string): Promise<void>;
  /** `docker swarm init --advertise-addr 127.0.0.1`: a single-node Swarm, this engine its manager. */
  initSwarm(): Promise<void>;
  /** The last lines of its log, for a failing test's message. */
  logTail(lines?: number): string;
  /** Stops dockerd (TERM, then KILL), and removes what it left: processes, mounts, namespace, files. */
  stop(): Promise<void>;
}

/** Why this machine cannot start an extra engine, or undefined when it can. */
export function extraEngineUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'starting a Docker engine needs root';
  for (const tool of ['ip', 'nsenter', 'unshare', 'dockerd', 'docker']) {
    if (spawnSync('sh', ['-c', 'command -v "$1"', 'sh', tool]).status !== 0)
      return `${tool} is not installed`;
  }
  return undefined;
}

/** Each engine's files live under here, in a short path: unix sockets inside it are limited to 108 bytes. */
const rootPrefix = '/tmp/wme-';
const netnsPrefix = 'wme-';
let started = 0;

/**
 * Starts an extra engine and waits until its API answers. The name says what it is for (`swarm`,
 * `fleet-1`); it is made unique per process. Leftovers of a test process that died without
 * cleaning up (its namespace and files, named after its pid) are removed first.
 */
export async function startExtraEngine(options: {
  readonly name: string;
  /** The engine's host name (`docker info` Name); defaults to the namespace's name. */
  readonly hostname?: string;
  readonly startTimeoutMs?: number;
}): Promise<ExtraEngine> {
  const unavailable = extraEngineUnavailable();
  if (unavailable !== undefined) throw new Error(`cannot start an extra Docker engine: ${unavailable}`);
  if (!/^[a-z0-9-]{1,20}$/.test(options.name))
    throw new Error(`engine name must be [a-z0-9-]{1,20}: ${options.name}`);
  removeLeftovers();
  const name = `${netnsPrefix}${process.pid}-${++started}-${options.name}`.slice(0, 48);
  const hostname = options.hostname ?? name;
  const dir = mkdtempSync(`${rootPrefix}${process.pid}-`);
  const socketPath = join(dir, 'docker.sock');
  const pidFile = join(dir, 'docker.pid');
  const logPath = join(dir, 'dockerd.log');
  writeFileSync(
    join(dir, 'daemon.json'),
    JSON.stringify({ 'deprecated-key-path': join(dir, 'key.json'), 'log-level': 'warn' }),
  );
  const cleanup = async (pid: number | undefined) => {
    if (pid !== undefined) await stopDaemon(pid, dir);
    removeEngineFiles(name, dir);
  };

  run('ip', ['netns', 'add', name]);
  let pid: number | undefined;
  try {
    run('nsenter', [`--net=/var/run/netns/${name}`, 'ip', 'link', 'set', 'lo', 'up']);
    const log = openSync(logPath, 'a');
    // nsenter, unshare and sh each exec the next: the pid spawned is dockerd's.
    const child = spawn(
      'nsenter',
      [
        `--net=/var/run/netns/${name}`,
        'unshare',
        '--uts',
        '--',
        'sh',
        '-c',
        'hostname "$0" && exec "$@"',
        hostname,
        'dockerd',
        '--config-file',
        join(dir, 'daemon.json'),
        '--data-root',
        join(dir, 'data'),
        '--exec-root',
        join(dir, 'exec'),
        '--pidfile',
        pidFile,
        '-H',
        `unix://${socketPath}`,
      ],
      { detached: true, stdio: ['ignore', log, log] },
    );
    closeSync(log);
    child.unref();
    pid = child.pid;
    if (pid === undefined) throw new Error('dockerd did not start');
    await waitForApi(socketPath, pid, logPath, options.startTimeoutMs ?? 60_000);
  } catch (error) {
    const tail = readTail(logPath, 20);
    await cleanup(pid);
    throw new Error(`the extra engine ${name} did not start: ${(error as Error).message}\n${tail}`);
  }

  const enginePid = pid;
  let stopped: Promise<void> | undefined;
  const engine: ExtraEngine = {
    name,
    hostname,
    host: `unix://${socketPath}`,
    socketPath,
    pid: enginePid,
    logPath,
    async docker(args, callOptions = {}) {
      try {
        const { stdout } = await execFileAsync('docker', ['-H', `unix://${socketPath}`, ...args], {
          timeout: callOptions.timeoutMs ?? 60_000,
          maxBuffer: 16 * 1024 * 1024,
        });
        return stdout;
      } catch (error) {
        const failed = error as { stderr?: string; message: string };
        throw new Error(`docker ${args.join(' ')} on ${name}: ${failed.stderr?.trim() || failed.message}`);
      }
    },
    async loadImage(image) {
      await pipeImage(image, socketPath);
    },
    async initSwarm() {
      await engine.docker(['swarm', 'init', '--advertise-addr', '127.0.0.1']);
    },
    logTail(lines = 30) {
      return readTail(logPath, lines);
    },
    stop() {
      stopped ??= cleanup(enginePid);
      return stopped;
    },
    [Symbol.asyncDispose]() {
      return engine.stop();
    },
  };
  return engine;
}

function run(command: string, args: readonly string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')}: ${result.stderr.trim() || result.error}`);
}

async function waitForApi(
  socketPath: string,
  pid: number,
  logPath: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!alive(pid)) throw new Error(`dockerd exited (see ${logPath})`);
    const answer = spawnSync(
      'docker',
      ['-H', `unix://${socketPath}`, 'version', '--format', '{{.Server.Version}}'],
      {
        encoding: 'utf8',
        timeout: 5_000,
      },
    );
    if (answer.status === 0) return;
    if (Date.now() > deadline) throw new Error(`its API did not answer within ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** `docker save IMAGE | docker -H ... load`, from the host's engine (never a registry). */
async function pipeImage(image: string, socketPath: string): Promise<void> {
  const save = spawn('docker', ['save', image], { stdio: ['ignore', 'pipe', 'pipe'] });
  const load = spawn('docker', ['-H', `unix://${socketPath}`, 'load', '--quiet'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  save.stdout.pipe(load.stdin);
  const errors: string[] = [];
  save.stderr.on('data', (chunk: Buffer) => errors.push(chunk.toString()));
  load.stderr.on('data', (chunk: Buffer) => errors.push(chunk.toString()));
  const exit = (child: ReturnType<typeof spawn>) =>
    new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const [saved, loaded] = await Promise.all([exit(save), exit(load)]);
  if (saved !== 0 || loaded !== 0) throw new Error(`loading ${image}: ${errors.join('').trim()}`);
}

async function stopDaemon(pid: number, dir: string): Promise<void> {
  if (alive(pid)) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 30_000;
    while (alive(pid) && Date.now() < deadline) await sleep(100);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  // A dockerd killed hard leaves its containerd and shims behind: every process started from its
  // exec root goes with it.
  for (const other of processesUsing(dir)) {
    try {
      process.kill(other, 'SIGKILL');
    } catch {}
  }
  const deadline = Date.now() + 10_000;
  while (processesUsing(dir).length > 0 && Date.now() < deadline) await sleep(100);
}

/** Unmounts what is left under the engine's directory, deletes its namespace and its files. */
function removeEngineFiles(name: string, dir: string): void {
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((point) => point.startsWith(`${dir}/`) || point === dir)
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) spawnSync('umount', ['-l', point]);
  spawnSync('ip', ['netns', 'delete', name]);
  rmSync(dir, { recursive: true, force: true });
}

/** Namespaces and directories of test processes that are gone (named `wme-<pid>-...`). */
function removeLeftovers(): void {
  const namespaces = existsSync('/var/run/netns') ? readdirSync('/var/run/netns') : [];
  for (const namespace of namespaces) {
    const owner = ownerPid(namespace.slice(netnsPrefix.length));
    if (!namespace.startsWith(netnsPrefix) || owner === undefined || alive(owner)) continue;
    spawnSync('ip', ['netns', 'delete', namespace]);
  }
  for (const entry of readdirSync('/tmp')) {
    const owner = ownerPid(entry.slice('wme-'.length));
    if (!entry.startsWith('wme-') || owner === undefined || alive(owner)) continue;
    const dir = join('/tmp', entry);
    for (const other of processesUsing(dir)) {
      try {
        process.kill(other, 'SIGKILL');
      } catch {}
    }
    removeEngineFiles(`${netnsPrefix}none`, dir);
  }
}

function ownerPid(rest: string): number | undefined {
  const match = /^(\d+)-/.exec(rest);
  return match === null ? undefined : Number(match[1]);
}

/** Processes whose command line names the directory (dockerd, containerd, shims of this engine). */
function processesUsing(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (commandLine.includes(`${dir}/`)) found.push(Number(entry));
    } catch {}
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== 'Z';
  } catch {
    return false;
  }
}

function readTail(path: string, lines: number): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
