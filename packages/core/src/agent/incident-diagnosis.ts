import type { MonitorConfig } from '../config/monitor-config.js';
import type { Diagnosis } from '../domain/diagnosis.js';
import type { FailureCause } from '../domain/failure-cause.js';
import type { HealthVerdict } from '../domain/health.js';
import type { Incident } from '../domain/incident.js';
import { withCriticalUrgency } from '../incident/critical-urgency.js';
import { transitionIncident, withDiagnosis } from '../incident/incident-lifecycle.js';
import type { Clock } from '../ports/clock.js';
import { type AgentLog, type AgentSignal, describeError, type TrackWork } from './agent-support.js';
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
type Revision = 'first' | 'refined' | 'model' | 'fallback' | 'step';

/**
 * What the configured diagnoser made of one question: the model's answer (with the guard the policy
 * puts on it), the rules' diagnosis standing in with the reason the model could not answer, or
 * nothing worth landing (the configured diagnoser is not a model and did not fail).
 */
type ModelOutcome =
  | { readonly kind: 'answer'; readonly diagnosis: Diagnosis; readonly guard: ModelGuard }
  | { readonly kind: 'failed'; readonly fallback: Diagnosis }
  | { readonly kind: 'none' };

/** One question to the model about an incident, and the rules' cause of the failure it was about. */
interface ModelQuestion {
  readonly rulesCause: FailureCause | undefined;
  readonly outcome: Promise<ModelOutcome>;
  settled: ModelOutcome | undefined;
}

/** Questions remembered at once: answers are only worth keeping while their incident is worked on. */
const maxQuestions = 1_000;

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
 * A model that fails or hangs leaves the rules' diagnosis in charge; when it fails, the incident
 * says why (the rules' diagnosis with its `fallbackReason`). The model is asked once per incident
 * and failure: a reopened incident that fails the same way gets the answer it already had at once,
 * so its escalation carries it.
 */
export interface IncidentDiagnosis {
  /** Diagnoses the container's open incident when it has no diagnosis yet, or was reopened. */
  ensureDiagnosed(watch: ContainerWatch): Promise<void>;
  /** The model's diagnosis of the open incident, asked once per incident (the same answer after). */
  askModel(watch: ContainerWatch): Promise<Diagnosis | undefined>;
  /**
   * Puts a diagnosis on the container's open incident (a critical container's at least `high`
   * urgency); with `base`, only while the open incident is still that one.
   */
  land(watch: ContainerWatch, diagnosis: Diagnosis, revision?: Revision, base?: Incident): Promise<void>;
}

export function createIncidentDiagnosis(deps: IncidentDiagnosisDeps): IncidentDiagnosis {
  const { clock, log, incidents, diagnosis: service } = deps;
  /** The current model question of each incident, by incident id. */
  const questions = new Map<string, ModelQuestion>();
  /** The verdict each incident was first diagnosed on, for the diagnoses that come after. */
  const failingVerdicts = new Map<string, HealthVerdict>();

  const land: IncidentDiagnosis['land'] = async (watch, diagnosis, revision = 'first', base) => {
    // Always onto the incident as it is now: a copy taken before a wait (for the model, for the
    // logs) would undo what happened meanwhile (an action, an escalation, a resolution).
    const current = watch.incident;
    if (!current || current.status === 'resolved') return;
    if (base !== undefined && base.id !== current.id) return;
    const incident =
      current.status === 'open'
        ? transitionIncident(current, { to: 'diagnosing', now: clock.now() })
        : current;
    const landed = withCriticalUrgency({ diagnosis, critical: watch.settings?.critical ?? false });
    const diagnosed = withDiagnosis(incident, landed, clock.now());
    // Seen at once by whoever changes the incident next (a step starting while this is saved),
    // so their change is made on top of this diagnosis instead of writing it away.
    watch.incident = diagnosed;
    await incidents.update(watch, diagnosed);
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

  const ask = (
    watch: ContainerWatch,
    incident: Incident,
    rulesCause: FailureCause | undefined,
    context?: DiagnosisContextWithLogs,
  ): Promise<ModelOutcome> => {
    const known = questions.get(incident.id);
    if (known) return known.outcome;
    const question: ModelQuestion = {
      rulesCause,
      settled: undefined,
      outcome: (async (): Promise<ModelOutcome> => {
        try {
          const asked =
            context ??
            (await service.context(watch, incident, {
              logs: 'wait',
              verdict: failingVerdicts.get(incident.id),
            }));
          const { diagnosis, guard } = await service.diagnoseWithConfigured(asked);
          if (diagnosis.fallbackReason !== undefined) return { kind: 'failed', fallback: diagnosis };
          // A configured diagnoser that is not a model (a plugin) adds nothing the rules did not say.
          if (diagnosis.source !== 'model') return { kind: 'none' };
          return { kind: 'answer', diagnosis, guard };
        } catch (error) {
          log('warn', 'diagnosis_failed', { container: watch.name, error: describeError(error) });
          return { kind: 'none' };
        }
      })(),
    };
    void question.outcome.then((outcome) => {
      question.settled = outcome;
    });
    questions.set(incident.id, question);
    if (questions.size > maxQuestions) questions.delete(questions.keys().next().value!);
    return question.outcome;
  };

  /** The model's answer onto the incident (once: it is not landed again when it is already there). */
  const landModel = async (
    watch: ContainerWatch,
    incidentId: string,
    answer: Extract<ModelOutcome, { kind: 'answer' }>,
  ): Promise<boolean> => {
    if (!stillOpen(watch, incidentId)) return false;
    // The policy holds every recommendation of the model to what it read (`decideHealing`).
    watch.modelGuard = answer.guard;
    if (watch.incident?.diagnosis?.source === 'model') return false;
    await land(watch, answer.diagnosis, 'model');
    return true;
  };

  /** The rules stood in for the model: the incident says why (a model's own answer is never replaced). */
  const landFallback = async (
    watch: ContainerWatch,
    incidentId: string,
    fallback: Diagnosis,
  ): Promise<void> => {
    if (!stillOpen(watch, incidentId)) return;
    const current = watch.incident?.diagnosis;
    if (current?.source === 'model' || current?.fallbackReason !== undefined) return;
    await land(watch, fallback, 'fallback');
    if (current && differs(current, fallback)) replanIfFailing(watch);
  };

  /** What the model's outcome changes, when it comes after the rules have started to act. */
  const afterTheRules = async (watch: ContainerWatch, incidentId: string, outcome: ModelOutcome) => {
    if (outcome.kind === 'answer') {
      if (await landModel(watch, incidentId, outcome)) replanIfFailing(watch);
    } else if (outcome.kind === 'failed') {
      await landFallback(watch, incidentId, outcome.fallback);
    }
  };

  /**
   * A reopened incident was asked about before: when it fails the same way (the same cause, or no
   * full evidence yet to say otherwise), the answer it had stands and lands at once, before the
   * plan, so an escalation carries it; otherwise the model is asked anew.
   */
  const earlierAnswer = (
    incidentId: string,
    rules: Diagnosis,
    logsComplete: boolean,
  ): Extract<ModelOutcome, { kind: 'answer' }> | undefined => {
    const known = questions.get(incidentId);
    if (!known) return undefined;
    if (logsComplete && known.rulesCause !== rules.cause) {
      questions.delete(incidentId);
      return undefined;
    }
    return known.settled?.kind === 'answer' ? known.settled : undefined;
  };

  /** After a crash's fast first action: the tail (if it was not in) and the model, off the critical path. */
  const followUp = async (
    watch: ContainerWatch,
    incidentId: string,
    first: Diagnosis,
    logsComplete: boolean,
    reopened: boolean,
  ): Promise<void> => {
    let context: DiagnosisContextWithLogs | undefined;
    let rulesCause = first.cause;
    if (!logsComplete) {
      const incident = watch.incident;
      if (!incident || !stillOpen(watch, incidentId)) return;
      // The failure's own verdict: by now the first action may have brought the container back,
      // and "healthy now" explains nothing about why it failed.
      context = await service.context(watch, incident, {
        logs: 'wait',
        verdict: failingVerdicts.get(incidentId),
      });
      const refined = await service.diagnoseWithRules(context);
      rulesCause = refined.cause;
      // A reopened incident that turns out to fail another way is asked about anew.
      const standing = questions.get(incidentId);
      if (reopened && standing !== undefined && standing.rulesCause !== rulesCause)
        questions.delete(incidentId);
      // The model's answer about this very failure stays on the record.
      const modelStands = watch.incident?.diagnosis?.source === 'model' && questions.has(incidentId);
      if (
        stillOpen(watch, incidentId) &&
        differs(first, refined) &&
        refined.cause !== 'healthy_now' &&
        !modelStands
      ) {
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
    await afterTheRules(watch, incidentId, await ask(watch, watch.incident!, rulesCause, context));
  };

  return {
    land,

    async ensureDiagnosed(watch) {
      const incident = watch.incident;
      if (!incident) return;
      if (incident.diagnosis && !watch.rediagnose) return;
      // Diagnosed before: a reopened incident, which may have been asked about already.
      const reopened = incident.diagnosis !== null;
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
      if (watch.verdict) {
        failingVerdicts.set(incident.id, watch.verdict);
        // Bounded: only incidents still worked on need theirs.
        if (failingVerdicts.size > 1_000) failingVerdicts.delete(failingVerdicts.keys().next().value!);
      }
      const context = await service.context(watch, diagnosing, { logs: urgent ? 'run' : 'wait' });
      const rules = await service.diagnoseWithRules(context);
      const earlier =
        service.rulesOnly || !reopened ? undefined : earlierAnswer(incident.id, rules, context.logsComplete);
      if (urgent || service.rulesOnly) {
        await land(watch, rules, 'first', incident);
        if (earlier) await landModel(watch, incident.id, earlier);
        if (!context.logsComplete || !service.rulesOnly) {
          deps.track(followUp(watch, incident.id, rules, context.logsComplete, reopened));
        }
        return;
      }
      if (earlier) {
        await landModel(watch, incident.id, earlier);
        return;
      }
      // No urgent first action: wait a bounded time for the model, then go on with the rules. The
      // incident says it is being diagnosed meanwhile.
      if (stillOpen(watch, incident.id) && watch.incident?.status === 'open') {
        await incidents.update(
          watch,
          transitionIncident(watch.incident, { to: 'diagnosing', now: clock.now() }),
        );
      }
      const answer = ask(watch, diagnosing, rules.cause, context);
      const waitMs = deps.config.claude.diagnosisWaitSeconds * 1000;
      const wait = new AbortController();
      const signal = deps.signal();
      const inTime = await Promise.race([
        answer,
        clock.sleep(waitMs, signal ? AbortSignal.any([signal, wait.signal]) : wait.signal).then(
          () => 'late' as const,
          () => 'late' as const,
        ),
      ]);
      // The timer is not left behind when the answer came first.
      wait.abort();
      if (inTime === 'late') {
        await land(watch, rules, 'first', incident);
        log('info', 'diagnosis_model_late', {
          container: watch.name,
          incident_id: incident.id,
          waited_ms: waitMs,
        });
        deps.track(answer.then((late) => afterTheRules(watch, incident.id, late)));
        return;
      }
      if (inTime.kind === 'answer') {
        if (!stillOpen(watch, incident.id)) return;
        watch.modelGuard = inTime.guard;
        await land(watch, inTime.diagnosis, 'model', incident);
        return;
      }
      await land(watch, inTime.kind === 'failed' ? inTime.fallback : rules, 'first', incident);
    },

    async askModel(watch) {
      const incident = watch.incident;
      if (!incident || service.rulesOnly) return undefined;
      const outcome = await ask(watch, incident, incident.diagnosis?.cause);
      if (outcome.kind !== 'answer') return undefined;
      await landModel(watch, incident.id, outcome);
      return outcome.diagnosis;
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
