import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  crashContainer,
  getTestDocker,
  removeTestContainers,
  startTestContainer,
  TEST_LABEL,
  TEST_RUN_LABEL,
  type TestContainer,
  testRunId,
} from '@website-monitor/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_TEST_IMAGE, buildAgentImage, docker, ensureNodeBaseImage } from './agent-image.js';

// First run: debootstrap (~4 min) plus the image build (~3 min, it downloads packages).
const imageBuildTimeoutMs = 20 * 60_000;
const crashExitCode = 3;

let configDir: string;
const agentName = `wm-test-deploy-agent-${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  const started = Date.now();
  await ensureNodeBaseImage();
  const baseReady = Date.now();
  await buildAgentImage();
  console.info(
    `deploy-tests: base image ${((baseReady - started) / 1000).toFixed(0)} s, agent image ${((Date.now() - baseReady) / 1000).toFixed(0)} s`,
  );
}, imageBuildTimeoutMs);

afterAll(async () => {
  await docker(['rm', '--force', agentName]).catch(() => undefined);
  await removeTestContainers();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

describe('the agent image', () => {
  it('is small-ish, runs as a non-root user and has a HEALTHCHECK on /healthz', async () => {
    const [image] = JSON.parse(await docker(['image', 'inspect', AGENT_TEST_IMAGE])) as {
      Config: { User: string; Healthcheck?: { Test: string[] }; Entrypoint: string[]; Cmd: string[] };
    }[];
    expect(image?.Config.User).toBe('node');
    expect(image?.Config.Healthcheck?.Test.join(' ')).toContain('http://127.0.0.1:9090/healthz');
    expect([...(image?.Config.Entrypoint ?? []), ...(image?.Config.Cmd ?? [])]).toEqual([
      'node',
      'packages/cli/dist/bin.js',
      'run',
      '--config',
      '/config/config.yaml',
    ]);
    // The runtime stage has the deployed CLI only: no sources, no pnpm store, no dev dependencies.
    const listing = await docker([
      'run',
      '--rm',
      '--entrypoint',
      'sh',
      AGENT_TEST_IMAGE,
      '-c',
      'ls /app/packages/cli; ls /app/packages/cli/node_modules; test -d /src && echo has-src; true',
    ]);
    expect(listing).toContain('dist');
    expect(listing).not.toContain('has-src');
    expect(listing).not.toMatch(/\bvitest\b|\btypescript\b|\btsup\b/);
  });

  it('watches a sibling container through the mounted socket and heals its crash', async () => {
    const sibling: TestContainer = await startTestContainer({
      purpose: 'deploy-sibling',
      behaviour: { exitAfterSeconds: 3600, exitCode: crashExitCode },
      publishHttp: false,
      waitFor: 'running',
    });
    configDir = writeAgentConfig(sibling.name);
    const socketGid = statSync('/var/run/docker.sock').gid;

    await docker([
      'run',
      '--detach',
      '--name',
      agentName,
      '--label',
      `${TEST_LABEL}=1`,
      '--label',
      `${TEST_RUN_LABEL}=${testRunId}`,
      '--group-add',
      String(socketGid),
      '--volume',
      '/var/run/docker.sock:/var/run/docker.sock:ro',
      '--volume',
      `${configDir}:/config:ro`,
      '--tmpfs',
      '/data:uid=1000,gid=1000',
      // The image's HEALTHCHECK command, run more often than its 30 s so the test need not wait.
      '--health-interval',
      '2s',
      AGENT_TEST_IMAGE,
    ]);
    await waitForLog(agentName, (entry) => entry.event === 'agent_started', 30_000);
    const before = await sibling.inspect();

    const crashedAt = Date.now();
    await crashContainer(sibling);

    const healed = await waitFor(async () => {
      const info = await sibling.inspect();
      return info.State.Running && info.State.StartedAt !== before.State.StartedAt ? info : undefined;
    }, 60_000);
    expect(Date.parse(healed.State.StartedAt)).toBeGreaterThanOrEqual(crashedAt - 1000);
    // Docker's restart policy is "no": the restart is the agent's.
    expect(healed.HostConfig.RestartPolicy?.Name ?? 'no').toMatch(/^(no|)$/);

    const entries = await agentLog(agentName);
    const opened = entries.find(
      (entry) => entry.event === 'incident_opened' && entry.container === sibling.name,
    );
    const attempt = entries.find(
      (entry) => entry.event === 'healing_attempt' && entry.container === sibling.name,
    );
    expect(opened, 'incident_opened for the sibling in the agent log').toBeDefined();
    expect(attempt, 'healing_attempt for the sibling in the agent log').toBeDefined();
    await waitForLog(
      agentName,
      (entry) => entry.event === 'incident_resolved' && entry.container === sibling.name,
      30_000,
    );

    // Scoped to the sibling: the agent never touched another container on this shared engine.
    const touched = new Set(
      entries
        .filter((entry) => typeof entry.container === 'string')
        .map((entry) => entry.container as string),
    );
    expect([...touched]).toEqual([sibling.name]);

    // The HEALTHCHECK (GET /healthz on 127.0.0.1:9090 inside the container) passes.
    const agentInfo = await waitFor(async () => {
      const info = await getTestDocker().getContainer(agentName).inspect();
      return info.State.Health?.Status === 'healthy' ? info : undefined;
    }, 30_000);
    expect(agentInfo.State.Running).toBe(true);
    expect(agentInfo.Config.User).toBe('node');
  });
});

function writeAgentConfig(siblingName: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'wm-deploy-'));
  // The agent runs as uid 1000 and reads the file through a read-only bind mount.
  chmodSync(directory, 0o755);
  const file = join(directory, 'config.yaml');
  writeFileSync(
    file,
    [
      'monitoring:',
      '  interval_seconds: 5',
      '  discovery: listed',
      '  defaults:',
      '    start_period_seconds: 1',
      '  containers:',
      `    - name: ${siblingName}`,
      'healing:',
      '  auto_heal_enabled: true',
      '  dry_run: false',
      '  backoff_initial_seconds: 1',
      '  restart_policy_grace_seconds: 1',
      'storage:',
      '  path: /data/monitor.db',
      '',
    ].join('\n'),
  );
  chmodSync(file, 0o644);
  return directory;
}

type LogEntry = Record<string, unknown> & { readonly event?: string };

async function agentLog(name: string): Promise<LogEntry[]> {
  const { stdout, stderr } = await dockerLogs(name);
  return `${stdout}\n${stderr}`
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => {
      try {
        return JSON.parse(line) as LogEntry;
      } catch {
        return {};
      }
    });
}

async function dockerLogs(name: string): Promise<{ stdout: string; stderr: string }> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    execFile('docker', ['logs', name], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(error) : resolve({ stdout, stderr }),
    );
  });
}

async function waitForLog(
  name: string,
  match: (entry: LogEntry) => boolean,
  timeoutMs: number,
): Promise<void> {
  await waitFor(
    async () => ((await agentLog(name)).some(match) ? true : undefined),
    timeoutMs,
    async () => {
      const { stdout, stderr } = await dockerLogs(name);
      return `agent log:\n${stdout}${stderr}`;
    },
  );
}

async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  explain?: () => Promise<string>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms${explain ? `\n${await explain()}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
