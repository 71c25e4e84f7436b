/**
 * One agent's report about its host, upserted by `host` (`monitor_hosts`): who the engine is,
 * when the agent started and last reported, and a count of what it watches. Agents sharing one
 * database read every host's report for the fleet view (`GET /monitor/hosts`).
 */
export interface HostReport {
  /** The name the agent records under (the engine's Name, or `host:` / `WEBSITE_MONITOR_HOST`). */
  readonly host: string;
  /** The engine's ID (`docker info` → ID); null when the runtime cannot name its engine. */
  readonly engineId: string | null;
  /** The engine's own name (`docker info` → Name); null like `engineId`. */
  readonly engineName: string | null;
  readonly agentVersion: string;
  readonly role: HostRole;
  /** When this agent started (ms since the epoch). */
  readonly startedAt: number;
  /** When this report was written (ms since the epoch). */
  readonly lastSeenAt: number;
  /** Containers the agent knows on the engine. */
  readonly containers: number;
  /** Of those, the ones whose last verdict was `unhealthy` (not starting, paused or stopped by a person). */
  readonly unhealthy: number;
  readonly openIncidents: number;
}

/** The reporting agent's part on its engine: `active` acts, `standby` waits to take over. */
export type HostRole = 'active' | 'standby';

/** `hosts.report_interval` when not set: how often an agent rewrites its report. */
export const defaultHostReportIntervalSeconds = 15;

/** A host whose report is older than this many intervals is "not reporting". */
export const hostReportMissedIntervals = 3;

/**
 * Whether the host still reports, judged by the reader with its own interval (`hosts.report_interval`):
 * its report is at most `hostReportMissedIntervals` intervals old.
 *
 * @example
 * ```ts
 * import { isHostReporting } from '@website-monitor/core';
 *
 * const [report] = await store.listHosts();
 * isHostReporting({ report, now: Date.now(), intervalSeconds: 15 }); // false after 45 s of silence
 * ```
 */
export function isHostReporting(options: {
  readonly report: Pick<HostReport, 'lastSeenAt'>;
  readonly now: number;
  readonly intervalSeconds: number;
}): boolean {
  return (
    options.now - options.report.lastSeenAt <= hostReportMissedIntervals * options.intervalSeconds * 1000
  );
}

/** Longest host name accepted: what a DNS name may be. */
export const maxHostNameLength = 253;

/**
 * Why `name` cannot be a host name (undefined when it can): 1 to 253 printable characters, no
 * spaces at either end, not `*` (the API's "every host").
 *
 * @example
 * ```ts
 * import { hostNameProblem } from '@website-monitor/core';
 *
 * hostNameProblem('web-1'); // undefined
 * hostNameProblem('*'); // '"*" means every host in the API; choose another name'
 * ```
 */
export function hostNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'expected a host name, got an empty string';
  if (name.length > maxHostNameLength) {
    return `expected at most ${maxHostNameLength} characters, got ${name.length}`;
  }
  if (name.trim() !== name) return `expected no spaces at either end, got "${name}"`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return 'expected printable characters only';
  if (name === '*') return '"*" means every host in the API; choose another name';
  return undefined;
}
