import { defaultMonitorConfig } from '../config/default-monitor-config.js';
import type { HealthSample } from '../domain/health.js';
import { type Incident, openIncidentStatuses } from '../domain/incident.js';
import type { BaselineBook } from '../learn/baseline-book.js';
import type { ApprovalQueue } from '../policy/approval-queue.js';
import { restartBudgetWindowMs } from '../policy/restart-budget.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import type { Recorder } from '../record/recorder.js';
import { type AgentLog, describeError } from './agent-support.js';
import type { RestartLedger } from './restart-ledger.js';

/** Incidents restored from the store, waiting for their container to be seen again (by name). */
export interface RestoredIncidents {
  add(incident: Incident): void;
  /** The open incident restored for this container name, handed out once. */
  take(containerName: string): Incident | undefined;
  /** A recovery within the reopen window: the container's failure reopens it (newest per name). */
  addResolved(incident: Incident): void;
  /** The resolved incident restored for this container name, handed out once. */
  takeResolved(containerName: string): Incident | undefined;
}

export function createRestoredIncidents(): RestoredIncidents {
  const byName = new Map<string, Incident>();
  const resolvedByName = new Map<string, Incident>();
  const takeFrom = (map: Map<string, Incident>, containerName: string) => {
    const incident = map.get(containerName);
    map.delete(containerName);
    return incident;
  };
  return {
    add(incident) {
      byName.set(incident.containerName, incident);
    },
    take(containerName) {
      return takeFrom(byName, containerName);
    },
    addResolved(incident) {
      const kept = resolvedByName.get(incident.containerName);
      if (kept && (kept.resolvedAt ?? 0) >= (incident.resolvedAt ?? 0)) return;
      resolvedByName.set(incident.containerName, incident);
    },
    takeResolved(containerName) {
      return takeFrom(resolvedByName, containerName);
    },
  };
}

/**
 * Resolved incidents read back to find the ones still within the reopen window. The store filters
 * on when an incident opened, and a crash loop reopened for hours opened long ago, so the newest
 * are read and filtered on when they resolved.
 */
export const restoredResolvedLimit = 500;
/** How far before a resolution the health samples are read to tell a recovery from a stop. */
const resolutionSampleWindowMs = 60_000;

export interface RestoreDeps {
  readonly host: string;
  readonly clock: Clock;
  readonly recorder: Recorder;
  readonly log: AgentLog;
  readonly baselines: Pick<BaselineBook, 'restore'>;
  readonly incidents: RestoredIncidents;
  readonly ledger: Pick<RestartLedger, 'restore'>;
  readonly approvals: Pick<ApprovalQueue, 'restore'>;
  /** `healing.reopen_window_seconds`; defaults to the default configuration's (600 s). */
  readonly reopenWindowSeconds?: number;
}

/**
 * A restarted agent picks up where it left off: open incidents, restart budgets, approvals, and
 * the recoveries a failure may still reopen.
 */
export async function restoreState(deps: RestoreDeps): Promise<void> {
  const { host, recorder, log } = deps;
  const store = recorder.store;
  const now = deps.clock.now();
  const reopenWindowMs =
    (deps.reopenWindowSeconds ?? defaultMonitorConfig().healing.reopenWindowSeconds) * 1000;
  try {
    const [incidents, actions, approvals, baselines, resolved] = await Promise.all([
      store.listIncidents({ host, statuses: openIncidentStatuses }),
      store.listHealingActions({ host, since: now - restartBudgetWindowMs }),
      store.listApprovals({ host, statuses: ['pending'] }),
      store.listBaselines({ host }),
      reopenWindowMs > 0
        ? store.listIncidents({ host, statuses: ['resolved'], limit: restoredResolvedLimit })
        : [],
    ]);
    deps.baselines.restore(baselines);
    for (const incident of incidents) deps.incidents.add(incident);
    // Without them a failure opens a new incident instead: not worth failing the restore for.
    const reopenable = await recoveriesWithin(store, host, resolved, now - reopenWindowMs).catch(
      (error: unknown) => {
        log('warn', 'reopenable_incidents_not_restored', { error: describeError(error) });
        return [];
      },
    );
    for (const incident of reopenable) deps.incidents.addResolved(incident);
    deps.ledger.restore({ actions });
    deps.approvals.restore(approvals);
    // An attempt still `pending` was cut short by the previous agent's end: say so rather than
    // leave it pending for ever (it still counts against the restart budget above).
    for (const action of actions.filter((candidate) => candidate.result === 'pending')) {
      await recorder.saveHealingAction({
        ...action,
        result: 'failed',
        error: 'interrupted: the agent stopped before this action reported its result',
      });
    }
    if (incidents.length + actions.length + approvals.length + reopenable.length > 0) {
      log('info', 'state_restored', {
        open_incidents: incidents.length,
        recent_actions: actions.length,
        pending_approvals: approvals.length,
        reopenable_incidents: reopenable.length,
      });
    }
  } catch (error) {
    log('error', 'state_restore_failed', { error: describeError(error) });
  }
}

/**
 * Each container's newest incident resolved since `since`, if it was a recovery. An incident left
 * alone (a person stopped or paused the container) is never reopened; the store does not say how an
 * incident resolved, but the health sample recorded when it did (every change of status is) does.
 */
async function recoveriesWithin(
  store: Store,
  host: string,
  resolved: readonly Incident[],
  since: number,
): Promise<Incident[]> {
  const newest = new Map<string, Incident>();
  for (const incident of resolved) {
    if (incident.resolvedAt === null || incident.resolvedAt < since) continue;
    const kept = newest.get(incident.containerName);
    if (!kept || (kept.resolvedAt ?? 0) < incident.resolvedAt) newest.set(incident.containerName, incident);
  }
  const judged = await Promise.all(
    [...newest.values()].map(async (incident) => {
      const resolvedAt = incident.resolvedAt ?? 0;
      const samples = await store.listHealthSamples({
        host,
        containerName: incident.containerName,
        since: resolvedAt - resolutionSampleWindowMs,
        limit: 500,
      });
      const last = lastAtOrBefore(samples, resolvedAt);
      // No sample (lost with a crashed agent's buffer): a recovery is by far the likelier end.
      return last === undefined || last.healthy ? incident : undefined;
    }),
  );
  return judged.filter((incident): incident is Incident => incident !== undefined);
}

function lastAtOrBefore(samples: readonly HealthSample[], at: number): HealthSample | undefined {
  let last: HealthSample | undefined;
  for (const sample of samples) {
    if (sample.checkedAt <= at && (last === undefined || sample.checkedAt >= last.checkedAt)) last = sample;
  }
  return last;
}
