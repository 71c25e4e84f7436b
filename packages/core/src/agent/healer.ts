import { initialProbeCounters } from '../check/probe-counter.js';
import type { MonitorConfig, StrategyStep } from '../config/monitor-config.js';
import { resolveContainerSettings } from '../config/resolve-container-settings.js';
import type { ContainerDetails } from '../domain/container.js';
import type { Diagnosis } from '../domain/diagnosis.js';
import type { ActionDecidedBy, ApprovalRequest, HealingActionRecord } from '../domain/healing-action.js';
import type { HealthVerdict } from '../domain/health.js';
import type { Incident } from '../domain/incident.js';
import type { HealingStrategy } from '../heal/healing-strategy.js';
import type { HealingStrategyRegistry } from '../heal/strategy-registry.js';
import { transitionIncident, withAction, withDiagnosis } from '../incident/incident-lifecycle.js';
import type { ApprovalQueue } from '../policy/approval-queue.js';
import type { CircuitBreaker } from '../policy/circuit-breaker.js';
import { decideHealing } from '../policy/decide-healing.js';
import { expectDockerRestart } from '../policy/docker-restart-policy.js';
import type { OperatorIntentTracker } from '../policy/operator-intent.js';
import type { Clock } from '../ports/clock.js';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import type { Logger } from '../ports/logger.js';
import type { Recorder } from '../record/recorder.js';
import {
  type AgentEmit,
  type AgentLog,
  type AgentSignal,
  describeError,
  type TrackWork,
} from './agent-support.js';
import type { ContainerObserver } from './container-observer.js';
import type { ContainerRegistry } from './container-registry.js';
import type { ContainerWatch } from './container-watch.js';
import type { DiagnosisService } from './diagnosis-service.js';
import type { IncidentCoordinator } from './incident-coordinator.js';
import type { HealingRequestOutcome } from './monitor-agent-api.js';
import type { RestartLedger } from './restart-ledger.js';

/** Restart events of ours arrive within the stop timeout plus the start; this margin covers the start. */
const ownActionMarginMs = 15_000;
/**
 * The step that asks the configured diagnoser instead of acting. Known by name: the registry's
 * strategies carry no "diagnoses" capability yet (adding one means a flag on the built-in).
 */
const diagnoseStepName = 'diagnose_with_claude';

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
 * Acts on open incidents: the first diagnosis, the trigger's strategy steps, each step through the
 * policy gate (`decideHealing`) and then run and recorded; approvals asked, given and refused;
 * a person's request; and, after a recovery, the dependents that waited on it.
 */
export interface Healer {
  /** Works on the container's open incident; a second call while one runs makes it go round again. */
  heal(watch: ContainerWatch): Promise<void>;
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
  const { config, clock, log, emit, registry, containers, incidents, ledger, intent, breaker, approvals } =
    deps;
  const { diagnosis: diagnosisService, observer } = deps;

  const heal = async (watch: ContainerWatch): Promise<void> => {
    if (watch.healing) {
      watch.healAgain = true;
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

  const healOnce = async (watch: ContainerWatch): Promise<void> => {
    const incident = watch.incident;
    const settings = watch.settings;
    if (!incident || !settings || !watch.details) return;
    if (incident.status === 'awaiting_approval' || incident.status === 'escalated') return;

    if (!incident.diagnosis) {
      const diagnosing = transitionIncident(incident, { to: 'diagnosing', now: clock.now() });
      // A process that just exited gets restarted whatever its last lines say, and its log tail is
      // as slow to read as an inspect while Docker cleans up: decide on the exit code and OOM flag
      // (the lines are used if they are already here), and read the logs for the next failure.
      const justExited = watch.verdict?.problems.every(
        (problem) => problem.kind === 'container_stopped' || problem.kind === 'oom_killed',
      );
      const context = await diagnosisService.context(watch, diagnosing, {
        logs: justExited ? 'if-ready' : 'wait',
      });
      const diagnosis = await diagnosisService.diagnoseWithRules(context);
      await incidents.update(watch, withDiagnosis(diagnosing, diagnosis, clock.now()));
      log('info', 'diagnosis', {
        container: watch.name,
        incident_id: incident.id,
        source: diagnosis.source,
        diagnosis: diagnosis.diagnosis,
        recommended_action: diagnosis.recommendedAction,
        confidence: diagnosis.confidence,
        urgency: diagnosis.urgency,
      });
    }

    const steps = config.healing.strategies[incident.trigger] ?? [];
    for (const step of steps) {
      const current = watch.incident;
      if (!current || current.status === 'awaiting_approval' || current.status === 'escalated') return;
      if (step.action === diagnoseStepName) {
        const followUp = await diagnoseStep(watch, step);
        if (followUp === 'stop') return;
        continue;
      }
      const outcome = await runStep(
        watch,
        step,
        'rule',
        `${current.trigger}: ${current.problems[0]?.message ?? ''}`,
      );
      if (outcome.kind !== 'act' || outcome.changed) return;
    }
    // Every step ran and none could act: when the diagnosis says a person must look, say so now
    // rather than leaving the incident open with nobody told.
    const after = watch.incident;
    if (after && openForHealing(after) && after.diagnosis?.recommendedAction === 'manual') {
      await incidents.escalate(watch, `needs a person: ${after.diagnosis.diagnosis}`);
    }
  };

  /**
   * Asks the configured diagnoser (Claude when set up). Its recommendation is then put through the
   * same policy gate as any rule: a model can only pick from the allowlist, never more.
   */
  const diagnoseStep = async (watch: ContainerWatch, step: StrategyStep): Promise<'continue' | 'stop'> => {
    const incident = watch.incident!;
    if (diagnosisService.rulesOnly && incident.diagnosis?.source === 'rules') {
      // No model configured: the rules' diagnosis already stands; act on its recommendation.
      return actOnRecommendation(watch, incident.diagnosis, 'rule');
    }
    const context = await diagnosisService.context(watch, incident);
    const { diagnosis, guard } = await diagnosisService.diagnoseWithConfigured(context);
    watch.modelGuard = guard;
    await incidents.update(watch, withDiagnosis(incident, diagnosis, clock.now()));
    await recordAction(
      watch,
      step.action,
      `diagnosis by ${diagnosis.source}: ${diagnosis.diagnosis}`,
      'rule',
      'succeeded',
    );
    return actOnRecommendation(watch, diagnosis, diagnosis.source === 'model' ? 'model' : 'rule');
  };

  const actOnRecommendation = async (
    watch: ContainerWatch,
    diagnosis: Diagnosis,
    decidedBy: ActionDecidedBy,
  ): Promise<'continue' | 'stop'> => {
    if (diagnosis.recommendedAction === 'manual') return 'continue';
    if (!registry.has(diagnosis.recommendedAction)) {
      await incidents.escalate(watch, `diagnosis recommends unknown action ${diagnosis.recommendedAction}`);
      return 'stop';
    }
    const outcome = await runStep(
      watch,
      stepFor(diagnosis.recommendedAction),
      decidedBy,
      diagnosis.diagnosis,
    );
    return outcome.kind === 'act' && !outcome.changed ? 'continue' : 'stop';
  };

  /**
   * Puts one action through the policy gate and, when allowed, runs it. Every branch ends in a
   * record: the attempt is written before it runs, so a crash mid-heal still leaves a trace.
   */
  const runStep = async (
    watch: ContainerWatch,
    step: StrategyStep,
    requestedBy: ActionDecidedBy,
    reason: string,
  ): Promise<HealingRequestOutcome> => {
    const incident = watch.incident;
    const settings = watch.settings;
    const details = watch.details;
    if (!incident || !settings || !details)
      return { kind: 'skip', reason: 'nothing to heal', changed: false };
    const strategy = registry.get(step.action);
    const now = clock.now();
    const stepKey = `${step.action}`;
    const graph = containers.dependencyGraph();
    // max_attempts counts this step in this incident; a restart also counts the container's
    // crash-loop streak, so a container that dies again after each restart backs off and stops.
    const stepCount = watch.stepAttempts.get(stepKey) ?? 0;
    const streak = ledger.streak(watch.id);
    const decision = decideHealing({
      incident,
      diagnosis: incident.diagnosis,
      action: { name: strategy.name, step },
      healing: config.healing,
      settings,
      restartsContainer: strategy.restartsContainer,
      budget: {
        remaining: ledger.remaining({ container: watch.name, limit: settings.maxRestartsPerHour, now }),
        nextAvailableAt: ledger.nextAvailableAt({
          container: watch.name,
          limit: settings.maxRestartsPerHour,
          now,
        }),
      },
      attempts: {
        count: strategy.restartsContainer ? Math.max(stepCount, streak.attempts) : stepCount,
        lastAt: (strategy.restartsContainer ? streak.lastAttemptAt : watch.stepLastAt.get(stepKey)) ?? null,
      },
      dependencies: graph.dependenciesOf(watch.name).map((name) => {
        const dependency = containers.findByName(name);
        return {
          name,
          healthy: dependency?.verdict?.healthy === true,
          operatorStopped: dependency ? intent.isOperatorStopped(dependency.id) : false,
        };
      }),
      operatorStopped: intent.isOperatorStopped(details.id),
      dockerRestartPendingSince: dockerRestartPendingSince(watch, details, now),
      breakerOpen: breaker.isOpen(watch.name),
      restartsInFlight: ledger.inFlight,
      requestedBy,
      ...(requestedBy === 'model' && watch.modelGuard
        ? { instructionLikeLogs: watch.modelGuard.markers, rulesAction: watch.modelGuard.rulesAction }
        : {}),
      random: deps.random,
      now,
    });
    log('info', 'healing_decision', {
      container: watch.name,
      incident_id: incident.id,
      action: strategy.name,
      decision: decision.kind,
      reason: decision.reason,
      requested_by: requestedBy,
    });

    switch (decision.kind) {
      case 'wait':
        observer.recheckAt(watch, decision.until);
        return { kind: decision.kind, reason: decision.reason, changed: false };
      case 'skip':
        return { kind: decision.kind, reason: decision.reason, changed: false };
      case 'escalate': {
        const { escalate } = breaker.trip({
          container: watch.name,
          incidentId: incident.id,
          reason: decision.reason,
          now,
        });
        if (escalate || watch.incident?.status !== 'escalated')
          await incidents.escalate(watch, decision.reason);
        return { kind: decision.kind, reason: decision.reason, changed: false };
      }
      case 'manual':
        await incidents.escalate(watch, `needs a person: ${decision.reason}`);
        return { kind: decision.kind, reason: decision.reason, changed: false };
      case 'ask_approval':
        await askApproval(watch, strategy.name, reason);
        return { kind: decision.kind, reason: decision.reason, changed: false };
      case 'act':
        break;
    }

    watch.stepAttempts.set(stepKey, stepCount + 1);
    watch.stepLastAt.set(stepKey, now);
    if (strategy.restartsContainer) {
      // Counted in a dry run too, so its log shows the backoff, budget and escalation the real
      // agent would go through, instead of "restarting" on every check.
      ledger.recordRestart({ id: watch.id, container: watch.name, at: now });
    }
    if (decision.dryRun) {
      await recordAction(
        watch,
        strategy.name,
        reason,
        requestedBy,
        'dry_run',
        'dry run: nothing was changed',
      );
      return { kind: decision.kind, reason: decision.reason, changed: false };
    }
    {
      // An incident opened for a person's request or a dependency's restart skips diagnosis.
      const from =
        incident.status === 'open' ? transitionIncident(incident, { to: 'diagnosing', now }) : incident;
      const healing = from.status === 'healing' ? from : transitionIncident(from, { to: 'healing', now });
      // The action is on the incident before it runs: an agent killed mid-heal leaves a record that
      // says what it was doing, and its successor knows the incident was in its hands.
      await incidents.update(watch, withAction(healing, strategy.name, now));
    }
    const started = clock.now();
    const pending = await recordAction(watch, strategy.name, reason, requestedBy, 'pending');
    emit('healing:attempt', pending);
    log('warn', 'healing_attempt', {
      container: watch.name,
      incident_id: incident.id,
      action: strategy.name,
      reason,
      requested_by: requestedBy,
    });
    if (strategy.restartsContainer) {
      ledger.restartStarted();
      intent.expectOwnAction({
        containerId: details.id,
        action: 'restart',
        until: started + config.healing.stopTimeoutSeconds * 1000 + ownActionMarginMs,
      });
    }
    let outcome: Awaited<ReturnType<HealingStrategy['run']>>;
    // While it runs, a check (a probe tick, the restart's own start) must not resolve the
    // incident as recovered on its own: the check after the action decides.
    watch.actionsInFlight++;
    try {
      outcome = await strategy.run({
        incident: watch.incident!,
        container: details,
        settings,
        step,
        runtime: deps.runtime,
        diagnoser: diagnosisService.diagnoser,
        diagnosisContext: await diagnosisService.context(watch, watch.incident!, {
          logs: strategy.name === diagnoseStepName ? 'wait' : 'none',
        }),
        clock,
        logger: deps.logger,
        stopTimeoutSeconds: config.healing.stopTimeoutSeconds,
        signal: deps.signal() ?? new AbortController().signal,
      });
    } catch (error) {
      outcome = { ok: false, detail: describeError(error), changedContainer: false };
    }
    // Marked before the in-flight count drops: the check that the restart's own `start` event
    // triggers can land while the result below is being written, and must resolve the incident
    // as healed by us, not as "recovered" by itself.
    if (outcome.ok && outcome.changedContainer) watch.healedByUs = true;
    watch.actionsInFlight--;
    if (strategy.restartsContainer) ledger.restartFinished();
    const finished: HealingActionRecord = {
      ...pending,
      result: outcome.ok ? 'succeeded' : 'failed',
      durationMs: clock.now() - started,
      detail: outcome.detail,
      error: outcome.ok ? null : outcome.detail,
    };
    await deps.recorder.saveHealingAction(finished);
    emit('healing:result', finished);
    log(outcome.ok ? 'info' : 'error', 'healing_result', {
      container: watch.name,
      incident_id: incident.id,
      action: strategy.name,
      result: finished.result,
      duration_ms: finished.durationMs,
      detail: outcome.detail,
    });
    if (watch.incident && outcome.diagnosis) {
      await incidents.update(watch, withDiagnosis(watch.incident, outcome.diagnosis, clock.now()));
    }
    const changed = outcome.ok && outcome.changedContainer;
    if (changed) {
      // Fresh counters for the new run; confirm the result with a check right away.
      watch.counters = initialProbeCounters();
      watch.nextProbeAt = clock.now();
      observer.scheduleCheck(watch, { probe: false, reason: `after:${strategy.name}` });
    }
    return { kind: decision.kind, reason: decision.reason, changed };
  };

  const recordAction = async (
    watch: ContainerWatch,
    action: string,
    reason: string,
    decidedBy: ActionDecidedBy,
    result: HealingActionRecord['result'],
    detail: string | null = null,
  ): Promise<HealingActionRecord> => {
    const record: HealingActionRecord = {
      id: deps.newId(),
      host: deps.host,
      incidentId: watch.incident?.id ?? '',
      containerId: watch.id,
      containerName: watch.name,
      action,
      reason,
      decidedBy,
      result,
      startedAt: clock.now(),
      durationMs: result === 'pending' ? null : 0,
      detail,
      error: null,
    };
    await deps.recorder.saveHealingAction(record);
    if (result === 'dry_run') {
      emit('healing:attempt', record);
      emit('healing:result', record);
      log('warn', 'healing_attempt', { container: watch.name, action, reason, dry_run: true });
    }
    return record;
  };

  const askApproval = async (watch: ContainerWatch, action: string, reason: string): Promise<void> => {
    const incident = watch.incident!;
    const { request: approval, created } = approvals.request({
      id: deps.newId(),
      incident,
      action,
      reason,
      now: clock.now(),
    });
    if (!created) return;
    await incidents.awaitApproval(watch, { incident, approval, action, reason });
  };

  /**
   * Since when Docker's own restart policy has been expected to bring the container back (the
   * policy gives it `restart_policy_grace_seconds` before we act), or null when it will not.
   */
  const dockerRestartPendingSince = (
    watch: ContainerWatch,
    details: ContainerDetails,
    now: number,
  ): number | null => {
    const exited = details.state === 'exited' || details.state === 'dead';
    const willRestart =
      details.state === 'restarting' ||
      (exited &&
        expectDockerRestart({
          restartPolicy: details.restartPolicy,
          exitCode: details.exitCode,
          restartCount: details.restartCount,
          stoppedByOperator: intent.isOperatorStopped(details.id),
        }));
    if (!willRestart) {
      watch.dockerRestartSince = undefined;
      return null;
    }
    watch.dockerRestartSince ??= now;
    return watch.dockerRestartSince;
  };

  const decided = async (approval: ApprovalRequest, decision: 'approved' | 'rejected', by: string) => {
    await deps.recorder.saveApproval(approval);
    emit('approval:decided', approval);
    log('info', 'approval_decided', { approval_id: approval.id, action: approval.action, decision, by });
    return containers.get(approval.containerId) ?? containers.findByName(approval.containerName);
  };

  return {
    heal,

    async afterRecovery(parent, incident) {
      const graph = containers.dependencyGraph();
      for (const name of graph.dependentsOf(parent.name)) {
        const dependent = containers.findByName(name);
        if (!dependent) continue;
        if (dependent.incident) {
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
            runStep(
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
        runStep(watch, stepFor(approval.action), 'person', `approved by ${options.by}: ${approval.reason}`),
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
        runStep(watch, stepFor(action), 'person', `requested by ${options.by}: ${options.reason}`),
      );
    },
  };
}

function openForHealing(incident: Incident): boolean {
  return incident.status === 'open' || incident.status === 'diagnosing' || incident.status === 'healing';
}

function stepFor(action: string): StrategyStep {
  return {
    action,
    maxAttempts: undefined,
    backoffSeconds: undefined,
    thresholdPercent: undefined,
    script: undefined,
    timeoutSeconds: undefined,
  };
}
