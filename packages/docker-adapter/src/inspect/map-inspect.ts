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
    labels: stringMapAt(config, 'Labels'),
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
    env: (arrayAt(config, 'Env') ?? []).filter((entry): entry is string => typeof entry === 'string'),
  };
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
