/**
 * Swarm names the service and the task on every task container it creates. The labels come
 * from the container, so whoever can start a container can write them: they are read here only
 * to keep the agent's hands off a container that claims to be Swarm's (which gives nobody more
 * than the `website-monitor.enable=false` label does), and to know which service to look at.
 * Whether the service is failing is then read from Swarm itself, never from these labels.
 */
export const swarmLabels = {
  serviceId: 'com.docker.swarm.service.id',
  serviceName: 'com.docker.swarm.service.name',
  taskId: 'com.docker.swarm.task.id',
  taskName: 'com.docker.swarm.task.name',
  task: 'com.docker.swarm.task',
  nodeId: 'com.docker.swarm.node.id',
} as const;

/** The service and task a Swarm task container belongs to, as its labels say. */
export interface SwarmTaskRef {
  readonly serviceId: string;
  readonly serviceName: string;
  readonly taskId: string;
}

/** What a container's labels say about Swarm. */
export type SwarmTaskLabels =
  /** Not a Swarm task: the agent heals the container itself. */
  | { readonly kind: 'none' }
  | { readonly kind: 'task'; readonly task: SwarmTaskRef }
  /**
   * Claims to be a Swarm task (a `com.docker.swarm.service.*` or `.task*` label) with labels that
   * do not name a service and a task: left to Swarm all the same, never to the agent's restarts.
   */
  | { readonly kind: 'malformed'; readonly issue: string };

/** Swarm's object IDs are 25 base-36 characters; anything up to 64 of those is accepted. */
const idPattern = /^[a-z0-9]{1,64}$/;
/** Swarm's service names are DNS-like (stacks add `stack_`), at most 63 characters. */
const serviceNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
/** Longest value quoted in an issue: the labels are the container's own words. */
const quotedChars = 40;

const markerLabels: readonly string[] = [
  swarmLabels.serviceId,
  swarmLabels.serviceName,
  swarmLabels.taskId,
  swarmLabels.taskName,
  swarmLabels.task,
];

/**
 * Reads the Swarm labels of a container: `none` when it has none of them, `task` when they name
 * a service (ID and name) and a task in Swarm's formats, `malformed` otherwise (with the reason,
 * quoting at most 40 characters of a value).
 *
 * @example
 * ```ts
 * readSwarmTaskLabels({
 *   'com.docker.swarm.service.id': '5n8vgx5ks8l0pj7h8v3cpwleb',
 *   'com.docker.swarm.service.name': 'web',
 *   'com.docker.swarm.task.id': 'qaklqnp39jfly7ryxvdsp7vk8',
 * }); // { kind: 'task', task: { serviceId: '5n8v...', serviceName: 'web', taskId: 'qakl...' } }
 * ```
 */
export function readSwarmTaskLabels(labels: Readonly<Record<string, string>>): SwarmTaskLabels {
  if (!markerLabels.some((name) => Object.hasOwn(labels, name))) return { kind: 'none' };
  const serviceId = labels[swarmLabels.serviceId];
  const serviceName = labels[swarmLabels.serviceName];
  const taskId = labels[swarmLabels.taskId];
  const problem =
    invalid(swarmLabels.serviceId, serviceId, idPattern) ??
    invalid(swarmLabels.serviceName, serviceName, serviceNamePattern) ??
    invalid(swarmLabels.taskId, taskId, idPattern);
  if (problem !== undefined) return { kind: 'malformed', issue: problem };
  return {
    kind: 'task',
    task: { serviceId: serviceId as string, serviceName: serviceName as string, taskId: taskId as string },
  };
}

/**
 * True when the labels claim a Swarm task, well-formed or not: the agent never acts on it.
 *
 * @example
 * ```ts
 * import { claimsSwarmTask } from '@website-monitor/core';
 *
 * claimsSwarmTask({ 'com.docker.swarm.task.id': 'qaklqnp39jfly7ryxvdsp7vk8' }); // true
 * claimsSwarmTask({ 'com.docker.compose.service': 'web' }); // false
 * ```
 */
export function claimsSwarmTask(labels: Readonly<Record<string, string>>): boolean {
  return readSwarmTaskLabels(labels).kind !== 'none';
}

function invalid(name: string, value: string | undefined, pattern: RegExp): string | undefined {
  if (value === undefined) return `${name} is missing`;
  if (pattern.test(value)) return undefined;
  const shown = value.length > quotedChars ? `${value.slice(0, quotedChars)}…` : value;
  return `${name} ${JSON.stringify(shown)} is not a Swarm ${name.endsWith('.name') ? 'service name' : 'ID'}`;
}
