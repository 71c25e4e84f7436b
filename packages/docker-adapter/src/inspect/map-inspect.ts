import type {
  ContainerDetails,
  DockerHealthStatus,
  HealthCheckRun,
  PublishedPort,
  RestartPolicy,
} from '@website-monitor/core';
import { arrayAt, booleanAt, numberAt, recordAt, stringAt, stringMapAt } from '../json/read-json.js';
import { stripLeadingSlash } from '../list/map-container-summary.js';
import { toContainerState } from '../state/to-container-state.js';
import { boundLabels } from './bound-labels.js';

/**
 * `GET /containers/{id}/json` in our words. Reads only fields present from API 1.41 to 1.52, and
 * treats each as possibly absent or null: newer engines omit unset fields (Labels, Health, Env).
 */
export function mapInspect(raw: unknown): ContainerDetails {
  const state = recordAt(raw, 'State');
  const config = recordAt(raw, 'Config');
  const hostConfig = recordAt(raw, 'HostConfig');
  const startedAt = dockerTime(stringAt(state, 'StartedAt'));
  const containerState = toContainerState(stringAt(state, 'Status'));
  return {
    id: stringAt(raw, 'Id') ?? '',
    name: stripLeadingSlash(stringAt(raw, 'Name') ?? ''),
    image: stringAt(config, 'Image') ?? '',
    imageId: stringAt(raw, 'Image') ?? '',
    state: containerState,
    labels: boundLabels(stringMapAt(config, 'Labels')),
    // A container that never ran reports ExitCode 0, which would read as a clean exit.
    exitCode:
      startedAt === null || containerState === 'created' ? null : (numberAt(state, 'ExitCode') ?? null),
    oomKilled: booleanAt(state, 'OOMKilled') ?? false,
    restartCount: numberAt(raw, 'RestartCount') ?? 0,
    startedAt,
    finishedAt: dockerTime(stringAt(state, 'FinishedAt')),
    error: stringAt(state, 'Error') ?? '',
    health: mapHealth(recordAt(state, 'Health')),
    restartPolicy: mapRestartPolicy(recordAt(hostConfig, 'RestartPolicy')),
    networkMode: stringAt(hostConfig, 'NetworkMode') ?? 'default',
    ports: mapPublishedPorts(recordAt(recordAt(raw, 'NetworkSettings'), 'Ports')),
    networks: mapNetworks(recordAt(recordAt(raw, 'NetworkSettings'), 'Networks')),
    links: mapLinks(arrayAt(hostConfig, 'Links')),
    env: (arrayAt(config, 'Env') ?? []).filter((entry): entry is string => typeof entry === 'string'),
  };
}

type ContainerNetwork = NonNullable<ContainerDetails['networks']>[number];

// Whoever starts a container chooses its networks and aliases: bounded before anything scans them.
const maxNetworks = 64;
const maxAliasesPerNetwork = 64;
const maxNameLength = 255;
const maxLinks = 64;

/**
 * `{"shop_default": {"NetworkID": "...", "IPAddress": "172.20.0.3", "Aliases": [...], "DNSNames": [...]}}`.
 * `Aliases` and `DNSNames` (API 1.45 and later) both name the container on that network; empty
 * addresses (a container that is not running) are kept as ''.
 */
function mapNetworks(networks: Readonly<Record<string, unknown>> | undefined): ContainerNetwork[] {
  if (networks === undefined) return [];
  const mapped: ContainerNetwork[] = [];
  for (const [name, network] of Object.entries(networks).slice(0, maxNetworks)) {
    if (typeof network !== 'object' || network === null) continue;
    const aliases = new Set<string>();
    for (const key of ['Aliases', 'DNSNames']) {
      for (const alias of (arrayAt(network, key) ?? []).slice(0, maxAliasesPerNetwork)) {
        if (typeof alias === 'string' && alias !== '' && alias.length <= maxNameLength) aliases.add(alias);
      }
    }
    mapped.push({
      name,
      networkId: stringAt(network, 'NetworkID') ?? '',
      ipAddress: stringAt(network, 'IPAddress') ?? '',
      ipv6Address: stringAt(network, 'GlobalIPv6Address') ?? '',
      aliases: [...aliases],
    });
  }
  return mapped;
}

/** `HostConfig.Links`: `["/shop-db:/shop-web/db"]`, the linked container's name first. */
function mapLinks(links: readonly unknown[] | undefined): string[] {
  if (links === undefined) return [];
  const names = new Set<string>();
  for (const link of links.slice(0, maxLinks)) {
    if (typeof link !== 'string') continue;
    const target = stripLeadingSlash(link.split(':', 1)[0] ?? '');
    if (target !== '' && target.length <= maxNameLength) names.add(target);
  }
  return [...names];
}

/** Docker writes Go's zero time (`0001-01-01T00:00:00Z`) for "never". */
export function dockerTime(value: string | undefined): string | null {
  if (value === undefined || value === '' || value.startsWith('0001-01-01')) return null;
  return value;
}

const healthStatuses: ReadonlySet<string> = new Set<DockerHealthStatus>([
  'none',
  'starting',
  'healthy',
  'unhealthy',
]);

function mapHealth(health: Readonly<Record<string, unknown>> | undefined): ContainerDetails['health'] {
  if (health === undefined) return { status: 'none', failingStreak: 0, log: [] };
  const status = stringAt(health, 'Status');
  return {
    status: status !== undefined && healthStatuses.has(status) ? (status as DockerHealthStatus) : 'none',
    failingStreak: numberAt(health, 'FailingStreak') ?? 0,
    log: (arrayAt(health, 'Log') ?? []).map(
      (run): HealthCheckRun => ({
        exitCode: numberAt(run, 'ExitCode') ?? -1,
        output: stringAt(run, 'Output') ?? '',
        startedAt: stringAt(run, 'Start') ?? '',
        endedAt: stringAt(run, 'End') ?? '',
      }),
    ),
  };
}

function mapRestartPolicy(policy: Readonly<Record<string, unknown>> | undefined): RestartPolicy {
  // An empty name is how Docker spells the default, which is `no`.
  const name = stringAt(policy, 'Name');
  return {
    name: name === undefined || name === '' ? 'no' : name,
    maximumRetryCount: numberAt(policy, 'MaximumRetryCount') ?? 0,
  };
}

const protocols: ReadonlySet<string> = new Set(['tcp', 'udp', 'sctp']);

/**
 * `{"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": "18080"}], "9090/tcp": null}`: a null list
 * is an exposed port that is not published, which is not reachable from the host.
 */
function mapPublishedPorts(ports: Readonly<Record<string, unknown>> | undefined): PublishedPort[] {
  if (ports === undefined) return [];
  const published: PublishedPort[] = [];
  for (const [key, bindings] of Object.entries(ports)) {
    const [portText, protocolText = 'tcp'] = key.split('/');
    const containerPort = Number(portText);
    if (!Number.isInteger(containerPort) || !protocols.has(protocolText) || !Array.isArray(bindings))
      continue;
    for (const binding of bindings) {
      const hostPort = Number(stringAt(binding, 'HostPort'));
      if (!Number.isInteger(hostPort) || hostPort <= 0) continue;
      published.push({
        containerPort,
        protocol: protocolText as PublishedPort['protocol'],
        hostIp: stringAt(binding, 'HostIp') || '0.0.0.0',
        hostPort,
      });
    }
  }
  return published;
}
