import type { AgentEmit, AgentLog } from '../agent/agent-support.js';
import type { HealingRequestOutcome } from '../agent/monitor-agent-api.js';
import { isServiceActionName, type ServiceActionName, serviceActionNames } from '../domain/action.js';
import type { ApprovalRequest } from '../domain/healing-action.js';
import { transitionIncident } from '../incident/incident-lifecycle.js';
import type { ApprovalQueue } from '../policy/approval-queue.js';
import type { Clock } from '../ports/clock.js';
import type { SwarmService } from '../ports/swarm-services.js';
import type { Recorder } from '../record/recorder.js';
import { decideServiceHealing, type ServiceHealingInput } from './decide-service-healing.js';
import type { ServiceActions } from './service-actions.js';
import type { ServiceIncidents } from './service-incidents.js';
import type { ServiceTaskSummary } from './service-task-summary.js';
import type { ServiceWatch } from './service-watch.js';
import type { SwarmTaskContainers } from './swarm-task-containers.js';

export interface ServiceRequestsDeps {
  readonly clock: Clock;
  readonly log: AgentLog;
  readonly emit: AgentEmit;
  readonly recorder: Recorder;
  readonly approvals: ApprovalQueue;
  readonly tasks: Pick<SwarmTaskContainers, 'isTask' | 'taskOf'>;
  readonly incidents: ServiceIncidents;
  /** Undefined without a Swarm service API: a person's request then cannot be carried out. */
  readonly actions: ServiceActions | undefined;
  /** The service and its tasks as Swarm says now, with its budget's limit; undefined when unreadable. */
  readonly read: (
    watch: ServiceWatch,
  ) => Promise<{ service: SwarmService; summary: ServiceTaskSummary; limit: number } | undefined>;
  readonly policyInput: (
    watch: ServiceWatch,
    service: SwarmService,
    summary: ServiceTaskSummary,
    limit: number,
    request: { readonly action: ServiceActionName },
  ) => ServiceHealingInput;
  /** The service is looked at again soon (to follow what the action started). */
  readonly lookSoon: (watch: ServiceWatch) => void;
  /** The watched service of this name or ID, else the one Swarm knows by it (then watched). */
  readonly serviceNamed: (nameOrId: string) => Promise<ServiceWatch | undefined>;
  /** True when a service of this name or ID is watched now. */
  readonly isWatched: (nameOrId: string) => boolean;
  readonly hasServiceApi: boolean;
}

/**
 * A person's side of a Swarm service: their request (the REST API's `POST /monitor/heal`) and
 * their answer to an approval. Both go through `decideServiceHealing` as a person's request: past
 * the allowlists, never against Swarm's own update, within the service's budget.
 */
export interface ServiceRequests {
  /** True for a pending approval of a service action. */
  ownsApproval(id: string): boolean;
  approve(options: { readonly id: string; readonly by: string }): Promise<HealingRequestOutcome>;
  reject(options: { readonly id: string; readonly by: string; readonly reason?: string }): Promise<void>;
  /** Undefined when the request is about neither a service nor a Swarm task's container. */
  requestHealing(options: {
    readonly container: string;
    readonly action?: string;
    readonly reason: string;
    readonly by: string;
  }): Promise<HealingRequestOutcome | undefined>;
}

export function createServiceRequests(deps: ServiceRequestsDeps): ServiceRequests {
  const { clock, log, incidents } = deps;

  const run = async (
    watch: ServiceWatch,
    action: ServiceActionName,
    reason: string,
    requester: string,
  ): Promise<HealingRequestOutcome> => {
    const seen = deps.actions === undefined ? undefined : await deps.read(watch);
    if (seen === undefined || deps.actions === undefined)
      return { kind: 'skip', reason: `the Swarm service ${watch.name} cannot be read now`, changed: false };
    const { service, summary, limit } = seen;
    const decision = decideServiceHealing(deps.policyInput(watch, service, summary, limit, { action }));
    log('info', 'healing_decision', {
      container: watch.name,
      incident_id: watch.record.incident?.id,
      swarm_service: true,
      action,
      decision: decision.kind,
      reason: decision.reason,
      requested_by: 'person',
    });
    if (decision.kind !== 'act') {
      const kind = decision.kind === 'wait' || decision.kind === 'escalate' ? decision.kind : 'skip';
      return { kind, reason: decision.reason, changed: false };
    }
    if (watch.record.incident === undefined)
      await incidents.openRequested(watch, service, summary, `requested by ${requester}: ${reason}`);
    const outcome = await deps.actions.run(watch, {
      action,
      service,
      reason: `${reason}; ${decision.reason}`,
      requestedBy: 'person',
      dryRun: decision.dryRun,
    });
    if (!decision.dryRun) watch.failuresCountFrom = clock.now();
    deps.lookSoon(watch);
    return {
      kind: 'act',
      reason: outcome.ok ? decision.reason : `${action} failed: ${outcome.detail}`,
      changed: outcome.ok && !decision.dryRun,
    };
  };

  const decided = async (approval: ApprovalRequest, decision: 'approved' | 'rejected', by: string) => {
    await deps.recorder.saveApproval(approval);
    deps.emit('approval:decided', approval);
    log('info', 'approval_decided', { approval_id: approval.id, action: approval.action, decision, by });
    return (
      (await deps.serviceNamed(approval.containerId)) ?? (await deps.serviceNamed(approval.containerName))
    );
  };

  return {
    ownsApproval(id) {
      const approval = deps.approvals.get(id);
      return approval !== undefined && isServiceActionName(approval.action);
    },

    async approve(options) {
      const approval = deps.approvals.approve({ id: options.id, by: options.by, now: clock.now() });
      const watch = await decided(approval, 'approved', options.by);
      const incident = watch?.record.incident;
      if (watch === undefined || incident === undefined || incident.id !== approval.incidentId)
        return { kind: 'skip', reason: `incident ${approval.incidentId} is no longer open`, changed: false };
      if (incident.status !== 'healing') {
        await incidents.coordinator.update(
          watch.record,
          transitionIncident(incident, { to: 'healing', now: clock.now() }),
        );
      }
      return run(
        watch,
        approval.action as ServiceActionName,
        `approved by ${options.by}: ${approval.reason}`,
        options.by,
      );
    },

    async reject(options) {
      const approval = deps.approvals.reject({ id: options.id, by: options.by, now: clock.now() });
      const watch = await decided(approval, 'rejected', options.by);
      if (watch?.record.incident !== undefined && watch.record.incident.id === approval.incidentId) {
        await incidents.coordinator.escalate(
          watch.record,
          `${approval.action} rejected by ${options.by}${options.reason ? `: ${options.reason}` : ''}`,
        );
      }
    },

    async requestHealing(options) {
      if (deps.tasks.isTask(options.container)) {
        const service = deps.tasks.taskOf(options.container)?.serviceName;
        return {
          kind: 'skip',
          reason: `${options.container} is a task of ${service === undefined ? 'a Swarm service' : `the Swarm service ${service}`}: Swarm replaces its tasks, so the agent does not act on the container; ask for rollback_service or force_redeploy_service on the service instead`,
          changed: false,
        };
      }
      const serviceAction = options.action !== undefined && isServiceActionName(options.action);
      if (!serviceAction && !deps.isWatched(options.container)) return undefined;
      const watch = await deps.serviceNamed(options.container);
      if (watch === undefined) {
        return {
          kind: 'skip',
          reason: `no Swarm service named ${options.container} can be read${deps.hasServiceApi ? '' : ' (the agent has no Swarm service API)'}`,
          changed: false,
        };
      }
      const action = options.action ?? 'force_redeploy_service';
      if (!isServiceActionName(action)) {
        return {
          kind: 'skip',
          reason: `${options.container} is a Swarm service: only ${serviceActionNames.join(' or ')} act on it, not ${action}`,
          changed: false,
        };
      }
      return run(watch, action, `requested by ${options.by}: ${options.reason}`, options.by);
    },
  };
}
