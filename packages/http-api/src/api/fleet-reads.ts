import {
  type Clock,
  defaultHostReportIntervalSeconds,
  type HealthSample,
  type HostReport,
  type Incident,
  isHostReporting,
  type MonitorAgentApi,
  openIncidentStatuses,
} from '@website-monitor/core';
import { ApiError } from '../http/api-error.js';

/**
 * Whose records a read is about (`?host=`): this agent's host (absent, or its own name), another
 * host sharing the database, or every host (`*`).
 */
export type HostScope =
  | { readonly kind: 'self'; readonly host: string }
  | { readonly kind: 'other'; readonly host: string; readonly report: HostReport | undefined }
  | { readonly kind: 'all' };

/** How far back the status of another host looks for each container's newest sample. */
export const storedStatusWindowMs = 10 * 60_000;
/** The most samples one stored status reads (the newest of the window). */
const storedStatusMaxSamples = 10_000;

/** `?host=` to a scope; a name no agent reported under and with no incident or sample is 404. */
export async function resolveHostScope(
  agent: MonitorAgentApi,
  requested: string | undefined,
): Promise<HostScope> {
  if (requested === undefined || requested === agent.host) return { kind: 'self', host: agent.host };
  if (requested === '*') return { kind: 'all' };
  const report = (await agent.store.listHosts()).find((row) => row.host === requested);
  if (report) return { kind: 'other', host: requested, report };
  // Rows from before hosts reported (e.g. the old default `local`) are still a host's history.
  const [incident] = await agent.store.listIncidents({ host: requested, limit: 1 });
  const [sample] = incident ? [] : await agent.store.listHealthSamples({ host: requested, limit: 1 });
  if (incident || sample) return { kind: 'other', host: requested, report: undefined };
  throw new ApiError(
    'not_found',
    `no host named "${requested}" is known to this monitor's store (GET /monitor/hosts lists the hosts)`,
    { details: { host: requested } },
  );
}

/** A write names another host: it acts on this agent's engine only, so say whom to ask. */
export function refuseOtherHostWrite(agent: MonitorAgentApi, requested: string | undefined): void {
  if (requested === undefined || requested === agent.host) return;
  const target = requested === '*' ? 'every host' : `host "${requested}"`;
  throw new ApiError(
    'conflict',
    `this agent acts only on its own host "${agent.host}"; to act on ${target}, call the API of the agent recording under ${requested === '*' ? 'each host' : `"${requested}"`}`,
    { details: { host: requested, self: agent.host } },
  );
}

/** The reader's own interval decides staleness: a host is not reporting after 3 of them. */
export function reportIntervalSeconds(agent: MonitorAgentApi): number {
  return agent.config.hosts?.reportIntervalSeconds ?? defaultHostReportIntervalSeconds;
}

/** `GET /monitor/hosts`: every host's report, sorted by host, with "reporting" and "self". */
export async function listFleetHosts(agent: MonitorAgentApi, clock: Clock) {
  const now = clock.now();
  const intervalSeconds = reportIntervalSeconds(agent);
  const reports = [...(await agent.store.listHosts())].sort((a, b) => compareText(a.host, b.host));
  return {
    hosts: reports.map((report) => ({
      host: report.host,
      engineId: report.engineId,
      engineName: report.engineName,
      role: report.role,
      agentVersion: report.agentVersion,
      startedAt: new Date(report.startedAt).toISOString(),
      lastSeenAt: new Date(report.lastSeenAt).toISOString(),
      reporting: isHostReporting({ report, now, intervalSeconds }),
      self: report.host === agent.host,
      containers: report.containers,
      unhealthy: report.unhealthy,
      openIncidents: report.openIncidents,
    })),
    self: agent.host,
  };
}

/**
 * Another host's containers from the store: each one's newest sample of the last 10 minutes, and
 * its open incident (a container with an open incident and no recent sample is listed too).
 */
export async function storedStatusLines(agent: MonitorAgentApi, host: string, now: number) {
  const samples = await agent.store.listHealthSamples({
    host,
    since: now - storedStatusWindowMs,
    limit: storedStatusMaxSamples,
  });
  const incidents = await agent.store.listIncidents({ host, statuses: openIncidentStatuses, limit: 1000 });
  const newest = new Map<string, HealthSample>();
  for (const sample of samples) {
    const seen = newest.get(sample.containerName);
    if (!seen || sample.checkedAt >= seen.checkedAt) newest.set(sample.containerName, sample);
  }
  const open = new Map<string, Incident>();
  // Newest first: the first one seen per container is its current incident.
  for (const incident of incidents)
    if (!open.has(incident.containerName)) open.set(incident.containerName, incident);
  const names = [...new Set([...newest.keys(), ...open.keys()])].sort(compareText);
  return names.map((name) => {
    const sample = newest.get(name);
    const incident = open.get(name);
    return {
      id: sample?.containerId ?? incident?.containerId ?? '',
      name,
      monitored: true,
      state: sample?.metrics.state ?? null,
      health: sample?.status ?? null,
      lastCheckAt: sample?.checkedAt ?? null,
      verdict: sample
        ? {
            containerId: sample.containerId,
            containerName: sample.containerName,
            checkedAt: sample.checkedAt,
            healthy: sample.healthy,
            status: sample.status,
            problems: sample.problems,
            metrics: sample.metrics,
          }
        : null,
      incident: incident ?? null,
      restartsLeft: null,
      critical: false,
      host,
    };
  });
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
