import type { ContainerStatus } from '../agent/monitor-agent-api.js';
import type { HostReport, HostRole } from '../domain/host-report.js';
import type { EngineInfo } from '../ports/container-runtime.js';
import type { Store } from '../ports/store.js';

/** What one report is made of: who this agent is and what it watches now. */
export interface HostReportSource {
  readonly host: string;
  /** Undefined when the runtime cannot name its engine. */
  readonly engine: EngineInfo | undefined;
  readonly agentVersion: string;
  readonly role: HostRole;
  readonly startedAt: number;
}

/** This agent's report at `now`, counted from its status lines (one per known container). */
export function buildHostReport(
  source: HostReportSource,
  lines: readonly ContainerStatus[],
  now: number,
): HostReport {
  return {
    host: source.host,
    engineId: source.engine?.id ?? null,
    engineName: source.engine?.name ?? null,
    agentVersion: source.agentVersion,
    role: source.role,
    startedAt: source.startedAt,
    lastSeenAt: now,
    containers: lines.length,
    // Starting, paused or stopped by a person is not unhealthy.
    unhealthy: lines.filter((line) => line.verdict?.status === 'unhealthy').length,
    openIncidents: lines.filter((line) => line.incident !== undefined).length,
  };
}

/** Upserts the report (`monitor_hosts`); a failure is the caller's to log, the next report retries. */
export async function writeHostReport(options: {
  readonly store: Store;
  readonly source: HostReportSource;
  readonly lines: readonly ContainerStatus[];
  readonly now: number;
}): Promise<void> {
  await options.store.saveHostReport({ report: buildHostReport(options.source, options.lines, options.now) });
}
