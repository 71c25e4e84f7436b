import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { secretVariables } from '../../../cli/src/io/secret-files.js';
import {
  allowlistOf,
  allows,
  composeHostFile,
  postgresStackFile,
  readStackFile,
  type StackService,
  stackFile,
  tecnativaEnvFile,
  wollomaticArgs,
} from './stack-file.js';

const stack = readStackFile(stackFile);
const agent = stack.services.agent as StackService;
const proxy = stack.services['docker-socket-proxy'] as StackService;

/** A service's volumes, short (`SOURCE:TARGET[:ro]`) and long syntax alike. */
function mounts(service: StackService): { source: string; target: string }[] {
  return (service.volumes ?? []).map((volume) => {
    if (typeof volume !== 'string') return { source: volume.source, target: volume.target };
    const [source = '', target = ''] = volume.split(':');
    return { source, target };
  });
}

function volumeSources(service: StackService): string[] {
  return mounts(service).map((mount) => mount.source);
}

// Every call @website-monitor/docker-adapter makes (docs/deployment.md, "What the agent calls";
// docs/swarm.md, "Through a socket proxy"), as dockerode sends them (API version prefix included).
const agentCalls: [string, string][] = [
  ['HEAD', '/_ping'],
  ['GET', '/_ping'],
  ['GET', '/version'],
  ['GET', '/v1.41/info'],
  ['GET', '/v1.41/events'],
  ['GET', '/v1.41/containers/json'],
  ['GET', '/v1.41/containers/3f9a0c1d2e/json'],
  ['GET', '/v1.41/containers/web-1/stats'],
  ['GET', '/v1.41/containers/web-1/logs'],
  ['POST', '/v1.41/containers/web-1/restart'],
  ['POST', '/v1.41/containers/web-1/start'],
  ['POST', '/v1.41/containers/web-1/exec'],
  ['POST', '/v1.41/exec/0123abcd/start'],
  ['GET', '/v1.41/exec/0123abcd/json'],
  ['GET', '/v1.41/services/x8k2pq7v1m'],
  ['GET', '/v1.41/services/monitor_web'],
  ['GET', '/v1.41/tasks'],
  ['POST', '/v1.41/services/x8k2pq7v1m/update'],
];

// What the agent never does, and the proxy must refuse.
const refused: [string, string][] = [
  ['POST', '/v1.41/containers/create'],
  ['DELETE', '/v1.41/containers/web-1'],
  ['POST', '/v1.41/containers/web-1/kill'],
  ['POST', '/v1.41/containers/web-1/stop'],
  ['POST', '/v1.41/containers/web-1/update'],
  ['GET', '/v1.41/images/json'],
  ['POST', '/v1.41/images/create'],
  ['POST', '/v1.41/services/create'],
  ['DELETE', '/v1.41/services/web'],
  ['GET', '/v1.41/secrets'],
  ['GET', '/v1.41/nodes'],
  ['POST', '/v1.41/swarm/leave'],
  ['POST', '/v1.41/build'],
  ['GET', '/v1.41/services/web/logs'],
  ['POST', '/v1.41/services/web/update/../../containers/create'],
];

describe('deploy/stack/website-monitor.stack.yml', () => {
  it('runs one agent and one socket proxy on every node (mode: global)', () => {
    expect(Object.keys(stack.services).sort()).toEqual(['agent', 'docker-socket-proxy']);
    expect(agent.deploy?.mode).toBe('global');
    expect(proxy.deploy?.mode).toBe('global');
  });

  it('gives the agent no Docker socket: DOCKER_HOST is the proxy filtered socket, in a node-local volume they share', () => {
    expect(volumeSources(agent).some((source) => source.includes('docker.sock'))).toBe(false);
    const dockerHost = agent.environment?.DOCKER_HOST ?? '';
    expect(dockerHost).toMatch(/^unix:\/\//);
    const endpoint = proxy.command?.find((arg) => arg.startsWith('-proxysocketendpoint='))?.split('=')[1];
    expect(`unix://${endpoint}`).toBe(dockerHost);
    const mountOf = (service: StackService) =>
      mounts(service).find((mount) => endpoint?.startsWith(`${mount.target}/`));
    const agentMount = mountOf(agent);
    const proxyMount = mountOf(proxy);
    expect(agentMount?.source).toBeDefined();
    expect(agentMount?.source).toBe(proxyMount?.source);
    // A named volume of the local driver: each node's own, never shared across nodes.
    const volume = stack.volumes?.[agentMount?.source ?? ''];
    expect(volume === null || volume?.driver === undefined || volume.driver === 'local').toBe(true);
    expect(volume?.external).not.toBe(true);
    // The filtered socket: the proxy's user (root) and the agent's group (1000) only.
    expect(proxy.command).toContain('-proxysocketendpointfilemode=0660');
    expect(proxy.user).toBe('0:1000');
  });

  it('mounts the host socket into the proxy alone, read-only, with no capabilities and a read-only root', () => {
    const socketMounts = (proxy.volumes ?? []).filter(
      (volume) => typeof volume !== 'string' && volume.source === '/var/run/docker.sock',
    );
    expect(socketMounts).toEqual([
      { type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock', read_only: true },
    ]);
    expect(proxy.read_only).toBe(true);
    expect(proxy.cap_drop).toEqual(['ALL']);
    // No TCP listener: with -proxysocketendpoint, socket-proxy listens on the file only.
    expect(proxy.command?.some((arg) => arg.startsWith('-listenip'))).toBe(false);
  });

  it('passes secrets only as NAME_FILE variables naming Docker secrets of the service, readable by the agent user alone', () => {
    const environment = agent.environment ?? {};
    for (const name of secretVariables) expect(environment[name], name).toBeUndefined();
    const fileVariables = Object.entries(environment).filter(([name]) => name.endsWith('_FILE'));
    expect(fileVariables.map(([name]) => name).sort()).toEqual([
      'ANTHROPIC_API_KEY_FILE',
      'DATABASE_URL_FILE',
      'MONITOR_API_TOKEN_FILE',
    ]);
    for (const [name, path] of fileVariables) {
      expect(secretVariables as readonly string[]).toContain(name.slice(0, -'_FILE'.length));
      const secret = (agent.secrets ?? []).find(
        (entry) => typeof entry !== 'string' && `/run/secrets/${entry.target ?? entry.source}` === path,
      );
      expect(secret, `${name}=${path} is a secret of the agent`).toBeDefined();
      expect(secret).toMatchObject({ uid: '1000', mode: 0o400 });
      const source = typeof secret === 'string' ? secret : (secret?.source ?? '');
      expect(stack.secrets?.[source]).toEqual({ external: true });
    }
  });

  it('has a health check, a restart policy, limits and a rolling update that rolls back', () => {
    expect(agent.healthcheck?.test.join(' ')).toContain('http://127.0.0.1:9090/healthz');
    expect(agent.deploy?.restart_policy?.condition).toBe('any');
    expect(agent.deploy?.update_config).toMatchObject({ parallelism: 1, failure_action: 'rollback' });
    expect(agent.deploy?.resources?.limits?.memory).toBeDefined();
    expect(proxy.deploy?.resources?.limits?.memory).toBeDefined();
    expect(proxy.healthcheck?.test).toBeDefined();
  });

  it('names no host and no image registry of its own: images and the config come from the deployer', () => {
    expect(agent.environment?.WEBSITE_MONITOR_HOST).toBeUndefined();
    expect(agent.image).toMatch(/^\$\{WEBSITE_MONITOR_IMAGE:-[^}]+\}$/);
  });

  it("the proxy allows every call the agent makes, Swarm's included, and refuses the rest", () => {
    const allow = allowlistOf(proxy.command ?? []);
    for (const [method, path] of agentCalls)
      expect(allows(allow, method, path), `${method} ${path}`).toBe(true);
    for (const [method, path] of refused)
      expect(allows(allow, method, path), `${method} ${path}`).toBe(false);
    expect([...allow.keys()].sort()).toEqual(['GET', 'HEAD', 'POST']);
  });

  it('uses the allowlist of deploy/socket-proxy/wollomatic.args, rule for rule', () => {
    const rules = (args: readonly string[]) =>
      args.filter(
        (arg) =>
          arg.startsWith('-allow') && !arg.startsWith('-allowfrom') && !arg.startsWith('-allowhealthcheck'),
      );
    expect(rules(proxy.command ?? [])).toEqual(rules(wollomaticArgs()));
  });
});

describe('deploy/stack/postgres.stack.yml', () => {
  it('one PostgreSQL pinned to a labelled node, its password a Docker secret, on the agents network', () => {
    const postgres = readStackFile(postgresStackFile);
    const service = postgres.services.postgres as StackService & {
      deploy?: { replicas?: number; placement?: { constraints?: string[] } };
    };
    expect(service.environment?.POSTGRES_PASSWORD).toBeUndefined();
    expect(service.environment?.POSTGRES_PASSWORD_FILE).toBe(
      '/run/secrets/website_monitor_postgres_password',
    );
    expect(service.deploy?.replicas).toBe(1);
    expect(service.deploy?.placement?.constraints).toEqual(['node.labels.website-monitor-db == true']);
    expect(service.networks).toEqual(agent.networks);
    expect(postgres.secrets?.website_monitor_postgres_password).toEqual({ external: true });
  });
});

describe('deploy/compose/website-monitor.host.yml', () => {
  const compose = readStackFile(composeHostFile);
  const hostAgent = compose.services.agent as StackService;
  const hostProxy = compose.services['docker-socket-proxy'] as StackService & { network_mode?: string };

  it('the agent has no socket and no secret value: the same _FILE variables, Compose file secrets', () => {
    expect(volumeSources(hostAgent).some((source) => source.includes('docker.sock'))).toBe(false);
    expect(hostAgent.environment?.DOCKER_HOST).toBe(agent.environment?.DOCKER_HOST);
    for (const name of secretVariables) expect(hostAgent.environment?.[name], name).toBeUndefined();
    for (const [name, path] of Object.entries(hostAgent.environment ?? {}).filter(([key]) =>
      key.endsWith('_FILE'),
    )) {
      const secret = path.replace('/run/secrets/', '');
      expect(hostAgent.secrets, name).toContain(secret);
      expect(compose.secrets?.[secret]?.file, name).toMatch(new RegExp(`/${secret}$`));
    }
  });

  it('the proxy: the socket read-only, no network, the stack proxy rules', () => {
    expect(mounts(hostProxy)).toContainEqual({
      source: '/var/run/docker.sock',
      target: '/var/run/docker.sock',
    });
    expect(hostProxy.volumes).toContain('/var/run/docker.sock:/var/run/docker.sock:ro');
    expect(hostProxy.network_mode).toBe('none');
    expect(hostProxy.read_only).toBe(true);
    expect(hostProxy.command).toEqual(proxy.command);
  });
});

describe('deploy/socket-proxy', () => {
  it('wollomatic.args: the same calls allowed and refused', () => {
    const allow = allowlistOf(wollomaticArgs());
    for (const [method, path] of agentCalls)
      expect(allows(allow, method, path), `${method} ${path}`).toBe(true);
    for (const [method, path] of refused)
      expect(allows(allow, method, path), `${method} ${path}`).toBe(false);
  });

  it('socket-proxy.env (tecnativa): Swarm reads open (SERVICES, TASKS), every write section closed', () => {
    const settings = Object.fromEntries(
      readFileSync(tecnativaEnvFile, 'utf8')
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => line.split('=') as [string, string]),
    );
    expect(settings).toMatchObject({
      SERVICES: '1',
      TASKS: '1',
      CONTAINERS: '1',
      EVENTS: '1',
      INFO: '1',
      POST: '0',
    });
    for (const closed of [
      'EXEC',
      'IMAGES',
      'NETWORKS',
      'VOLUMES',
      'SECRETS',
      'NODES',
      'SWARM',
      'SYSTEM',
      'BUILD',
    ])
      expect(settings[closed], closed).toBe('0');
  });
});
