import type { MonitorConfig, StrategyStep } from '../config/monitor-config.js';
import { resolveContainerSettings } from '../config/resolve-container-settings.js';
import type { ActionDecidedBy, ApprovalRequest } from '../domain/healing-action.js';
import type { HealthVerdict } from '../domain/health.js';
import type { Incident } from '../domain/incident.js';
import { bareStep, type HealingPlan, planHealing } from '../heal/plan-healing.js';
import type { HealingStrategyRegistry } from '../heal/strategy-registry.js';
import { transitionIncident } from '../incident/incident-lifecycle.js';
import { type ApprovalQueue, approvedStep } from '../policy/approval-queue.js';
import type { CircuitBreaker } from '../policy/circuit-breaker.js';
import type { OperatorIntentTracker } from '../policy/operator-intent.js';
import type { Clock } from '../ports/clock.js';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import type { Logger } from '../ports/logger.js';
import type { Recorder } from '../record/recorder.js';
import type { AgentEmit, AgentLog, AgentSignal, TrackWork } from './agent-support.js';
import type { ContainerObserver } from './container-observer.js';
import type { ContainerRegistry } from './container-registry.js';
import type { ContainerWatch } from './container-watch.js';
import type { DiagnosisService } from './diagnosis-service.js';
import type { IncidentCoordinator } from './incident-coordinator.js';
import { createIncidentDiagnosis, type IncidentDiagnosis } from './incident-diagnosis.js';
import type { HealingRequestOutcome } from './monitor-agent-api.js';
import type { RestartLedger } from './restart-ledger.js';
import { createStepRunner, diagnoseStepName, type StepRunner } from './step-runner.js';

export interface HealerDeps {
  readonly config: MonitorConfig;
  readonly runtime: ContainerRuntime;
  readonly clock: Clock;
  /** Handed to strategies. */
  readonly logger: Logger;
  readonly log: AgentLog;
  readonly emit: AgentEmit;
  readonly host: string;
  readonly newId: () => string;
  readonly random: () => number;
  readonly recorder: Recorder;
  readonly registry: HealingStrategyRegistry;
  readonly containers: ContainerRegistry;
  readonly incidents: IncidentCoordinator;
  readonly ledger: RestartLedger;
  readonly intent: OperatorIntentTracker;
  readonly breaker: CircuitBreaker;
  readonly approvals: ApprovalQueue;
  readonly diagnosis: DiagnosisService;
  readonly observer: Pick<ContainerObserver, 'scheduleCheck' | 'recheckAt' | 'check'>;
  readonly track: TrackWork;
  readonly signal: AgentSignal;
}

/**
 * Acts on open incidents: the diagnosis (`incident-diagnosis`), the plan the diagnosis picks
 * (`planHealing`), each step through the policy gate and then run and recorded (`step-runner`);
 * approvals given and refused; a person's request; and, after a recovery, the dependents that
 * waited on it.
 */
export interface Healer {
  /** Works on the container's open incident; a second call while one runs makes it go round again. */
  heal(watch: ContainerWatch): Promise<void>;
  /**
   * A container with an open incident was judged healthy again (its restart done, its start
   * period over): dependents that wait for it are checked at once.
   */
  dependencyBack(watch: ContainerWatch): void;
  /** After a container recovers: dependents that waited on it get their turn. */
  afterRecovery(parent: ContainerWatch, incident: Incident): Promise<void>;
  pendingApprovals(): readonly ApprovalRequest[];
  approve(options: { readonly id: string; readonly by: string }): Promise<HealingRequestOutcome>;
  reject(options: { readonly id: string; readonly by: string; readonly reason?: string }): Promise<void>;
  requestHealing(options: {
    readonly container: string;
    readonly action?: string;
    readonly reason: string;
    readonly by: string;
  }): Promise<HealingRequestOutcome>;
}

export function createHealer(deps: HealerDeps): Healer {
  const { config, clock, log, registry, containers, incidents, approvals } = deps;
  const { observer } = deps;
  const steps: StepRunner = createStepRunner({
    ...deps,
    // A container that came back by itself while it waited (someone started it) has no use for
    // its turn: the slot goes to the next in line.
    healQueued: (watch) => (watch.verdict?.healthy === true ? Promise.resolve() : heal(watch)),
    landDiagnosis: (watch, diagnosis) => diagnoses.land(watch, diagnosis, 'step'),
  });
  const diagnoses: IncidentDiagnosis = createIncidentDiagnosis({
    config,
    clock,
    log,
    incidents,
    diagnosis: deps.diagnosis,
    track: deps.track,
    signal: deps.signal,
    replan: (watch) => {
      deps.track(heal(watch));
    },
  });
  /** Skipped steps are recorded once per incident, not at every look. */
  const skipsRecorded = new Map<string, Set<string>>();

  const heal = async (watch: ContainerWatch): Promise<void> => {
    if (watch.healing) {
      // A check made while our own action runs sees the action (the container stopping, starting),
      // not a new failure: going round again on it would restart a container the action has just
      // brought back. The check the action schedules when it ends decides.
      if (watch.actionsInFlight === 0) watch.healAgain = true;
      return;
    }
    watch.healing = true;
    try {
      do {
        watch.healAgain = false;
        await healOnce(watch);
      } while (watch.healAgain);
    } finally {
      watch.healing = false;
    }
  };

  /**
   * Diagnoses the incident, plans from the diagnosis (`planHealing`: the cause's remedies and
   * the trigger's steps, restarts dropped where a restart cannot help) and goes down the plan: a
   * step the policy refuses is recorded as skipped and the next is tried; when no step could act,
   * the incident goes to a person with every reason.
   */
  const healOnce = async (watch: ContainerWatch): Promise<void> => {
    const incident = watch.incident;
    if (!incident || !watch.settings || !watch.details) return;
    if (!openForHealing(incident)) return;
    await diagnoses.ensureDiagnosed(watch);
    const diagnosed = watch.incident;
    if (!diagnosed || !openForHealing(diagnosed)) return;

    const dependencies = containers
      .dependencyGraph()
      .dependenciesOf(watch.name)
      .map((name) => ({ name, watch: containers.findByName(name) }));
    const plan = planHealing({
      trigger: diagnosed.trigger,
      diagnosis: diagnosed.diagnosis,
      healing: config.healing,
      strategyOf: (action) => (registry.has(action) ? registry.get(action) : undefined),
      dependencyRecovered: watch.dependencyRecovered || watch.dependencyWaitSince !== undefined,
      dependencyPending: dependencies.some(
        ({ watch: dependency }) =>
          dependency?.settings != null && dependency.verdict !== undefined && !dependency.verdict.healthy,
      ),
      unwatchedDependencies: dependencies
        .filter(({ watch: dependency }) => dependency?.settings == null)
        .map(({ name }) => name),
    });
    const refusals: string[] = [];
    let acted = false;
    let exhausted = false;
    for (const planned of plan.steps) {
      const current = watch.incident;
      if (!current || !openForHealing(current)) return;
      let { step, requestedBy } = planned;
      // Queued behind max_concurrent_restarts: the queue heals it when its turn comes (with a
      // decision made then), so a check or a full pass meanwhile decides nothing and says nothing.
      if (waitsForRestartSlot(watch, step.action)) return;
      if (step.action === diagnoseStepName) {
        // The model is on every incident's path already: this step acts on what it (or, with no
        // model, the rules) recommends, unless that recommendation already leads the plan.
        const answer = await diagnoses.askModel(watch);
        const guiding = answer ?? watch.incident?.diagnosis;
        if (
          !guiding ||
          guiding.recommendedAction === 'manual' ||
          guiding.recommendedAction === diagnoseStepName
        )
          continue;
        if (plan.steps.some((other) => other.step.action === guiding.recommendedAction)) continue;
        if (!registry.has(guiding.recommendedAction)) {
          refusals.push(
            `the diagnosis recommends ${guiding.recommendedAction}, which is not a registered action`,
          );
          continue;
        }
        if (answer) {
          await steps.recordAction(
            watch,
            diagnoseStepName,
            `diagnosis by model: ${answer.diagnosis}`,
            'rule',
            'succeeded',
          );
        }
        step = bareStep(guiding.recommendedAction);
        requestedBy = guiding.source === 'model' ? 'model' : 'rule';
      }
      const said =
        current.diagnosis?.diagnosis ?? `${current.trigger}: ${current.problems[0]?.message ?? ''}`;
      const reason = plan.note === undefined ? said : `${said}; ${plan.note}`;
      const outcome = await steps.run(watch, step, requestedBy, reason);
      if (outcome.kind === 'act') {
        acted = true;
        if (outcome.changed) return;
        if (!config.healing.dryRun) noteUnchanged(current.id, step.action);
        continue;
      }
      if (
        outcome.cause === 'backoff' &&
        !registry.get(step.action).restartsContainer &&
        ranUnchanged(current.id, step.action)
      ) {
        // It ran in this incident and changed nothing (a look, nothing to clear): waiting for its
        // next turn must not hold the steps after it, nor the escalation when none of them can act.
        continue;
      }
      if (outcome.kind === 'skip' || outcome.kind === 'manual' || outcome.cause === 'max_attempts') {
        // Left alone on purpose: nothing to say to a person about it.
        if (outcome.cause === 'operator_stopped' || outcome.cause === 'incident_closed') return;
        if (outcome.cause === 'max_attempts') exhausted = true;
        refusals.push(outcome.reason);
        await recordSkipOnce(watch, current.id, step.action, requestedBy, outcome.reason);
        continue;
      }
      // Waiting (backoff, a dependency, Docker's policy, the queue), asking a person, or escalated.
      return;
    }
    const after = watch.incident;
    if (!after || !openForHealing(after) || acted) return;
    const why = escalationReason(after, plan, refusals);
    // Steps used up: automatic healing of this container stops until it recovers or a person
    // resets it, as when the restart budget is spent.
    if (exhausted)
      deps.breaker.trip({ container: watch.name, incidentId: after.id, reason: why, now: clock.now() });
    await incidents.escalate(watch, why);
  };

  const waitsForRestartSlot = (watch: ContainerWatch, action: string): boolean =>
    !watch.grantedSlot &&
    !config.healing.dryRun &&
    deps.ledger.slots.isWaiting(watch.name) &&
    registry.has(action) &&
    registry.get(action).restartsContainer;

  /** Per incident, the actions that ran and changed nothing (bounded like `skipsRecorded`). */
  const unchangedRuns = new Map<string, Set<string>>();
  const noteUnchanged = (incidentId: string, action: string): void => {
    let actions = unchangedRuns.get(incidentId);
    if (!actions) {
      actions = new Set();
      unchangedRuns.set(incidentId, actions);
      if (unchangedRuns.size > 1_000) unchangedRuns.delete(unchangedRuns.keys().next().value!);
    }
    actions.add(action);
  };
  const ranUnchanged = (incidentId: string, action: string): boolean =>
    unchangedRuns.get(incidentId)?.has(action) ?? false;

  const recordSkipOnce = async (
    watch: ContainerWatch,
    incidentId: string,
    action: string,
    requestedBy: ActionDecidedBy,
    reason: string,
  ): Promise<void> => {
    let recorded = skipsRecorded.get(incidentId);
    if (!recorded) {
      recorded = new Set();
      skipsRecorded.set(incidentId, recorded);
      if (skipsRecorded.size > 1_000) skipsRecorded.delete(skipsRecorded.keys().next().value!);
    }
    if (recorded.has(action)) return;
    recorded.add(action);
    await steps.recordAction(watch, action, reason, requestedBy, 'skipped', reason);
  };

  /** A step on a person's word (an approval, a REST call, a dependency's restart): run on its own. */
  const runAlone = async (
    watch: ContainerWatch,
    step: StrategyStep,
    requestedBy: ActionDecidedBy,
    reason: string,
  ): Promise<HealingRequestOutcome> => {
    const outcome = await steps.run(watch, step, requestedBy, reason);
    if (outcome.kind === 'manual') await incidents.escalate(watch, `needs a person: ${outcome.reason}`);
    return { kind: outcome.kind, reason: outcome.reason, changed: outcome.changed };
  };

  const decided = async (approval: ApprovalRequest, decision: 'approved' | 'rejected', by: string) => {
    await deps.recorder.saveApproval(approval);
    deps.emit('approval:decided', approval);
    log('info', 'approval_decided', { approval_id: approval.id, action: approval.action, decision, by });
    return containers.get(approval.containerId) ?? containers.findByName(approval.containerName);
  };

  return {
    heal,

    dependencyBack(watch) {
      // A dependent that waits for this container is looked at now rather than at its next
      // timer, so that a critical one goes ahead of the containers already in the restart line.
      for (const name of containers.dependencyGraph().directDependentsOf(watch.name)) {
        const dependent = containers.findByName(name);
        if (dependent?.incident === undefined || dependent.dependencyWaitSince === undefined) continue;
        observer.scheduleCheck(dependent, { probe: true, reason: `dependency ${watch.name} is back` });
      }
    },

    async afterRecovery(parent, incident) {
      // Its incident is over (recovered, removed, stopped by a person): its place in the restart line goes.
      deps.ledger.slots.remove(parent.name);
      const graph = containers.dependencyGraph();
      for (const name of graph.dependentsOf(parent.name)) {
        const dependent = containers.findByName(name);
        if (!dependent) continue;
        if (dependent.incident) {
          // The refusal in its logs is history now: a restart connects to the recovered dependency.
          dependent.dependencyRecovered = true;
          dependent.dependencyWaitSince = undefined;
          observer.scheduleCheck(dependent, { probe: true, reason: `dependency ${parent.name} recovered` });
        } else if (
          incident.autoHealed &&
          config.healing.restartDependents &&
          dependent.settings &&
          dependent.details?.state === 'running'
        ) {
          const verdict = dependent.verdict;
          if (!verdict) continue;
          await incidents.open(dependent, {
            ...verdict,
            problems: [{ kind: 'custom_error', message: `dependency ${parent.name} was restarted` }],
          });
          deps.track(
            runAlone(
              dependent,
              stepFor('restart_container'),
              'rule',
              `dependency ${parent.name} was restarted (healing.restart_dependents)`,
            ),
          );
        }
      }
    },

    pendingApprovals() {
      return approvals.pending();
    },

    async approve(options) {
      const approval = approvals.approve({ id: options.id, by: options.by, now: clock.now() });
      const watch = await decided(approval, 'approved', options.by);
      if (!watch?.incident || watch.incident.id !== approval.incidentId) {
        return { kind: 'skip', reason: `incident ${approval.incidentId} is no longer open`, changed: false };
      }
      await incidents.update(watch, transitionIncident(watch.incident, { to: 'healing', now: clock.now() }));
      return deps.track(
        // Exactly the step that was queued: its script, threshold and timeout, not the defaults.
        runAlone(watch, approvedStep(approval), 'person', `approved by ${options.by}: ${approval.reason}`),
      );
    },

    async reject(options) {
      const approval = approvals.reject({ id: options.id, by: options.by, now: clock.now() });
      const watch = await decided(approval, 'rejected', options.by);
      if (watch?.incident && watch.incident.id === approval.incidentId) {
        await incidents.escalate(
          watch,
          `${approval.action} rejected by ${options.by}${options.reason ? `: ${options.reason}` : ''}`,
        );
      }
    },

    async requestHealing(options) {
      const details = await deps.runtime.inspect({ id: options.container });
      const watch = containers.watchFor(details.id, details.name);
      watch.details = details;
      const resolved = resolveContainerSettings({ config, container: details });
      watch.settings = resolved.settings;
      if (!watch.settings)
        return { kind: 'skip', reason: `container ${details.name} is not monitored`, changed: false };
      if (!watch.incident) {
        const verdict: HealthVerdict | undefined =
          watch.verdict ?? (await observer.check(watch, { probe: false, reason: 'person' }));
        if (!verdict)
          return { kind: 'skip', reason: `container ${details.name} is not monitored`, changed: false };
        await incidents.open(watch, {
          ...verdict,
          problems: [{ kind: 'custom_error', message: `requested by ${options.by}: ${options.reason}` }],
        });
      }
      const action = options.action ?? 'restart_container';
      registry.get(action);
      return deps.track(
        runAlone(watch, stepFor(action), 'person', `requested by ${options.by}: ${options.reason}`),
      );
    },
  };
}

function openForHealing(incident: Incident): boolean {
  return incident.status === 'open' || incident.status === 'diagnosing' || incident.status === 'healing';
}

const stepFor = bareStep;

/**
 * Why nobody healed it, in one line a person can act on: a cause a restart cannot fix says so
 * first; then each step's refusal (not allowed, auto_restart off, tried already...).
 */
function escalationReason(incident: Incident, plan: HealingPlan, refusals: readonly string[]): string {
  const reasons = [
    ...refusals,
    ...plan.dropped.filter(() => plan.restartWillNotHelp === undefined).map((entry) => entry.reason),
  ];
  if (plan.restartWillNotHelp !== undefined) {
    return refusals.length > 0
      ? `${plan.restartWillNotHelp}; ${refusals.join('; ')}`
      : plan.restartWillNotHelp;
  }
  if (reasons.length === 0) {
    return `no healing step is planned for ${incident.trigger} on ${incident.containerName}${incident.diagnosis ? `: ${incident.diagnosis.diagnosis}` : ''}`;
  }
  return `no healing step could act on ${incident.containerName}: ${reasons.join('; ')}`;
}
