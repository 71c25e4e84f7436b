import type { ContainerSummary } from '../domain/container.js';
import type { ContainerWatch } from './container-watch.js';

/**
 * How long the periodic pass trusts what it last inspected of a container the configuration does
 * not monitor. Its list entry (state, name, labels) is compared at every pass; what the list does
 * not carry (networks, aliases, links: inputs of the dependency graph) is refreshed this often.
 */
export const unmonitoredRefreshMs = 5 * 60_000;

/**
 * Whether the periodic pass can skip inspecting a container nobody asked the agent to monitor:
 * it was inspected recently and its list entry matches that inspect, so its selection (name and
 * labels decide it) and state are as they were.
 */
export function unmonitoredUnchanged(
  watch: Pick<ContainerWatch, 'details' | 'inspectedAt'>,
  listed: ContainerSummary,
  now: number,
): boolean {
  const { details, inspectedAt } = watch;
  if (details === undefined || inspectedAt === undefined) return false;
  if (now - inspectedAt >= unmonitoredRefreshMs) return false;
  return (
    details.state === listed.state &&
    details.name === listed.name &&
    sameLabels(details.labels, listed.labels)
  );
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}
