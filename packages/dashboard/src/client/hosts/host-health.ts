import type { HostSummary } from '../api/api-types.js';
import { formatAgo } from '../format/format.js';

/** Longest text from the API shown in a label; the full text goes to its title. */
export const maxLabelLength = 48;
/** Longest text put anywhere (a title included): no single field may fill the page. */
export const maxTitleLength = 300;

/** `text` cut to `max` characters (code points, so no surrogate is split), marked with "…". */
export function boundedText(text: string, max = maxLabelLength): string {
  if (text.length <= max) return text;
  const points = [...text];
  return points.length <= max ? text : `${points.slice(0, max - 1).join('')}…`;
}

export type HostState = 'healthy' | 'unhealthy' | 'not-reporting';

/** One host as the picker shows it; every string is bounded and meant to be set as text. */
export interface HostHealthView {
  readonly host: string;
  readonly label: string;
  readonly title: string;
  readonly state: HostState;
  readonly self: boolean;
  /** "standby" for a standby agent; null for the active one (the usual case, not worth a badge). */
  readonly role: string | null;
  readonly counts: string;
  readonly seen: string;
}

/**
 * Health of one host from its agent's last report: not reporting (its agent stopped writing
 * reports, so the counts are as old as `lastSeenAt`), unhealthy (an unhealthy container or an
 * open incident), else healthy.
 */
export function describeHost(host: HostSummary, now: number): HostHealthView {
  const lastSeen = Date.parse(host.lastSeenAt);
  const ago = Number.isFinite(lastSeen) ? formatAgo(lastSeen, now) : 'at an unknown time';
  const state: HostState = !host.reporting
    ? 'not-reporting'
    : host.unhealthy > 0 || host.openIncidents > 0
      ? 'unhealthy'
      : 'healthy';
  const engine = host.engineName && host.engineName !== host.host ? `engine ${host.engineName}, ` : '';
  return {
    host: host.host,
    label: boundedText(host.host),
    title: boundedText(
      `${host.host} (${engine}agent ${host.agentVersion}, ${host.role}, last report ${host.lastSeenAt})`,
      maxTitleLength,
    ),
    state,
    self: host.self,
    role: host.role === 'standby' ? 'standby' : null,
    counts: [
      count(host.containers, 'container'),
      `${host.unhealthy} unhealthy`,
      count(host.openIncidents, 'open incident'),
    ].join(' · '),
    seen: host.reporting
      ? `seen ${ago}`
      : Number.isFinite(lastSeen)
        ? `not reporting since ${formatSince(lastSeen, now)} (${ago})`
        : 'not reporting',
  };
}

/** "3 hosts · 1 not reporting" for the fleet entry. */
export function describeFleet(hosts: readonly HostSummary[]): string {
  const silent = hosts.filter((host) => !host.reporting).length;
  const unhealthy = hosts.reduce((sum, host) => sum + host.unhealthy, 0);
  const parts = [count(hosts.length, 'host'), `${unhealthy} unhealthy`];
  if (silent > 0) parts.push(`${silent} not reporting`);
  return parts.join(' · ');
}

/** A clock time (HH:MM) within the last day, else the date. */
function formatSince(at: number, now: number): string {
  if (now - at >= 86_400_000) return new Date(at).toISOString().slice(0, 10);
  return new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hour12: false });
}

function count(value: number, noun: string): string {
  return `${value} ${noun}${value === 1 ? '' : 's'}`;
}
