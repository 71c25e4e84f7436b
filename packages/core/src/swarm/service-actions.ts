import { type AgentEmit, type AgentLog, describeError } from '../agent/agent-support.js';
import type { IncidentCoordinator } from '../agent/incident-coordinator.js';
import type { ServiceActionName } from '../domain/action.js';
import type { ActionDecidedBy, HealingActionRecord } from '../domain/healing-action.js';
import { transitionIncident, withAction } from '../incident/incident-lifecycle.js';
import type { ApprovalQueue } from '../policy/approval-queue.js';
import type { RestartBudget } from '../policy/restart-budget.js';
import type { Clock } from '../ports/clock.js';
import type { SwarmService, SwarmServices } from '../ports/swarm-services.js';
import type { Recorder } from '../record/recorder.js';
import { recordRedactor } from '../redact/record-redactor.js';
import type { ServiceWatch } from './service-watch.js';

export interface ServiceActionsDeps {
  readonly services: SwarmServices;
  readonly clock: Clock;
  readonly log: AgentLog;
  readonly emit: AgentEmit;
  readonly host: string;
  readonly newId: () => string;
  readonly recorder: Recorder;
  readonly incidents: IncidentCoordinator;
  readonly approvals: ApprovalQueue;
  /** Service actions per service name in the sliding hour (`max_restarts_per_hour`). */
  readonly budget: RestartBudget;
}

/** What became of one service action. */
export interface ServiceActionOutcome {
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * Carries out what the service policy decided, and records it under the service's name: an
 * action written `pending` before Swarm is asked, then its result; a dry run; a refusal (once per
 * incident); a request for a person's approval. The only code that changes a Swarm service.
 */
export interface ServiceActions {
  run(
    watch: ServiceWatch,
    input: {
      readonly action: ServiceActionName;
      readonly service: SwarmService;
      readonly reason: string;
      readonly requestedBy: ActionDecidedBy;
      readonly dryRun: boolean;
    },
  ): Promise<ServiceActionOutcome>;
  askApproval(watch: ServiceWatch, action: ServiceActionName, reason: string): Promise<void>;
  /** A refused action of the open incident, recorded the first time only. */
  recordSkipOnce(watch: ServiceWatch, action: string, reason: string): Promise<void>;
}

export function createServiceActions(deps: ServiceActionsDeps): ServiceActions {
  const { clock, log, emit, recorder, incidents } = deps;

  const record = async (
    watch: ServiceWatch,
    fields: Pick<HealingActionRecord, 'action' | 'reason' | 'decidedBy' | 'result' | 'detail'>,
  ): Promise<HealingActionRecord> => {
    const action = recordRedactor(undefined).action({
      id: deps.newId(),
      host: deps.host,
      incidentId: watch.record.incident?.id ?? '',
      containerId: watch.id,
      containerName: watch.name,
      startedAt: clock.now(),
      durationMs: fields.result === 'pending' ? null : 0,
      error: null,
      ...fields,
    });
    await recorder.saveHealingAction(action);
    return action;
  };

  return {
    async run(watch, { action, service, reason, requestedBy, dryRun }) {
      const now = clock.now();
      // Spent whether or not Swarm accepts it (as a restart is), and in a dry run too, so a dry
      // run shows the budget and the escalation the real agent would reach.
      deps.budget.record({ container: watch.name, at: now });
      const incident = watch.record.incident;
      if (incident !== undefined) {
        const from =
          incident.status === 'open' ? transitionIncident(incident, { to: 'diagnosing', now }) : incident;
        const healing = from.status === 'healing' ? from : transitionIncident(from, { to: 'healing', now });
        await incidents.update(watch.record, withAction(healing, action, now));
      }
      if (dryRun) {
        const recorded = await record(watch, {
          action,
          reason,
          decidedBy: requestedBy,
          result: 'dry_run',
          detail: 'dry run: nothing was changed',
        });
        emit('healing:attempt', recorded);
        emit('healing:result', recorded);
        log('warn', 'healing_attempt', {
          container: watch.name,
          action,
          reason: recorded.reason,
          dry_run: true,
        });
        return { ok: true, detail: 'dry run: nothing was changed' };
      }
      const pending = await record(watch, {
        action,
        reason,
        decidedBy: requestedBy,
        result: 'pending',
        detail: null,
      });
      emit('healing:attempt', pending);
      log('warn', 'healing_attempt', {
        container: watch.name,
        incident_id: pending.incidentId,
        action,
        reason: pending.reason,
        requested_by: requestedBy,
        service_version: service.version,
      });
      let outcome: ServiceActionOutcome;
      try {
        if (action === 'rollback_service') {
          await deps.services.rollbackService({ id: service.id, version: service.version });
          outcome = {
            ok: true,
            detail: `Swarm is rolling ${service.name} back to its previous spec${service.previousImage === null ? '' : ` (image ${service.previousImage})`}`,
          };
        } else {
          await deps.services.forceUpdateService({ id: service.id, version: service.version });
          outcome = { ok: true, detail: `Swarm is replacing every task of ${service.name} (forced update)` };
        }
      } catch (error) {
        outcome = { ok: false, detail: describeError(error) };
      }
      const detail = recordRedactor(undefined).text(outcome.detail);
      const finished: HealingActionRecord = {
        ...pending,
        result: outcome.ok ? 'succeeded' : 'failed',
        durationMs: clock.now() - pending.startedAt,
        detail,
        error: outcome.ok ? null : detail,
      };
      await recorder.saveHealingAction(finished);
      emit('healing:result', finished);
      log(outcome.ok ? 'info' : 'error', 'healing_result', {
        container: watch.name,
        incident_id: finished.incidentId,
        action,
        result: finished.result,
        duration_ms: finished.durationMs,
        detail,
      });
      if (outcome.ok) watch.record.healedByUs = true;
      return outcome;
    },

    async askApproval(watch, action, reason) {
      const incident = watch.record.incident;
      if (incident === undefined) return;
      const { request, created } = deps.approvals.request({
        id: deps.newId(),
        incident,
        action,
        reason,
        now: clock.now(),
      });
      if (!created) return;
      await incidents.awaitApproval(watch.record, { incident, approval: request, action, reason });
    },

    async recordSkipOnce(watch, action, reason) {
      if (watch.skipsRecorded.has(action)) return;
      watch.skipsRecorded.add(action);
      await record(watch, { action, reason, decidedBy: 'rule', result: 'skipped', detail: reason });
    },
  };
}
