import type { SwarmTask, SwarmTaskState } from '@website-monitor/core';
import { numberAt, recordAt, stringAt } from '../json/read-json.js';
import { bounded, timeAt } from './map-swarm-service.js';

const taskStates: ReadonlySet<string> = new Set<SwarmTaskState>([
  'new',
  'allocated',
  'pending',
  'assigned',
  'accepted',
  'preparing',
  'ready',
  'starting',
  'running',
  'complete',
  'shutdown',
  'failed',
  'rejected',
  'remove',
  'orphaned',
]);

/**
 * One entry of `GET /tasks` to our `SwarmTask`. The exit code is read only once the task ended
 * (a running task's `ContainerStatus.ExitCode` is 0 or absent and says nothing).
 */
export function mapSwarmTask(raw: unknown): SwarmTask {
  const status = recordAt(raw, 'Status');
  const containerStatus = recordAt(status, 'ContainerStatus');
  const state = stateOf(stringAt(status, 'State'));
  const ended = state === 'failed' || state === 'complete' || state === 'shutdown' || state === 'rejected';
  const containerId = stringAt(containerStatus, 'ContainerID');
  const slot = numberAt(raw, 'Slot');
  return {
    id: stringAt(raw, 'ID') ?? '',
    serviceId: stringAt(raw, 'ServiceID') ?? '',
    slot: slot === undefined || slot === 0 ? null : slot,
    nodeId: stringAt(raw, 'NodeID') ?? '',
    createdAt: timeAt(raw, 'CreatedAt'),
    state,
    desiredState: stateOf(stringAt(raw, 'DesiredState')),
    stateAt: timeAt(status, 'Timestamp'),
    message: bounded(stringAt(status, 'Message') ?? ''),
    error: bounded(stringAt(status, 'Err') ?? ''),
    containerId: containerId === undefined || containerId === '' ? null : containerId,
    exitCode: ended ? (numberAt(containerStatus, 'ExitCode') ?? null) : null,
    image: bounded(stringAt(recordAt(recordAt(raw, 'Spec'), 'ContainerSpec'), 'Image') ?? ''),
  };
}

function stateOf(state: string | undefined): SwarmTaskState {
  return state !== undefined && taskStates.has(state) ? (state as SwarmTaskState) : 'unknown';
}
