import type { ApprovalRequest } from '../domain/healing-action.js';
import type { HealthVerdict } from '../domain/health.js';
import type { Incident } from '../domain/incident.js';
import {
  escalateIncident,
  openIncident,
  resolveIncident,
  transitionIncident,
} from '../incident/incident-lifecycle.js';
import type { CircuitBreaker } from '../policy/circuit-breaker.js';
import type { Clock } from '../ports/clock.js';
import type { Notification, Notifier } from '../ports/notifier.js';
import type { Recorder } from '../record/recorder.js';
import { type AgentEmit, type AgentLog, describeError } from './agent-support.js';
import type { ContainerWatch } from './container-watch.js';

export interface IncidentCoordinatorDeps {
  readonly host: string;
  readonly clock: Clock;
  readonly newId: () => string;
  readonly recorder: Recorder;
  readonly emit: AgentEmit;
  readonly log: AgentLog;
  readonly notifier: Notifier | undefined;
  /** Closed when the incident that tripped it resolves. */
  readonly breaker: Pick<CircuitBreaker, 'incidentResolved'>;
  /** After an incident resolved and was told: dependents that waited on the container get their turn. */
  readonly afterResolved: (watch: ContainerWatch, resolved: Incident) => Promise<void>;
}

/**
 * The one place a container's incident changes. Each call sets `watch.incident` and persists,
 * emits, logs and notifies together, so no path can do one and forget the others.
 */
export interface IncidentCoordinator {
  open(watch: ContainerWatch, verdict: HealthVerdict): Promise<Incident>;
  /** Saves a changed incident (a transition, a diagnosis, an action) and says so. */
  update(watch: ContainerWatch, incident: Incident): Promise<Incident>;
  resolve(watch: ContainerWatch, how: string): Promise<void>;
  /** Once per incident: an escalated incident stays escalated. */
  escalate(watch: ContainerWatch, reason: string): Promise<void>;
  /** A queued approval: recorded, the incident moved to `awaiting_approval`, a person told. */
  awaitApproval(
    watch: ContainerWatch,
    input: {
      readonly incident: Incident;
      readonly approval: ApprovalRequest;
      readonly action: string;
      readonly reason: string;
    },
  ): Promise<void>;
  /** An incident restored from the store, taken up by its container again (already persisted). */
  adopt(watch: ContainerWatch, incident: Incident): void;
}

export function createIncidentCoordinator(deps: IncidentCoordinatorDeps): IncidentCoordinator {
  const { clock, recorder, emit, log } = deps;

  const notify = (notification: Notification): void => {
    if (!deps.notifier) return;
    const notifier = deps.notifier;
    // Never awaited by healing: a slow webhook must not delay a restart.
    void notifier.notify({ notification }).catch((error: unknown) => {
      log('warn', 'notification_failed', { kind: notification.kind, error: describeError(error) });
    });
  };

  const update = async (watch: ContainerWatch, incident: Incident): Promise<Incident> => {
    await recorder.saveIncident(incident);
    emit('incident:updated', incident);
    watch.incident = incident;
    return incident;
  };

  return {
    async open(watch, verdict) {
      const incident = openIncident({ id: deps.newId(), host: deps.host, verdict, now: clock.now() });
      watch.healedByUs = false;
      watch.stepAttempts.clear();
      watch.dependencyRecovered = false;
      watch.dependencyWaitSince = undefined;
      await recorder.saveIncident(incident);
      emit('incident:opened', incident);
      log('warn', 'incident_opened', {
        container: incident.containerName,
        incident_id: incident.id,
        trigger: incident.trigger,
        problems: incident.problems.map((problem) => problem.message),
      });
      notify({
        kind: 'incident_opened',
        incident,
        message: `${incident.containerName}: ${incident.problems[0]?.message ?? incident.trigger}`,
      });
      watch.incident = incident;
      return incident;
    },

    update,

    async resolve(watch, how) {
      const incident = watch.incident;
      if (!incident) return;
      const resolved = resolveIncident(incident, { now: clock.now(), autoHealed: watch.healedByUs });
      watch.incident = undefined;
      watch.healedByUs = false;
      watch.stepAttempts.clear();
      watch.stepLastAt.clear();
      watch.modelGuard = undefined;
      deps.breaker.incidentResolved({ container: watch.name, incidentId: incident.id });
      await recorder.saveIncident(resolved);
      emit('incident:resolved', resolved);
      log('info', 'incident_resolved', {
        container: resolved.containerName,
        incident_id: resolved.id,
        how,
        auto_healed: resolved.autoHealed,
        time_to_recover_ms: (resolved.resolvedAt ?? resolved.openedAt) - resolved.openedAt,
      });
      notify({ kind: 'incident_resolved', incident: resolved, message: `${resolved.containerName}: ${how}` });
      await deps.afterResolved(watch, resolved);
    },

    async escalate(watch, reason) {
      const incident = watch.incident;
      if (!incident || incident.status === 'escalated') return;
      const escalated = escalateIncident(incident, { reason, now: clock.now() });
      watch.incident = escalated;
      await recorder.saveIncident(escalated);
      emit('incident:escalated', escalated);
      log('error', 'incident_escalated', {
        container: escalated.containerName,
        incident_id: escalated.id,
        reason,
      });
      notify({
        kind: 'incident_escalated',
        incident: escalated,
        message: `${escalated.containerName}: ${reason}`,
      });
    },

    async awaitApproval(watch, { incident, approval, action, reason }) {
      await recorder.saveApproval(approval);
      if (incident.status !== 'awaiting_approval') {
        await update(watch, transitionIncident(incident, { to: 'awaiting_approval', now: clock.now() }));
      }
      emit('approval:required', approval);
      log('warn', 'approval_required', {
        container: watch.name,
        incident_id: incident.id,
        approval_id: approval.id,
        action,
        reason,
      });
      notify({
        kind: 'approval_required',
        incident: watch.incident!,
        approval,
        message: `${watch.name}: ${action} needs approval`,
      });
    },

    adopt(watch, incident) {
      watch.incident = incident;
      watch.healedByUs = incident.actionsTaken.length > 0;
    },
  };
}
