import type { MonitorConfig } from '../config/monitor-config.js';
import type { Diagnosis } from '../domain/diagnosis.js';
import type { Incident } from '../domain/incident.js';
import { withCriticalUrgency } from '../incident/critical-urgency.js';
import { transitionIncident, withDiagnosis } from '../incident/incident-lifecycle.js';
import type { Clock } from '../ports/clock.js';
import type { AgentLog, AgentSignal, TrackWork } from './agent-support.js';
import type { ContainerWatch } from './container-watch.js';
import type { DiagnosisContextWithLogs, DiagnosisService, ModelGuard } from './diagnosis-service.js';
import type { IncidentCoordinator } from './incident-coordinator.js';

export interface IncidentDiagnosisDeps {
  readonly config: MonitorConfig;
  readonly clock: Clock;
  readonly log: AgentLog;
  readonly incidents: IncidentCoordinator;
  readonly diagnosis: DiagnosisService;
  readonly track: TrackWork;
  readonly signal: AgentSignal;
  /** A later diagnosis changed what should be done: plan the container's healing again. */
  readonly replan: (watch: ContainerWatch) => void;
}

/** Which diagnosis of an incident this is, for the log line and the reader. */
type Revision = 'first' | 'refined' | 'model' | 'step';

/**
 * Every incident explains itself. The first diagnosis comes at once from the rules (a crash is
 * not held up: its lines are used when the run's followed output is already in), then:
 *  - when the log tail was not in yet, it is read and the rules diagnose again; a different cause
 *    or wording replaces the first diagnosis, which stays in the incident's history;
 *  - with a model configured, the model is asked about every incident: in parallel with the
 *    rules' first action for a crash or an OOM kill, and for everything else (HTTP, slow, memory,
 *    anomaly) waited for up to `claude.diagnosis_wait_seconds` before the rules decide. An answer
 *    that comes later still lands on the incident. Either way the plan is made again from the
 *    newer diagnosis, and every step still goes through the policy gate.
 * A model that fails or hangs leaves the rules' diagnosis in charge.
 */
export interface IncidentDiagnosis {
  /** Diagnoses the container's open incident when it has no diagnosis yet, or was reopened. */
  ensureDiagnosed(watch: ContainerWatch): Promise<void>;
  /** The model's diagnosis of the open incident, asked once per incident (the same answer after). */
  askModel(watch: ContainerWatch): Promise<Diagnosis | undefined>;
  /** Puts a diagnosis on the open incident (a critical container's at least `high` urgency). */
  land(watch: ContainerWatch, diagnosis: Diagnosis, revision?: Revision, base?: Incident): Promise<void>;
}

export function createIncidentDiagnosis(deps: IncidentDiagnosisDeps): IncidentDiagnosis {
  const { clock, log, incidents, diagnosis: service } = deps;
  /** One model question per incident; what it answered, or undefined when it failed. */
  const modelAnswers = new Map<string, Promise<Diagnosis | undefined>>();

  const land: IncidentDiagnosis['land'] = async (watch, diagnosis, revision = 'first', base) => {
    const incident = base ?? watch.incident;
    if (!incident || incident.status === 'resolved') return;
    const landed = withCriticalUrgency({ diagnosis, critical: watch.settings?.critical ?? false });
    await incidents.update(watch, withDiagnosis(incident, landed, clock.now()));
    log('info', 'diagnosis', {
      container: watch.name,
      incident_id: incident.id,
      revision,
      source: landed.source,
      cause: landed.cause,
      diagnosis: landed.diagnosis,
      recommended_action: landed.recommendedAction,
      confidence: landed.confidence,
      urgency: landed.urgency,
      ...(landed.fallbackReason ? { fallback_reason: landed.fallbackReason } : {}),
    });
  };

  /** Still the same open incident it was about: a late answer must not land on a newer one. */
  const stillOpen = (watch: ContainerWatch, incidentId: string): boolean =>
    watch.incident?.id === incidentId && watch.incident.status !== 'resolved';

  /** Only a container that is failing right now is worth another plan; a healed one just learns. */
  const replanIfFailing = (watch: ContainerWatch): void => {
    if (watch.verdict?.status === 'unhealthy') deps.replan(watch);
  };

  const ask = (watch: ContainerWatch, incident: Incident, context?: DiagnosisContextWithLogs) => {
    const known = modelAnswers.get(incident.id);
    if (known) return known;
    const answer = (async (): Promise<Diagnosis | undefined> => {
      const asked = context ?? (await service.context(watch, incident, { logs: 'wait' }));
      const { diagnosis, guard } = await service.diagnoseWithConfigured(asked);
      // The rules stood in (no key, budget spent, timeout, error): they are already in charge.
      if (diagnosis.fallbackReason !== undefined || diagnosis.source !== 'model') return undefined;
      guards.set(incident.id, guard);
      return diagnosis;
    })();
    modelAnswers.set(incident.id, answer);
    // Bounded: answers are only worth keeping while their incident may still be worked on.
    if (modelAnswers.size > 1_000) modelAnswers.delete(modelAnswers.keys().next().value!);
    return answer;
  };
  const guards = new Map<string, ModelGuard>();

  const landModel = async (
    watch: ContainerWatch,
    incidentId: string,
    answer: Diagnosis,
  ): Promise<boolean> => {
    if (!stillOpen(watch, incidentId)) return false;
    const guard = guards.get(incidentId);
    if (guard) watch.modelGuard = guard;
    guards.delete(incidentId);
    await land(watch, answer, 'model');
    return true;
  };

  /** After a crash's fast first action: the tail (if it was not in) and the model, off the critical path. */
  const followUp = async (
    watch: ContainerWatch,
    incidentId: string,
    first: Diagnosis,
    logsComplete: boolean,
  ): Promise<void> => {
    let context: DiagnosisContextWithLogs | undefined;
    if (!logsComplete) {
      const incident = watch.incident;
      if (!incident || !stillOpen(watch, incidentId)) return;
      context = await service.context(watch, incident, { logs: 'wait' });
      const refined = await service.diagnoseWithRules(context);
      if (stillOpen(watch, incidentId) && differs(first, refined)) {
        await land(watch, refined, 'refined');
        log('info', 'diagnosis_refined', {
          container: watch.name,
          incident_id: incidentId,
          from_cause: first.cause,
          to_cause: refined.cause,
        });
        replanIfFailing(watch);
      }
    }
    if (service.rulesOnly || !stillOpen(watch, incidentId)) return;
    const answer = await ask(watch, watch.incident!, context);
    if (answer && (await landModel(watch, incidentId, answer))) replanIfFailing(watch);
  };

  return {
    land,

    async ensureDiagnosed(watch) {
      const incident = watch.incident;
      if (!incident) return;
      if (incident.diagnosis && !watch.rediagnose) return;
      watch.rediagnose = false;
      const diagnosing =
        incident.status === 'open'
          ? transitionIncident(incident, { to: 'diagnosing', now: clock.now() })
          : incident;
      // A process that just exited is restarted on its exit code unless its own lines say a restart
      // will not help: the lines of a run followed since its start are in at its `die`.
      const urgent = watch.verdict?.problems.every(
        (problem) => problem.kind === 'container_stopped' || problem.kind === 'oom_killed',
      );
      const context = await service.context(watch, diagnosing, { logs: urgent ? 'run' : 'wait' });
      const rules = await service.diagnoseWithRules(context);
      if (urgent || service.rulesOnly) {
        await land(watch, rules, 'first', diagnosing);
        if (!context.logsComplete || !service.rulesOnly) {
          deps.track(followUp(watch, incident.id, rules, context.logsComplete));
        }
        return;
      }
      // No urgent first action: wait a bounded time for the model, then go on with the rules.
      const answer = ask(watch, diagnosing, context);
      const waitMs = deps.config.claude.diagnosisWaitSeconds * 1000;
      const inTime = await Promise.race([
        answer,
        clock.sleep(waitMs, deps.signal()).then(
          () => 'late' as const,
          () => 'late' as const,
        ),
      ]);
      if (inTime !== 'late' && inTime !== undefined) {
        const guard = guards.get(incident.id);
        if (guard) watch.modelGuard = guard;
        guards.delete(incident.id);
        await land(watch, inTime, 'model', diagnosing);
        return;
      }
      await land(watch, rules, 'first', diagnosing);
      if (inTime === 'late') {
        log('info', 'diagnosis_model_late', {
          container: watch.name,
          incident_id: incident.id,
          waited_ms: waitMs,
        });
        deps.track(
          answer.then(async (late) => {
            if (late && (await landModel(watch, incident.id, late))) replanIfFailing(watch);
          }),
        );
      }
    },

    async askModel(watch) {
      const incident = watch.incident;
      if (!incident || service.rulesOnly) return undefined;
      const answer = await ask(watch, incident);
      if (answer && incident.diagnosis?.source !== 'model') await landModel(watch, incident.id, answer);
      return answer;
    },
  };
}

/** A refined diagnosis replaces the first only when it says something else. */
function differs(first: Diagnosis, refined: Diagnosis): boolean {
  return (
    first.cause !== refined.cause ||
    first.diagnosis !== refined.diagnosis ||
    first.recommendedAction !== refined.recommendedAction
  );
}
