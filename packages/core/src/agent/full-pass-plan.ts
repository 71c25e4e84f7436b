import type { ContainerSummary } from '../domain/container.js';
import type { ContainerWatch } from './container-watch.js';

/**
 * How long the periodic pass trusts what it last inspected of a container the configuration does
 * not monitor. Its list entry (state, name, labels) is compared at every pass; what the list does
 * not carry (networks, aliases, links: inputs of the dependency graph) is refreshed this often.
 */
export const unmonitoredRefreshMs = 5 * 60_000;

/** What the periodic pass asks of one container's check; undefined: nothing to check now. */
export interface PassCheck {
  readonly probe: boolean;
  readonly stats: boolean;
  /** The state the agent holds is current: the check need not inspect. */
  readonly knownState: boolean;
}

/**
 * What a full pass does with one container the engine listed. The pass is a safety net under the
 * event stream: while the stream is connected, every state change since the last inspect came as
 * an event and was checked then, so a periodic pass inspects only what its list entry says
 * changed. Inspecting each of 500 running containers every 30 s was a third of the agent's engine
 * calls; inspecting each container the configuration does not monitor was 5 of the 6 calls per
 * second an idle agent made on a host where most containers are someone else's. Any other pass
 * (at start, after a reconnect) inspects everything.
 */
export function planPassCheck(options: {
  readonly reason: string;
  readonly engineConnected: boolean;
  readonly listed: ContainerSummary;
  readonly watch: Pick<
    ContainerWatch,
    'details' | 'inspectedAt' | 'settings' | 'verdict' | 'incident' | 'nextProbeAt' | 'nextCheckAt'
  >;
  readonly now: number;
}): PassCheck | undefined {
  const { reason, engineConnected, listed, watch, now } = options;
  const probe = now >= watch.nextProbeAt;
  const stats = now >= watch.nextCheckAt;
  const periodic = reason === 'periodic' && engineConnected;
  // Running, as it was at its last inspect, healthy and with nothing due: its scheduled probes and
  // stats readings go on as before, without an inspect.
  const unchanged =
    periodic &&
    listed.state === 'running' &&
    watch.details?.state === 'running' &&
    watch.settings != null &&
    watch.verdict?.healthy === true &&
    watch.incident === undefined;
  if (unchanged && !probe && !stats) return undefined;
  // Not monitored: inspected once to learn it (its networks and labels feed the dependency graph
  // and the status list), then again only when its list entry changed, or every few minutes.
  if (periodic && watch.settings === null && unmonitoredUnchanged(watch, listed, now)) return undefined;
  return { probe, stats, knownState: unchanged };
}

/**
 * Whether a container nobody asked the agent to monitor is as it was last inspected: recently,
 * and with the same state, name and labels in its list entry (name and labels decide selection).
 */
function unmonitoredUnchanged(
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
