import type { ContainerEvent, ContainerEventAction, DockerHealthStatus } from '@website-monitor/core';
import { recordAt, stringAt } from '../json/read-json.js';

export type ParsedEventLine =
  | { readonly kind: 'event'; readonly event: ContainerEvent }
  /** A well-formed event we do not report: other object types, exec_* noise, unknown actions. */
  | { readonly kind: 'ignored'; readonly action: string }
  | { readonly kind: 'malformed'; readonly reason: string };

export const containerEventActions: readonly ContainerEventAction[] = [
  'create',
  'start',
  'restart',
  'die',
  'oom',
  'kill',
  'stop',
  'pause',
  'unpause',
  'destroy',
  'health_status',
];

const knownActions: ReadonlySet<string> = new Set(containerEventActions);
const healthStatuses: ReadonlySet<string> = new Set(['starting', 'healthy', 'unhealthy']);
/** Attributes we lift into their own fields; every other attribute is a container label. */
const reservedAttributes: ReadonlySet<string> = new Set(['name', 'image', 'exitCode', 'signal']);

/**
 * One line of `GET /events`. `timeNano` is read from the raw text because it is larger than
 * 2^53 and JSON.parse would round it, which would break `since` replay at nanosecond precision.
 */
export function parseEventLine(line: string): ParsedEventLine {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { kind: 'malformed', reason: 'not JSON' };
  }
  if (typeof raw !== 'object' || raw === null) return { kind: 'malformed', reason: 'not a JSON object' };

  const type = stringAt(raw, 'Type');
  // API 1.52 dropped the pre-1.22 `status` field; `Action` exists in every version we support.
  const fullAction = stringAt(raw, 'Action') ?? stringAt(raw, 'status');
  if (fullAction === undefined) return { kind: 'malformed', reason: 'no Action' };
  if (type !== undefined && type !== 'container') return { kind: 'ignored', action: fullAction };

  const [actionName = '', actionDetail] = splitAction(fullAction);
  if (!knownActions.has(actionName)) return { kind: 'ignored', action: fullAction };

  const actor = recordAt(raw, 'Actor');
  const attributes = recordAt(actor, 'Attributes') ?? {};
  const containerId = stringAt(actor, 'ID') ?? stringAt(raw, 'id');
  if (containerId === undefined) return { kind: 'malformed', reason: 'no Actor.ID' };

  const timeNano = readTimeNano(line, raw);
  if (timeNano === undefined) return { kind: 'malformed', reason: 'no time' };

  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (!reservedAttributes.has(key) && typeof value === 'string') labels[key] = value;
  }
  const exitCode = integerAttribute(attributes, 'exitCode');
  const signal = integerAttribute(attributes, 'signal');
  const image = stringAt(attributes, 'image');
  const action = actionName as ContainerEventAction;
  const healthStatus =
    action === 'health_status' && actionDetail !== undefined && healthStatuses.has(actionDetail)
      ? (actionDetail as Exclude<DockerHealthStatus, 'none'>)
      : undefined;
  if (action === 'health_status' && healthStatus === undefined) {
    return { kind: 'malformed', reason: `unknown health status in "${fullAction}"` };
  }

  const event: ContainerEvent = {
    action,
    containerId,
    containerName: stringAt(attributes, 'name') ?? '',
    time: Number(timeNano / 1_000_000n),
    timeNano,
    labels,
    ...(exitCode === undefined ? {} : { exitCode }),
    ...(signal === undefined ? {} : { signal }),
    ...(healthStatus === undefined ? {} : { healthStatus }),
    ...(image === undefined ? {} : { image }),
  };
  return { kind: 'event', event };
}

/** `health_status: healthy` -> [`health_status`, `healthy`]; `exec_create: sh -c ...` likewise. */
function splitAction(action: string): [string, string | undefined] {
  const colon = action.indexOf(':');
  if (colon === -1) return [action, undefined];
  return [action.slice(0, colon).trim(), action.slice(colon + 1).trim()];
}

function readTimeNano(line: string, raw: object): bigint | undefined {
  const digits = /"timeNano"\s*:\s*(\d+)/.exec(line)?.[1];
  if (digits !== undefined) return BigInt(digits);
  const seconds = (raw as Record<string, unknown>).time;
  return typeof seconds === 'number' && Number.isFinite(seconds)
    ? BigInt(Math.trunc(seconds)) * 1_000_000_000n
    : undefined;
}

function integerAttribute(attributes: Readonly<Record<string, unknown>>, key: string): number | undefined {
  const value = attributes[key];
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) return undefined;
  return Number(value);
}
