import { type Incident, openIncidentStatuses } from '../domain/incident.js';
import type { BaselineBook } from '../learn/baseline-book.js';
import type { ApprovalQueue } from '../policy/approval-queue.js';
import { restartBudgetWindowMs } from '../policy/restart-budget.js';
import type { Clock } from '../ports/clock.js';
import type { Recorder } from '../record/recorder.js';
import { type AgentLog, describeError } from './agent-support.js';
import type { RestartLedger } from './restart-ledger.js';

/** Incidents restored from the store, waiting for their container to be seen again (by name). */
export interface RestoredIncidents {
  add(incident: Incident): void;
  /** The incident restored for this container name, handed out once. */
  take(containerName: string): Incident | undefined;
}

export function createRestoredIncidents(): RestoredIncidents {
  const byName = new Map<string, Incident>();
  return {
    add(incident) {
      byName.set(incident.containerName, incident);
    },
    take(containerName) {
      const incident = byName.get(containerName);
      byName.delete(containerName);
      return incident;
    },
  };
}

export interface RestoreDeps {
  readonly host: string;
  readonly clock: Clock;
  readonly recorder: Recorder;
  readonly log: AgentLog;
  readonly baselines: Pick<BaselineBook, 'restore'>;
  readonly incidents: RestoredIncidents;
  readonly ledger: Pick<RestartLedger, 'restore'>;
  readonly approvals: Pick<ApprovalQueue, 'restore'>;
}

/** A restarted agent picks up where it left off: open incidents, restart budgets, approvals. */
export async function restoreState(deps: RestoreDeps): Promise<void> {
  const { host, recorder, log } = deps;
  const store = recorder.store;
  const now = deps.clock.now();
  try {
    const [incidents, actions, approvals, baselines] = await Promise.all([
      store.listIncidents({ host, statuses: openIncidentStatuses }),
      store.listHealingActions({ host, since: now - restartBudgetWindowMs }),
      store.listApprovals({ host, statuses: ['pending'] }),
      store.listBaselines({ host }),
    ]);
    deps.baselines.restore(baselines);
    for (const incident of incidents) deps.incidents.add(incident);
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
    if (incidents.length + actions.length + approvals.length > 0) {
      log('info', 'state_restored', {
        open_incidents: incidents.length,
        recent_actions: actions.length,
        pending_approvals: approvals.length,
      });
    }
  } catch (error) {
    log('error', 'state_restore_failed', { error: describeError(error) });
  }
}
