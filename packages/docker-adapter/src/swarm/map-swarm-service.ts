import { isDeepStrictEqual } from 'node:util';
import type {
  SwarmService,
  SwarmServiceMode,
  SwarmUpdateState,
  SwarmUpdateStatus,
} from '@website-monitor/core';
import { boundLabels } from '../inspect/bound-labels.js';
import { type JsonRecord, numberAt, recordAt, stringAt, stringMapAt } from '../json/read-json.js';

/** Longest text kept of Swarm's own sentences (an update's message quotes a task ID, or more). */
export const maxSwarmTextChars = 1024;
/** The spec fields named as changed by an update, at most. */
const maxChangedFields = 24;

const updateStates: ReadonlySet<string> = new Set<SwarmUpdateState>([
  'updating',
  'paused',
  'completed',
  'rollback_started',
  'rollback_paused',
  'rollback_completed',
]);

/**
 * `GET /services/{id}` to our `SwarmService`. Read from the Engine API's Go types (the published
 * swagger leaves out `PreviousSpec` and the rollback states): fields absent on older or newer
 * engines fall back (no `UpdateStatus` when never updated, no `PreviousSpec` before an update).
 * Nothing of the spec's values is kept but the image: the environment holds secrets.
 */
export function mapSwarmService(raw: unknown): SwarmService {
  const spec = recordAt(raw, 'Spec');
  const previous = recordAt(raw, 'PreviousSpec');
  const replicated = recordAt(recordAt(spec, 'Mode'), 'Replicated');
  const replicatedJob = recordAt(recordAt(spec, 'Mode'), 'ReplicatedJob');
  const mode = modeOf(recordAt(spec, 'Mode'));
  return {
    id: stringAt(raw, 'ID') ?? '',
    name: bounded(stringAt(spec, 'Name') ?? ''),
    version: numberAt(recordAt(raw, 'Version'), 'Index') ?? 0,
    createdAt: timeAt(raw, 'CreatedAt'),
    updatedAt: timeAt(raw, 'UpdatedAt'),
    mode,
    replicas:
      mode === 'replicated'
        ? (numberAt(replicated, 'Replicas') ?? 0)
        : mode === 'replicated-job'
          ? (numberAt(replicatedJob, 'TotalCompletions') ?? null)
          : null,
    image: bounded(imageOf(spec)),
    previousImage: previous === undefined ? null : bounded(imageOf(previous)),
    hasPreviousSpec: previous !== undefined,
    changedByLastUpdate: previous === undefined || spec === undefined ? [] : changedFields(previous, spec),
    forceUpdate: numberAt(recordAt(spec, 'TaskTemplate'), 'ForceUpdate') ?? 0,
    updateStatus: updateStatusOf(recordAt(raw, 'UpdateStatus')),
    labels: boundLabels(stringMapAt(spec, 'Labels')),
  };
}

function modeOf(mode: JsonRecord | undefined): SwarmServiceMode {
  if (recordAt(mode, 'Replicated') !== undefined) return 'replicated';
  if (recordAt(mode, 'Global') !== undefined) return 'global';
  if (recordAt(mode, 'ReplicatedJob') !== undefined) return 'replicated-job';
  if (recordAt(mode, 'GlobalJob') !== undefined) return 'global-job';
  return 'unknown';
}

function imageOf(spec: JsonRecord | undefined): string {
  return stringAt(recordAt(recordAt(spec, 'TaskTemplate'), 'ContainerSpec'), 'Image') ?? '';
}

function updateStatusOf(status: JsonRecord | undefined): SwarmUpdateStatus | null {
  const state = stringAt(status, 'State');
  if (state === undefined || !updateStates.has(state)) return null;
  return {
    state: state as SwarmUpdateState,
    startedAt: timeAt(status, 'StartedAt'),
    completedAt: timeAt(status, 'CompletedAt'),
    message: bounded(stringAt(status, 'Message') ?? ''),
  };
}

/**
 * The fields an update changed, by Docker's names, one level into the task template and its
 * container spec: `ContainerSpec.Image`, `ContainerSpec.Env`, `TaskTemplate.Resources`, `Mode`.
 * Only names are compared out: the values (an environment, secrets' names) stay where they are.
 */
function changedFields(previous: JsonRecord, current: JsonRecord): string[] {
  const changed: string[] = [];
  const compare = (
    before: JsonRecord | undefined,
    after: JsonRecord | undefined,
    prefix: string,
    skip: string,
  ) => {
    const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
    for (const key of [...keys].sort()) {
      if (key === skip || key.length > 64) continue;
      if (!isDeepStrictEqual(before?.[key], after?.[key])) changed.push(`${prefix}${key}`);
    }
  };
  const previousTemplate = recordAt(previous, 'TaskTemplate');
  const currentTemplate = recordAt(current, 'TaskTemplate');
  compare(
    recordAt(previousTemplate, 'ContainerSpec'),
    recordAt(currentTemplate, 'ContainerSpec'),
    'ContainerSpec.',
    '',
  );
  compare(previousTemplate, currentTemplate, 'TaskTemplate.', 'ContainerSpec');
  compare(previous, current, '', 'TaskTemplate');
  return changed.slice(0, maxChangedFields);
}

/** An RFC 3339 time to ms since the epoch; null when absent, unreadable or Go's zero time. */
export function timeAt(value: unknown, key: string): number | null {
  const text = stringAt(value, key);
  if (text === undefined || text.startsWith('0001-01-01')) return null;
  const time = Date.parse(text);
  return Number.isFinite(time) ? time : null;
}

export function bounded(text: string): string {
  return text.length > maxSwarmTextChars ? `${text.slice(0, maxSwarmTextChars)}…` : text;
}
