import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { TEST_IMAGE } from '@website-monitor/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ExtraEngine,
  extraEngineUnavailable,
  startExtraEngine,
} from '../../../e2e/src/harness/extra-engine.js';
import { AGENT_TEST_IMAGE, buildAgentImage, ensureNodeBaseImage } from '../agent-image/agent-image.js';
import { postgresStackFile, stackFile } from './stack-file.js';

// `docker stack deploy` of deploy/stack/website-monitor.stack.yml (with postgres.stack.yml) on a
// single-node Swarm of the test's own: a dockerd in its own network namespace (never the host's
// engine). No image can be pulled here, so a third file, written below, swaps in what is local:
// the agent image built from this repository, the local PostgreSQL image, and, for
// wollomatic/socket-proxy, allowlist-proxy.mjs (run by node in the agent image) applying the
// stack's own proxy arguments the way socket-proxy does. The proxy's socket mount points at this
// engine's socket instead of /var/run/docker.sock, which on this machine is the host engine's.
const execFileAsync = promisify(execFile);
const imageBuildTimeoutMs = 20 * 60_000;
const stackName = 'wm';
const postgresImage = 'website-monitor-postgres:local';
const apiToken = 'stack-token-0123456789abcdef0123456789abcdef';
const postgresPassword = 'stack-db-password-4f1c';
const allowlistProxy = new URL('./allowlist-proxy.mjs', import.meta.url).pathname;
const proxyHealthcheck = new URL('./proxy-healthcheck.mjs', import.meta.url).pathname;

let engine: ExtraEngine;
let workDir: string;

async function docker(args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  try {
    const { stdout } = await execFileAsync('docker', ['-H', engine.host, ...args], {
      env: { ...process.env, ...env },
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const failed = error as { stderr?: string; message: string };
    throw new Error(`docker ${args.join(' ')}: ${failed.stderr?.trim() || failed.message}`);
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}\n${await stackState()}`,
      );
    }
    await sleep(1_000);
  }
}

async function stackState(): Promise<string> {
  const tasks = await docker([
    'stack',
    'ps',
    stackName,
    '--no-trunc',
    '--format',
    '{{.Name}} {{.CurrentState}} {{.Error}}',
  ]).catch((error: Error) => error.message);
  const agentLog = await docker(['service', 'logs', '--raw', '--tail', '20', `${stackName}_agent`]).catch(
    (error: Error) => error.message,
  );
  return `tasks:\n${tasks}\nagent log:\n${agentLog}`;
}

/** The running container of a stack service (one node, so one task). */
async function containerOf(service: string): Promise<string | undefined> {
  const id = (
    await docker(['ps', '--quiet', '--filter', `label=com.docker.swarm.service.name=${stackName}_${service}`])
  ).trim();
  return id === '' ? undefined : id.split('\n')[0];
}

/** Runs a script with node inside the agent's container, as its user; resolves with its JSON output. */
async function inAgent<T>(script: string): Promise<T> {
  const container = await containerOf('agent');
  if (container === undefined) throw new Error('no agent container');
  return JSON.parse(await docker(['exec', container, 'node', '--input-type=module', '-e', script])) as T;
}

async function proxyLog(): Promise<{ decision?: string; method?: string; path?: string; status?: number }[]> {
  const text = await docker(['service', 'logs', '--raw', `${stackName}_docker-socket-proxy`]);
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
}

beforeAll(async () => {
  const unavailable = extraEngineUnavailable();
  if (unavailable !== undefined) throw new Error(`this test needs an engine of its own: ${unavailable}`);
  await ensureNodeBaseImage();
  await buildAgentImage();
  engine = await startExtraEngine({ name: 'stack', hostname: 'wm-stack-node-1' });
  await engine.initSwarm();
  for (const image of [AGENT_TEST_IMAGE, postgresImage, TEST_IMAGE]) await engine.loadImage(image);
  const node = (await docker(['node', 'ls', '--quiet'])).trim();
  await docker(['node', 'update', '--label-add', 'website-monitor-db=true', node]);

  workDir = mkdtempSync(join(tmpdir(), 'wm-stack-'));
  const secrets: Record<string, string> = {
    website_monitor_api_token: `${apiToken}\n`,
    website_monitor_database_url: `postgres://monitor:${postgresPassword}@postgres:5432/monitor\n`,
    website_monitor_anthropic_api_key: 'sk-ant-unused-claude-is-off\n',
    website_monitor_postgres_password: postgresPassword,
  };
  for (const [name, value] of Object.entries(secrets)) {
    writeFileSync(join(workDir, name), value, { mode: 0o600 });
    await docker(['secret', 'create', name, join(workDir, name)]);
  }
  writeFileSync(
    join(workDir, 'config.yaml'),
    `monitoring:
  interval_seconds: 5
  discovery: labelled
  defaults:
    check_interval_seconds: 2
    start_period_seconds: 1
healing:
  auto_fix_actions: [restart_container]
  backoff_initial_seconds: 1
`,
  );
  writeFileSync(
    join(workDir, 'local-images.stack.yml'),
    `version: "3.8"
services:
  docker-socket-proxy:
    image: ${AGENT_TEST_IMAGE}
    entrypoint: ["node", "/stand-in/allowlist-proxy.mjs"]
    # The stack's health check runs ./healthcheck, as in socket-proxy's image: the stand-in's.
    working_dir: /stand-in
    configs:
      - source: allowlist_proxy
        target: /stand-in/allowlist-proxy.mjs
        mode: 0444
      - source: proxy_healthcheck
        target: /stand-in/healthcheck
        mode: 0555
    volumes:
      - type: bind
        source: ${engine.socketPath}
        target: /var/run/docker.sock
        read_only: true
  postgres:
    # The local image takes its password from POSTGRES_PASSWORD only (the official one reads _FILE).
    environment:
      POSTGRES_PASSWORD: ${postgresPassword}
configs:
  allowlist_proxy:
    file: ${allowlistProxy}
  proxy_healthcheck:
    file: ${proxyHealthcheck}
`,
  );
  const deployEnv = {
    WEBSITE_MONITOR_IMAGE: AGENT_TEST_IMAGE,
    WEBSITE_MONITOR_CONFIG: join(workDir, 'config.yaml'),
    POSTGRES_IMAGE: postgresImage,
  };
  const files = ['-c', stackFile, '-c', postgresStackFile, '-c', join(workDir, 'local-images.stack.yml')];
  // The merged file must still mount this engine's socket read-only, never the host engine's.
  const merged = await docker(['stack', 'config', ...files], deployEnv);
  expect(merged).toContain(`source: ${engine.socketPath}`);
  expect(merged).not.toContain('source: /var/run/docker.sock');
  await docker(['stack', 'deploy', '--resolve-image', 'never', ...files, stackName], deployEnv);
}, imageBuildTimeoutMs);

afterAll(async () => {
  await engine?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('docker stack deploy of deploy/stack/website-monitor.stack.yml on a single-node Swarm', () => {
  it('one agent and one proxy per node, the agent healthy', async () => {
    const health = await waitFor(
      'the agent container healthy',
      async () => {
        const container = await containerOf('agent');
        if (container === undefined) return undefined;
        const status = (await docker(['inspect', '--format', '{{.State.Health.Status}}', container])).trim();
        return status === 'healthy' ? status : undefined;
      },
      180_000,
    );
    expect(health).toBe('healthy');
    const proxyHealth = await waitFor(
      "the proxy healthy (the stack's ./healthcheck)",
      async () => {
        const container = await containerOf('docker-socket-proxy');
        if (container === undefined) return undefined;
        const status = (await docker(['inspect', '--format', '{{.State.Health.Status}}', container])).trim();
        return status === 'healthy' ? status : undefined;
      },
      90_000,
    );
    expect(proxyHealth).toBe('healthy');
    const services = await docker(['service', 'ls', '--format', '{{.Name}} {{.Mode}} {{.Replicas}}']);
    expect(services).toContain(`${stackName}_agent global 1/1`);
    expect(services).toContain(`${stackName}_docker-socket-proxy global 1/1`);
  }, 300_000);

  it('the agent read its secrets from /run/secrets: PostgreSQL holds its engine lease, the API takes the token', async () => {
    const postgres = await containerOf('postgres');
    if (postgres === undefined) throw new Error('no postgres container');
    const holder = await waitFor(
      "the agent's engine lease in PostgreSQL",
      async () => {
        const rows = (
          await docker([
            'exec',
            postgres,
            'psql',
            '-U',
            'monitor',
            '-d',
            'monitor',
            '-tAc',
            'SELECT holder_host FROM monitor_engine_leases',
          ])
        ).trim();
        return rows === '' ? undefined : rows;
      },
      60_000,
    );
    expect(holder.split('\n')).toHaveLength(1);
    const answers = await inAgent<{ withToken: number; without: number; files: string[] }>(`
      import { readFileSync, readdirSync } from 'node:fs';
      const token = readFileSync('/run/secrets/website_monitor_api_token', 'utf8').trim();
      const approve = (headers) => fetch('http://127.0.0.1:9090/monitor/approvals/none/approve', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' }).then((r) => r.status);
      console.log(JSON.stringify({ withToken: await approve({ authorization: 'Bearer ' + token }), without: await approve({}), files: readdirSync('/run/secrets').sort() }));
    `);
    expect(answers).toEqual({
      withToken: 404,
      without: 401,
      files: [
        'website_monitor_anthropic_api_key',
        'website_monitor_api_token',
        'website_monitor_database_url',
      ],
    });
    const printed = await docker(['service', 'logs', '--raw', `${stackName}_agent`]);
    expect(printed).not.toContain(apiToken);
    expect(printed).not.toContain(postgresPassword);
  }, 90_000);

  it('heals a crashed container of the node through the proxy', async () => {
    await docker([
      'run',
      '--detach',
      '--name',
      'crasher',
      '--label',
      'website-monitor.enable=true',
      '--env',
      'EXIT_AFTER_SECONDS=4',
      '--env',
      'EXIT_CODE=3',
      TEST_IMAGE,
    ]);
    const firstStart = (await docker(['inspect', '--format', '{{.State.StartedAt}}', 'crasher'])).trim();
    // It has no restart policy: only the agent can start it again.
    const restartedAt = await waitFor(
      'the crashed container started again',
      async () => {
        const started = (await docker(['inspect', '--format', '{{.State.StartedAt}}', 'crasher'])).trim();
        return started !== firstStart ? started : undefined;
      },
      60_000,
    );
    expect(restartedAt).not.toBe(firstStart);
    const log = await proxyLog();
    expect(
      log.some(
        (line) =>
          line.decision === 'allowed' &&
          line.method === 'POST' &&
          /\/containers\/[^/]+\/(restart|start)$/.test(line.path ?? ''),
      ),
    ).toBe(true);
  }, 90_000);

  it('watches a Swarm service through the proxy (GET /services/{id}, /tasks), and the proxy refused nothing the agent asked', async () => {
    await docker([
      'service',
      'create',
      '--detach',
      '--name',
      'web',
      '--label',
      'website-monitor.enable=true',
      '--container-label',
      'website-monitor.enable=true',
      TEST_IMAGE,
    ]);
    await waitFor(
      'the agent reading the service web',
      async () => {
        const log = await proxyLog();
        const services = log.some(
          (line) =>
            line.decision === 'allowed' &&
            line.method === 'GET' &&
            /\/services\/[^/]+$/.test(line.path ?? ''),
        );
        const tasks = log.some(
          (line) => line.decision === 'allowed' && line.method === 'GET' && /\/tasks$/.test(line.path ?? ''),
        );
        return services && tasks ? true : undefined;
      },
      60_000,
    );
    const agentLog = await docker(['service', 'logs', '--raw', `${stackName}_agent`]);
    expect(agentLog).toContain('"event":"swarm_service_watched"');
    expect(agentLog).not.toContain('swarm_service_unreadable');
    expect((await proxyLog()).filter((line) => line.decision === 'blocked')).toEqual([]);
  }, 90_000);

  it('the agent has no Docker socket; through its own, the proxy lets the engine answer its calls and refuses the rest', async () => {
    const seen = await inAgent<Record<string, unknown>>(`
      import { existsSync } from 'node:fs';
      import http from 'node:http';
      const socketPath = new URL(process.env.DOCKER_HOST).pathname;
      const call = (method, path) => new Promise((resolve, reject) => {
        const request = http.request({ socketPath, method, path, headers: { 'content-type': 'application/json' } }, (response) => {
          let body = ''; response.on('data', (chunk) => { body += chunk; }); response.on('end', () => resolve({ status: response.statusCode, body }));
        });
        request.on('error', reject); request.end(method === 'POST' ? '{}' : undefined);
      });
      const info = await call('GET', '/v1.41/info');
      console.log(JSON.stringify({
        hostSocket: existsSync('/var/run/docker.sock'),
        engineName: JSON.parse(info.body).Name,
        service: (await call('GET', '/v1.41/services/web')).status,
        tasks: (await call('GET', '/v1.41/tasks')).status,
        // An empty spec at a stale version: the engine itself refuses it (400 or 500, its JSON), not the proxy.
        update: await call('POST', '/v1.41/services/web/update?version=1').then((answer) => ({ refusedByProxy: answer.status === 403 || answer.status === 405, engineJson: answer.body.startsWith('{"message"') })),
        create: (await call('POST', '/v1.41/containers/create')).status,
        images: (await call('GET', '/v1.41/images/json')).status,
        remove: (await call('DELETE', '/v1.41/containers/crasher')).status,
      }));
    `);
    expect(seen).toEqual({
      hostSocket: false,
      engineName: engine.hostname,
      service: 200,
      tasks: 200,
      update: { refusedByProxy: false, engineJson: true },
      create: 403,
      images: 403,
      remove: 405,
    });
  }, 60_000);
});
