import { defaultMonitorConfig } from '../config/default-monitor-config.js';
import type { ApprovalRequest } from '../domain/healing-action.js';
import type { HealthVerdict } from '../domain/health.js';
import type { Incident } from '../domain/incident.js';
import {
  escalateIncident,
  openIncident,
  reopenIncident,
  resolveIncident,
  transitionIncident,
} from '../incident/incident-lifecycle.js';
import type { CircuitBreaker } from '../policy/circuit-breaker.js';
import type { Clock } from '../ports/clock.js';
import type { Notification, Notifier } from '../ports/notifier.js';
import type { Recorder } from '../record/recorder.js';
import { recordRedactor } from '../redact/record-redactor.js';
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
  /**
   * `healing.reopen_window_seconds`: a failure this soon after a resolution reopens the incident.
   * Defaults to the default configuration's (600 s); 0 never reopens.
   */
  readonly reopenWindowSeconds?: number;
}

/**
 * The one place a container's incident changes. Each call sets `watch.incident` and persists,
 * emits, logs and notifies together, so no path can do one and forget the others. It is also
 * where an incident's text enters the records: problems, diagnoses and reasons are redacted here
 * (the container's own secrets and every secret pattern, each field bounded), once, before any
 * of those sinks sees them.
 */
export interface IncidentCoordinator {
  /** A new incident, whatever came before (a person's request, a dependency's restart). */
  open(watch: ContainerWatch, verdict: HealthVerdict): Promise<Incident>;
  /**
   * The container failed and has no open incident: its incident resolved within the reopen window
   * is reopened (one problem, one record: its step attempts kept, its diagnosis made again), or a
   * new one opens.
   */
  openOrReopen(watch: ContainerWatch, verdict: HealthVerdict): Promise<Incident>;
  /** Saves a changed incident (a transition, a diagnosis, an action) and says so. */
  update(watch: ContainerWatch, incident: Incident): Promise<Incident>;
  /**
   * `leftAlone`: not a recovery (a person stopped or paused it, it was removed), so a failure that
   * follows opens a new incident instead of reopening this one.
   */
  resolve(watch: ContainerWatch, how: string, options?: { readonly leftAlone?: boolean }): Promise<void>;
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
  /**
   * A recovered incident restored from the store (a restarted agent): reopenable within the window,
   * unless this agent has resolved a newer one for the container since.
   */
  recall(incident: Incident): void;
}

/** A recovery remembered for the reopen window, with the step attempts it had used. */
interface ResolvedEntry {
  readonly incident: Incident;
  readonly stepAttempts: ReadonlyMap<string, number>;
  readonly stepLastAt: ReadonlyMap<string, number>;
}

/** Containers remembered at once; the oldest go first past this (a fleet of short-lived names). */
const maxRemembered = 10_000;

export function createIncidentCoordinator(deps: IncidentCoordinatorDeps): IncidentCoordinator {
  const { clock, recorder, emit, log } = deps;
  const reopenWindowMs =
    (deps.reopenWindowSeconds ?? defaultMonitorConfig().healing.reopenWindowSeconds) * 1000;
  /** Each container's last recovered incident, by name, oldest first; left-alone ones never. */
  const lastResolved = new Map<string, ResolvedEntry>();

  /** What enters this container's records, redacted with its own secrets. */
  const redaction = (watch: ContainerWatch) => recordRedactor(watch.details);

  const notify = (watch: ContainerWatch, notification: Omit<Notification, 'critical'>): void => {
    if (!deps.notifier) return;
    const notifier = deps.notifier;
    const sent: Notification = {
      ...notification,
      message: redaction(watch).text(notification.message),
      critical: watch.settings?.critical ?? false,
    };
    // Never awaited by healing: a slow webhook must not delay a restart.
    void notifier.notify({ notification: sent }).catch((error: unknown) => {
      log('warn', 'notification_failed', { kind: notification.kind, error: describeError(error) });
    });
  };

  const remember = (entry: ResolvedEntry): void => {
    const name = entry.incident.containerName;
    lastResolved.delete(name);
    lastResolved.set(name, entry);
    const now = clock.now();
    for (const [key, kept] of lastResolved) {
      const expired = (kept.incident.resolvedAt ?? 0) + reopenWindowMs <= now;
      if (!expired && lastResolved.size <= maxRemembered) break;
      lastResolved.delete(key);
    }
  };

  /** The incident this failure brings back: the same container's, resolved within the window. */
  const reopenable = (watch: ContainerWatch, now: number): ResolvedEntry | undefined => {
    const entry = lastResolved.get(watch.name);
    if (!entry) return undefined;
    const { incident } = entry;
    // Another container under the same name (removed and created again) starts its own story.
    const sameContainer = incident.containerId === watch.id;
    const withinWindow = incident.resolvedAt !== null && now - incident.resolvedAt < reopenWindowMs;
    if (sameContainer && withinWindow && incident.status === 'resolved') return entry;
    lastResolved.delete(watch.name);
    return undefined;
  };

  const open = async (watch: ContainerWatch, verdict: HealthVerdict): Promise<Incident> => {
    const incident = redaction(watch).incident(
      openIncident({ id: deps.newId(), host: deps.host, verdict, now: clock.now() }),
    );
    watch.healedByUs = false;
    watch.stepAttempts.clear();
    watch.stepLastAt.clear();
    watch.dependencyRecovered = false;
    watch.dependencyWaitSince = undefined;
    watch.healthySince = undefined;
    await recorder.saveIncident(incident);
    emit('incident:opened', incident);
    log('warn', 'incident_opened', {
      container: incident.containerName,
      incident_id: incident.id,
      trigger: incident.trigger,
      problems: incident.problems.map((problem) => problem.message),
    });
    notify(watch, {
      kind: 'incident_opened',
      incident,
      message: `${incident.containerName}: ${incident.problems[0]?.message ?? incident.trigger}`,
    });
    watch.incident = incident;
    return incident;
  };

  const reopen = async (
    watch: ContainerWatch,
    verdict: HealthVerdict,
    entry: ResolvedEntry,
    now: number,
  ): Promise<Incident> => {
    const resolvedAt = entry.incident.resolvedAt ?? now;
    const incident = redaction(watch).incident(
      reopenIncident(entry.incident, { problems: verdict.problems, now }),
    );
    lastResolved.delete(watch.name);
    watch.healedByUs = false;
    // The attempts go on counting: `max_attempts` spans the whole crash loop, not each return.
    watch.stepAttempts = new Map(entry.stepAttempts);
    watch.stepLastAt = new Map(entry.stepLastAt);
    watch.dependencyRecovered = false;
    watch.dependencyWaitSince = undefined;
    watch.healthySince = undefined;
    // The diagnosis stays on the record (and in its history) until the healer makes a new one.
    watch.rediagnose = true;
    await recorder.saveIncident(incident);
    watch.incident = incident;
    emit('incident:reopened', incident);
    emit('incident:updated', incident);
    const times = incident.reopenCount ?? 1;
    log('warn', 'incident_reopened', {
      container: incident.containerName,
      incident_id: incident.id,
      reopen_count: times,
      resolved_ms_ago: now - resolvedAt,
      problems: verdict.problems.map((problem) => redaction(watch).text(problem.message)),
    });
    notify(watch, {
      kind: 'incident_opened',
      incident,
      message: `${incident.containerName}: reopened (${times} ${times === 1 ? 'time' : 'times'}): ${verdict.problems[0]?.message ?? incident.trigger}`,
    });
    return incident;
  };

  const update = async (watch: ContainerWatch, changed: Incident): Promise<Incident> => {
    const incident = redaction(watch).incident(changed);
    // Set before the write is awaited: two changes made in the same moment (a step's action and a
    // diagnosis landing) each start from the other's result instead of overwriting it.
    watch.incident = incident;
    await recorder.saveIncident(incident);
    emit('incident:updated', incident);
    return incident;
  };

  return {
    open,

    async openOrReopen(watch, verdict) {
      const now = clock.now();
      const entry = reopenable(watch, now);
      return entry ? reopen(watch, verdict, entry, now) : open(watch, verdict);
    },

    update,

    async resolve(watch, how, options = {}) {
      const incident = watch.incident;
      if (!incident) return;
      const resolved = redaction(watch).incident(
        resolveIncident(incident, { now: clock.now(), autoHealed: watch.healedByUs }),
      );
      if (options.leftAlone) {
        lastResolved.delete(watch.name);
      } else {
        remember({
          incident: resolved,
          stepAttempts: new Map(watch.stepAttempts),
          stepLastAt: new Map(watch.stepLastAt),
        });
      }
      watch.incident = undefined;
      watch.healedByUs = false;
      watch.healthySince = undefined;
      watch.rediagnose = false;
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
        ...(resolved.reopenCount ? { reopen_count: resolved.reopenCount } : {}),
      });
      notify(watch, {
        kind: 'incident_resolved',
        incident: resolved,
        message: `${resolved.containerName}: ${how}`,
      });
      await deps.afterResolved(watch, resolved);
    },

    async escalate(watch, unredactedReason) {
      const incident = watch.incident;
      if (!incident || incident.status === 'escalated') return;
      const reason = redaction(watch).text(unredactedReason);
      const escalated = redaction(watch).incident(escalateIncident(incident, { reason, now: clock.now() }));
      watch.incident = escalated;
      await recorder.saveIncident(escalated);
      emit('incident:escalated', escalated);
      log('error', 'incident_escalated', {
        container: escalated.containerName,
        incident_id: escalated.id,
        reason,
      });
      notify(watch, {
        kind: 'incident_escalated',
        incident: escalated,
        message: `${escalated.containerName}: ${reason}`,
      });
    },

    async awaitApproval(watch, input) {
      const { incident, action } = input;
      const approval = redaction(watch).approval(input.approval);
      const reason = redaction(watch).text(input.reason);
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
      notify(watch, {
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

    recall(incident) {
      if (incident.status !== 'resolved' || lastResolved.has(incident.containerName)) return;
      remember({ incident, stepAttempts: new Map(), stepLastAt: new Map() });
    },
  };
}
