import type { ContainerSummary } from '@website-monitor/core';
import { boundLabels } from '../inspect/bound-labels.js';
import { arrayAt, stringAt, stringMapAt } from '../json/read-json.js';
import { toContainerState } from '../state/to-container-state.js';

/** One entry of `GET /containers/json?all=true` in our words. */
export function mapContainerSummary(raw: unknown): ContainerSummary {
  return {
    id: stringAt(raw, 'Id') ?? '',
    name: primaryName(arrayAt(raw, 'Names') ?? []),
    image: stringAt(raw, 'Image') ?? '',
    state: toContainerState(stringAt(raw, 'State')),
    labels: boundLabels(stringMapAt(raw, 'Labels')),
  };
}

/**
 * Docker lists legacy link aliases (`/web/db`) beside the real name (`/db`); the real one is
 * the name with no inner slash.
 */
function primaryName(names: readonly unknown[]): string {
  const stripped = names.filter((name): name is string => typeof name === 'string').map(stripLeadingSlash);
  return stripped.find((name) => !name.includes('/')) ?? stripped[0] ?? '';
}

export function stripLeadingSlash(name: string): string {
  return name.startsWith('/') ? name.slice(1) : name;
}
