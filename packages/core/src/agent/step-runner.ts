import { initialProbeCounters } from '../check/probe-counter.js';
import type { MonitorConfig, StrategyStep } from '../config/monitor-config.js';
import type { ContainerDetails } from '../domain/container.js';
import type { Diagnosis } from '../domain/diagnosis.js';
import type { ActionDecidedBy, HealingActionRecord } from '../domain/healing-action.js';
import type { HealingStrategy } from '../heal/healing-strategy.js';
import type { HealingStrategyRegistry } from '../heal/strategy-registry.js';
import { transitionIncident, withAction } from '../incident/incident-lifecycle.js';
import { type ApprovalQueue, approvalParamsOf } from '../policy/approval-queue.js';
import type { CircuitBreaker } from '../policy/circuit-breaker.js';
import { type DependencyState, decideHealing } from '../policy/decide-healing.js';
import { expectDockerRestart } from '../policy/docker-restart-policy.js';
import type { OperatorIntentTracker } from '../policy/operator-intent.js';
import { restartPriorities } from '../policy/restart-queue.js';
import type { Clock } from '../ports/clock.js';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import type { DiagnosisContext } from '../ports/diagnoser.js';
import type { Logger } from '../ports/logger.js';
import type { Recorder } from '../record/recorder.js';
import { recordRedactor } from '../redact/record-redactor.js';
import { readSwarmTaskLabels } from '../swarm/swarm-task-labels.js';
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
 * strategies carry no "diagnoses" capability yet.
 */
export const diagnoseStepName = 'diagnose_with_claude';

export interface StepRunnerDeps {
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
  readonly observer: Pick<ContainerObserver, 'scheduleCheck' | 'recheckAt'>;
  /** A restart slot freed for a queued container: heal it now (it holds the slot). */
  readonly healQueued: (watch: ContainerWatch) => Promise<void>;
  /** A diagnosis an action produced (`diagnose_with_claude`) goes on the incident. */
  readonly landDiagnosis: (watch: ContainerWatch, diagnosis: Diagnosis) => Promise<void>;
  readonly track: TrackWork;
  readonly signal: AgentSignal;
}

/** What became of one step, with the policy's cause when it did not act. */
export interface StepOutcome extends HealingRequestOutcome {
  readonly cause?: string;
}

/**
 * One action through the policy gate (`decideHealing`), then run and recorded. Every branch ends in
 * a record: the attempt is written before it runs, so a crash mid-heal still leaves a trace.
 * Restarts beyond the slots open (`max_concurrent_restarts`, up to `storm_concurrent_restarts` while
 * the line is long: restart-queue.ts) wait in the ledger's queue (critical first, then
 * dependencies first) and are healed when a slot frees, not re-decided on every tick.
 */
export interface StepRunner {
  run(
    watch: ContainerWatch,
    step: StrategyStep,
    requestedBy: ActionDecidedBy,
    reason: string,
  ): Promise<StepOutcome>;
  recordAction(
    watch: ContainerWatch,
    action: string,
    reason: string,
    decidedBy: ActionDecidedBy,
    result: HealingActionRecord['result'],
    detail?: string | null,
  ): Promise<HealingActionRecord>;
  /** A slot granted to a queued container that its heal did not use goes to the next in line. */
  releaseUnusedSlot(watch: ContainerWatch): void;
}

export function createStepRunner(deps: StepRunnerDeps): StepRunner {
  const { config, clock, log, emit, registry, containers, incidents, ledger, intent, breaker } = deps;
  const slots = ledger.slots;
  // The container's own (its label or entry), else the file's.
  const stopTimeoutOf = (settings: { readonly stopTimeoutSeconds?: number }): number =>
    settings.stopTimeoutSeconds ?? config.healing.stopTimeoutSeconds;

  /** Hands freed slots to the waiting line, in its order. */
  const drainQueue = (): void => {
    for (let granted = slots.next(); granted; granted = slots.next()) {
      const watch = containers.findByName(granted.container);
      if (!watch?.incident) {
        slots.release(granted.container);
        continue;
      }
      watch.grantedSlot = true;
      log('info', 'healing_dequeued', {
        container: watch.name,
        incident_id: watch.incident.id,
        waited_ms: clock.now() - granted.enqueuedAt,
        critical: watch.settings?.critical ?? false,
      });
      deps.track(deps.healQueued(watch).finally(() => releaseUnusedSlot(watch)));
    }
  };

  const releaseUnusedSlot = (watch: ContainerWatch): void => {
    if (!watch.grantedSlot) return;
    watch.grantedSlot = false;
    slots.release(watch.name);
    drainQueue();
  };

  const dependencyStates = (watch: ContainerWatch): DependencyState[] => {
    const states: DependencyState[] = [];
    for (const name of containers.dependencyGraph().dependenciesOf(watch.name)) {
      const dependency = containers.findByName(name);
      // A dependency the agent does not judge (absent, opted out, not selected) cannot be waited
      // for: nothing would ever say it recovered.
      if (!dependency?.settings || !dependency.verdict) continue;
      states.push({
        name,
        healthy: dependency.verdict.healthy,
        operatorStopped: intent.isOperatorStopped(dependency.id),
      });
    }
    return states;
  };

  const recordAction: StepRunner['recordAction'] = async (
    watch,
    action,
    reason,
    decidedBy,
    result,
    detail = null,
  ) => {
    // Where an action's text (a diagnosis quoted in its reason, a policy's refusal) enters the records.
    const record: HealingActionRecord = recordRedactor(watch.details).action({
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
    });
    await deps.recorder.saveHealingAction(record);
    if (result === 'dry_run') {
      emit('healing:attempt', record);
      emit('healing:result', record);
      log('warn', 'healing_attempt', { container: watch.name, action, reason: record.reason, dry_run: true });
    }
    return record;
  };

  const askApproval = async (
    watch: ContainerWatch,
    action: string,
    reason: string,
    step: StrategyStep,
  ): Promise<void> => {
    const incident = watch.incident!;
    const params = approvalParamsOf(step);
    const { request: approval, created } = deps.approvals.request({
      id: deps.newId(),
      incident,
      action,
      reason,
      now: clock.now(),
      // The approved step must run as queued: its script, threshold and timeout go with it.
      ...(params === undefined ? {} : { params }),
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

  const run: StepRunner['run'] = async (watch, step, requestedBy, unredactedReason) => {
    // The reason quotes a diagnosis or a person's words: redacted before an approval, a record or a log line holds it.
    const reason = recordRedactor(watch.details).text(unredactedReason);
    const incident = watch.incident;
    const settings = watch.settings;
    const details = watch.details;
    if (!incident || !settings || !details)
      return { kind: 'skip', reason: 'nothing to heal', changed: false };
    const swarmTask = readSwarmTaskLabels(details.labels);
    if (swarmTask.kind !== 'none') {
      // Whoever asks (a person, a dependency's restart, an approval): Swarm replaces its own tasks.
      const service =
        swarmTask.kind === 'task' ? `the Swarm service ${swarmTask.task.serviceName}` : 'a Swarm service';
      return {
        kind: 'skip',
        reason: `${watch.name} is a task of ${service}: Swarm replaces its tasks, so the agent does not act on the container`,
        changed: false,
        cause: 'swarm_task',
      };
    }
    const strategy = registry.get(step.action);
    const now = clock.now();
    const stepKey = `${step.action}`;
    // max_attempts counts this step in this incident; a restart also counts the container's
    // crash-loop streak, so a container that dies again after each restart backs off and stops.
    const stepCount = watch.stepAttempts.get(stepKey) ?? 0;
    const streak = ledger.streak(watch.id);
    const dependencies = dependencyStates(watch);
    if (watch.dependencyWaitSince !== undefined && dependencies.every((dependency) => dependency.healthy)) {
      // What it waited for is back: a refusal in its logs is history now.
      watch.dependencyWaitSince = undefined;
      watch.dependencyRecovered = true;
    }
    // A restart that will run needs one of the global slots; in a dry run nothing runs.
    const needsSlot = strategy.restartsContainer && !config.healing.dryRun;
    // Restarting a running container stops it first (up to its stop timeout): such restarts only
    // get the steady-state slots, never the storm ones (restart-queue.ts).
    const slow = details.state === 'running' || details.state === 'paused';
    const holdsSlot = needsSlot && (watch.grantedSlot || slots.tryAcquire(watch.name, slow));
    watch.grantedSlot = false;
    const decision = decideHealing({
      incident,
      diagnosis: incident.diagnosis,
      action: { name: strategy.name, step },
      healing: config.healing,
      settings,
      restartsContainer: strategy.restartsContainer,
      ...(strategy.allowedAs === undefined ? {} : { allowedAs: strategy.allowedAs }),
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
      dependencies,
      dependencyWaitSince: watch.dependencyWaitSince ?? null,
      operatorStopped: intent.isOperatorStopped(details.id),
      dockerRestartPendingSince: dockerRestartPendingSince(watch, details, now),
      breakerOpen: breaker.isOpen(watch.name),
      // The queue holds the count: without a slot, every one is taken (or others wait first).
      // (In a storm more than max_concurrent_restarts may run: the reason then says how many.)
      restartsInFlight:
        needsSlot && !holdsSlot ? Math.max(config.healing.maxConcurrentRestarts, slots.running().length) : 0,
      requestedBy,
      ...(requestedBy === 'model' && watch.modelGuard
        ? { instructionLikeLogs: watch.modelGuard.markers, rulesAction: watch.modelGuard.rulesAction }
        : {}),
      random: deps.random,
      now,
    });
    if (holdsSlot && decision.kind !== 'act') {
      slots.release(watch.name);
      drainQueue();
    }
    if (decision.kind === 'wait' && decision.cause === 'concurrency') {
      // Announced once, with its place and why; the queue wakes it when a slot frees (the healer
      // leaves a waiting container alone until then), so nothing is decided or logged in between.
      const priorityOf = restartPriorities({
        graph: containers.dependencyGraph(),
        containers: [...containers.watches()].map((each) => ({
          name: each.name,
          critical: each.settings?.critical ?? false,
        })),
      });
      const { added, position } = slots.enqueue({
        container: watch.name,
        ...priorityOf(watch.name),
        enqueuedAt: now,
        slow,
      });
      if (added) {
        log('info', 'healing_queued', {
          container: watch.name,
          incident_id: incident.id,
          action: strategy.name,
          position,
          critical: settings.critical,
          reason: decision.reason,
          requested_by: requestedBy,
        });
      }
      return { kind: decision.kind, reason: decision.reason, changed: false, cause: decision.cause };
    }
    if (decision.kind === 'wait' && decision.cause === 'dependency') watch.dependencyWaitSince ??= now;
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
        // A queued restart is woken by the queue when a slot frees (above); other waits by a timer.
        deps.observer.recheckAt(watch, decision.until);
        return { kind: decision.kind, reason: decision.reason, changed: false, cause: decision.cause };
      case 'skip':
      case 'manual':
        return { kind: decision.kind, reason: decision.reason, changed: false, cause: decision.cause };
      case 'escalate': {
        // A step that used up its max_attempts leaves the plan's next step its turn: the healer
        // escalates only when no step is left (with every reason).
        if (decision.cause === 'max_attempts')
          return { kind: decision.kind, reason: decision.reason, changed: false, cause: decision.cause };
        const { escalate } = breaker.trip({
          container: watch.name,
          incidentId: incident.id,
          reason: decision.reason,
          now,
        });
        if (escalate || watch.incident?.status !== 'escalated')
          await incidents.escalate(watch, decision.reason);
        return { kind: decision.kind, reason: decision.reason, changed: false, cause: decision.cause };
      }
      case 'ask_approval':
        await askApproval(watch, strategy.name, reason, step);
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
    // What it goes ahead despite (a dependency still down after the bounded wait) is said where a
    // person reads the action, not only in the log.
    const recordedReason =
      decision.despite === undefined ? reason : `${reason}; healing anyway: ${decision.despite}`;
    if (decision.dryRun) {
      await recordAction(
        watch,
        strategy.name,
        recordedReason,
        requestedBy,
        'dry_run',
        'dry run: nothing was changed',
      );
      return { kind: decision.kind, reason: decision.reason, changed: false };
    }
    try {
      return await act(watch, {
        strategy,
        step,
        requestedBy,
        reason: recordedReason,
        decisionReason: decision.reason,
        details,
        settings,
      });
    } finally {
      if (holdsSlot) {
        slots.release(watch.name);
        drainQueue();
      }
    }
  };

  const act = async (
    watch: ContainerWatch,
    input: {
      readonly strategy: HealingStrategy;
      readonly step: StrategyStep;
      readonly requestedBy: ActionDecidedBy;
      readonly reason: string;
      readonly decisionReason: string;
      readonly details: ContainerDetails;
      readonly settings: NonNullable<ContainerWatch['settings']>;
    },
  ): Promise<StepOutcome> => {
    const { strategy, step, requestedBy, reason, details, settings } = input;
    const incident = watch.incident!;
    const now = clock.now();
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
      reason: pending.reason,
      requested_by: requestedBy,
    });
    if (strategy.restartsContainer) {
      intent.expectOwnAction({
        containerId: details.id,
        action: 'restart',
        until: started + stopTimeoutOf(settings) * 1000 + ownActionMarginMs,
      });
    }
    let outcome: Awaited<ReturnType<HealingStrategy['run']>>;
    // While it runs, a check (a probe tick, the restart's own start) must not resolve the
    // incident as recovered on its own: the check after the action decides.
    watch.actionsInFlight++;
    try {
      const acting = watch.incident!;
      // Only a strategy that reads the diagnosis context pays for it: a restart goes ahead without
      // one being assembled (and its text redacted); the diagnosing step gets the log tail with it.
      let diagnosisContext: DiagnosisContext | undefined =
        strategy.name === diagnoseStepName
          ? deps.diagnosis.shareable(await deps.diagnosis.context(watch, acting, { logs: 'wait' }))
          : undefined;
      outcome = await strategy.run({
        incident: acting,
        container: details,
        settings,
        step,
        runtime: deps.runtime,
        diagnoser: deps.diagnosis.diagnoser,
        get diagnosisContext() {
          diagnosisContext ??= deps.diagnosis.contextWithoutLogs(watch, acting);
          return diagnosisContext;
        },
        clock,
        logger: deps.logger,
        stopTimeoutSeconds: stopTimeoutOf(settings),
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
    // An action's output (a script's, a command's in the container) enters the records here.
    const detail = recordRedactor(details).text(outcome.detail);
    const finished: HealingActionRecord = {
      ...pending,
      result: outcome.ok ? 'succeeded' : 'failed',
      durationMs: clock.now() - started,
      detail,
      error: outcome.ok ? null : detail,
    };
    await deps.recorder.saveHealingAction(finished);
    emit('healing:result', finished);
    log(outcome.ok ? 'info' : 'error', 'healing_result', {
      container: watch.name,
      incident_id: incident.id,
      action: strategy.name,
      result: finished.result,
      duration_ms: finished.durationMs,
      detail,
    });
    if (watch.incident && watch.incident.status !== 'resolved' && outcome.diagnosis) {
      await deps.landDiagnosis(watch, recordRedactor(details).diagnosis(outcome.diagnosis));
    }
    const changed = outcome.ok && outcome.changedContainer;
    if (changed) {
      // Fresh counters for the new run; confirm the result with a check right away. The restart
      // keeps its slot until that check is in: the next in line (a dependent of this one, say)
      // is then decided on what the container is now, not on the failure it had.
      watch.counters = initialProbeCounters();
      watch.nextProbeAt = clock.now();
      await deps.observer.scheduleCheck(watch, { probe: false, reason: `after:${strategy.name}` });
    }
    return { kind: 'act', reason: input.decisionReason, changed };
  };

  return { run, recordAction, releaseUnusedSlot };
}
