import type { ContainerState } from '@website-monitor/core';

const knownStates: ReadonlySet<string> = new Set<ContainerState>([
  'created',
  'running',
  'paused',
  'restarting',
  'removing',
  'exited',
  'dead',
]);

/**
 * Docker's state string in our union. The set has been the same from API 1.41 to 1.52; a value
 * we do not know is reported as `dead` so nothing treats an unknown state as a working one.
 */
export function toContainerState(value: unknown): ContainerState {
  return typeof value === 'string' && knownStates.has(value) ? (value as ContainerState) : 'dead';
}
