import { type AgentEmit, type AgentLog, describeError, type TrackWork } from '../agent/agent-support.js';
import type { HealingRequestOutcome } from '../agent/monitor-agent-api.js';
import type { RestoredIncidents } from '../agent/restore.js';
import { swarmHealingOf } from '../config/default-monitor-config.js';
import type { MonitorConfig } from '../config/monitor-config.js';
import { resolveContainerSettings } from '../config/resolve-container-settings.js';
import { isServiceActionName, type ServiceActionName } from '../domain/action.js';
import type { ContainerEvent } from '../domain/container.js';
import { ContainerRuntimeError } from '../errors/monitor-error.js';
import type { ApprovalQueue } from '../policy/approval-queue.js';
import type { EventCause, OperatorIntentTracker } from '../policy/operator-intent.js';
import { createRestartBudget, restartBudgetWindowMs } from '../policy/restart-budget.js';
import type { Clock } from '../ports/clock.js';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import type { Notifier } from '../ports/notifier.js';
import type { SwarmService, SwarmServices, SwarmTask } from '../ports/swarm-services.js';
import type { Recorder } from '../record/recorder.js';
import {
  decideServiceHealing,
  type ServiceHealingDecision,
  type ServiceHealingInput,
} from './decide-service-healing.js';
import { createServiceActions, type ServiceActions } from './service-actions.js';
import { createServiceIncidents } from './service-incidents.js';
import { createServiceRequests } from './service-requests.js';
import { type ServiceTaskSummary, summarizeServiceTasks } from './service-task-summary.js';
import { createServiceWatch, type ServiceWatch } from './service-watch.js';
import type { SwarmTaskContainers } from './swarm-task-containers.js';
import { claimsSwarmTask } from './swarm-task-labels.js';

/**
 * After a task's container dies, Swarm needs a moment to mark the task failed: the service is
 * looked at this soon, and again at this pace until the task list shows the task ended.
 */
const afterTaskEventMs = 250;
/** How long a dead task's end is waited for in Swarm's list. */
const awaitTaskEndMs = 10_000;
/** Tasks awaited at once per service, at most (each die adds one until Swarm shows it ended). */
const maxAwaitedTasks = 100;
/** While a service's incident is being worked on, it is looked at this often. */
const activeLookMs = 2_000;
/** An escalated service, or one waiting for a person, is looked at this often (to see it recover). */
const waitingLookMs = 5_000;
/** Failed tasks remembered as already logged, per service. */
const maxReportedFailures = 200;
/** Containers a person stopped, remembered so their task's end is no failure. */
const maxOperatorStops = 1_000;
const endedTaskStates: ReadonlySet<string> = new Set([
  'failed',
  'rejected',
  'complete',
  'shutdown',
  'orphaned',
  'remove',
]);

export interface SwarmServiceWatcherDeps {
  readonly config: MonitorConfig;
  /** The Swarm API; without it task containers are still left to Swarm, but no service is judged. */
  readonly services: SwarmServices | undefined;
  /** For the failed tasks' containers: inspect and logs (reads only). */
  readonly runtime: Pick<ContainerRuntime, 'inspect' | 'logs'>;
  readonly clock: Clock;
  readonly log: AgentLog;
  readonly emit: AgentEmit;
  readonly host: string;
  readonly newId: () => string;
  readonly random: () => number;
  readonly recorder: Recorder;
  readonly notifier: Notifier | undefined;
  readonly tasks: SwarmTaskContainers;
  readonly intent: Pick<OperatorIntentTracker, 'operatorHold'>;
  readonly approvals: ApprovalQueue;
  readonly restoredIncidents: Pick<RestoredIncidents, 'take' | 'takeResolved'>;
  readonly track: TrackWork;
  readonly signal: () => AbortSignal | undefined;
}

/**
 * Watches the Swarm services whose tasks run on this engine, in place of their task containers,
 * which the agent never restarts. Task containers are recognised by their labels (list, events,
 * inspections); their services are then judged on what Swarm says (the service, its task list),
 * diagnosed from the failed tasks (Swarm's error, the container's exit code and logs), and
 * healed through Swarm when `decideServiceHealing` allows: a rollback, or a forced redeploy with
 * a person's approval. Everything is recorded under the service's name.
 */
export interface SwarmServiceWatcher {
  /** A container from a list or an inspect: true when it is a Swarm task, left to this watcher. */
  noteContainer(container: {
    readonly id: string;
    readonly name: string;
    readonly labels: Readonly<Record<string, string>>;
  }): boolean;
  /** An engine event (already classified by the operator-intent tracker): true for a Swarm task's. */
  onEvent(event: ContainerEvent, cause: EventCause): boolean;
  /** After a full list: task containers no longer listed are forgotten; every service is due a look. */
  afterFullPass(listedIds: ReadonlySet<string>): void;
  /** Starts the looks that are due (called on the agent's tick). */
  lookDue(): void;
  /** Restores the service actions of the last hour from the store, so no fresh budget is granted. */
  restore(): Promise<void>;
  /** True for a pending approval of a service action. */
  ownsApproval(id: string): boolean;
  approve(options: { readonly id: string; readonly by: string }): Promise<HealingRequestOutcome>;
  reject(options: { readonly id: string; readonly by: string; readonly reason?: string }): Promise<void>;
  /**
   * A person's request naming a service (or a service action): carried out through the service
   * policy; one naming a Swarm task's container is refused with the reason. Undefined when the
   * request is about neither (an ordinary container's, for the healer).
   */
  requestHealing(options: {
    readonly container: string;
    readonly action?: string;
    readonly reason: string;
    readonly by: string;
  }): Promise<HealingRequestOutcome | undefined>;
  /** The services watched now, with their open incidents. */
  watched(): readonly ServiceWatch[];
}

export function createSwarmServiceWatcher(deps: SwarmServiceWatcherDeps): SwarmServiceWatcher {
  const { config, clock, log, tasks } = deps;
  const swarm = swarmHealingOf(config.healing);
  const windowMs = swarm.failureWindowSeconds * 1000;
  const watches = new Map<string, ServiceWatch>();
  const operatorStops = new Set<string>();
  const budget = createRestartBudget();
  const records = createServiceIncidents({
    swarm,
    runtime: deps.runtime,
    clock,
    log,
    emit: deps.emit,
    host: deps.host,
    newId: deps.newId,
    recorder: deps.recorder,
    notifier: deps.notifier,
    approvals: deps.approvals,
    restoredIncidents: deps.restoredIncidents,
    reopenWindowSeconds: config.healing.reopenWindowSeconds,
    signal: deps.signal,
  });
  const incidents = records.coordinator;
  const actions: ServiceActions | undefined =
    deps.services === undefined
      ? undefined
      : createServiceActions({
          services: deps.services,
          clock,
          log,
          emit: deps.emit,
          host: deps.host,
          newId: deps.newId,
          recorder: deps.recorder,
          incidents,
          approvals: deps.approvals,
          budget,
        });
  let unwatchedSaid = false;

  const watchFor = (id: string, name: string): ServiceWatch | undefined => {
    if (!swarm.enabled) return undefined;
    let watch = watches.get(id);
    if (watch === undefined) {
      watch = createServiceWatch(id, name, clock.now());
      watches.set(id, watch);
      log('info', 'swarm_service_watched', { service: name, service_id: id });
    }
    return watch;
  };

  /** A look begins by setting the routine time of the next; this brings it forward. */
  const lookSoon = (watch: ServiceWatch, inMs: number): void => {
    watch.lookAt = Math.min(watch.lookAt, clock.now() + inMs);
  };

  const noteContainer: SwarmServiceWatcher['noteContainer'] = (container) => {
    const read = tasks.note(container);
    if (read.kind === 'none') return false;
    if (read.kind === 'task') watchFor(read.task.serviceId, read.task.serviceName);
    return true;
  };

  const onEvent: SwarmServiceWatcher['onEvent'] = (event, cause) => {
    if (event.action === 'destroy') {
      const known = tasks.isTask(event.containerId) || claimsSwarmTask(event.labels);
      tasks.forget(event.containerId);
      operatorStops.delete(event.containerId);
      return known;
    }
    const read = tasks.note({ id: event.containerId, name: event.containerName, labels: event.labels });
    if (read.kind === 'none') return false;
    if (read.kind !== 'task') return true;
    const watch = watchFor(read.task.serviceId, read.task.serviceName);
    if (cause === 'operator_stop') {
      operatorStops.add(event.containerId);
      if (operatorStops.size > maxOperatorStops) operatorStops.delete(operatorStops.values().next().value!);
    }
    if (watch === undefined) return true;
    const failing =
      event.action === 'die' ||
      event.action === 'oom' ||
      (event.action === 'health_status' && event.healthStatus === 'unhealthy');
    if (failing && watch.awaitedTasks.size < maxAwaitedTasks)
      watch.awaitedTasks.set(read.task.taskId, event.time);
    if (failing || event.action === 'pause' || event.action === 'unpause' || event.action === 'start')
      lookSoon(watch, afterTaskEventMs);
    return true;
  };

  const afterFullPass: SwarmServiceWatcher['afterFullPass'] = (listedIds) => {
    for (const id of tasks.ids()) {
      if (!listedIds.has(id)) {
        tasks.forget(id);
        operatorStops.delete(id);
      }
    }
    const now = clock.now();
    for (const watch of watches.values()) {
      // Its tasks left this engine (moved, or the service is gone) and nothing is open: let it go.
      if (tasks.containersOf(watch.id).length === 0 && watch.record.incident === undefined) {
        watches.delete(watch.id);
        continue;
      }
      watch.lookAt = Math.min(watch.lookAt, now);
    }
  };

  const lookDue: SwarmServiceWatcher['lookDue'] = () => {
    const now = clock.now();
    for (const watch of watches.values()) {
      if (watch.looking || watch.lookAt > now) continue;
      void deps.track(look(watch)).catch((error: unknown) => {
        log('error', 'swarm_service_look_failed', { service: watch.name, error: describeError(error) });
      });
    }
  };

  const look = async (watch: ServiceWatch): Promise<void> => {
    watch.looking = true;
    // Routine unless the look (or an event meanwhile) asks for a sooner one.
    watch.lookAt = clock.now() + config.monitoring.intervalSeconds * 1000;
    try {
      await lookOnce(watch);
    } finally {
      watch.looking = false;
    }
  };

  /** Reads the service and its tasks from Swarm; undefined when that failed (logged once) or it is gone. */
  const read = async (
    watch: ServiceWatch,
  ): Promise<{ service: SwarmService; taskList: readonly SwarmTask[] } | undefined> => {
    if (deps.services === undefined) {
      if (!unwatchedSaid) {
        unwatchedSaid = true;
        log('warn', 'swarm_services_unavailable', {
          service: watch.name,
          why: 'the agent was given no Swarm service API (swarmServices): task containers are left to Swarm, and no service is judged',
        });
      }
      return undefined;
    }
    const signal = deps.signal();
    try {
      const service = await deps.services.inspectService({ id: watch.id, ...(signal ? { signal } : {}) });
      const taskList = await deps.services.listTasks({
        serviceId: service.id,
        ...(signal ? { signal } : {}),
      });
      watch.lastError = undefined;
      return { service, taskList };
    } catch (error) {
      if (signal?.aborted) return undefined;
      if (ContainerRuntimeError.isInstance(error) && (error as ContainerRuntimeError).kind === 'not_found') {
        await forgetService(watch, 'service removed');
        return undefined;
      }
      const text = describeError(error);
      if (watch.lastError !== text) {
        watch.lastError = text;
        log('warn', 'swarm_service_unreadable', { service: watch.name, error: text });
      }
      return undefined;
    }
  };

  const forgetService = async (watch: ServiceWatch, why: string): Promise<void> => {
    if (watch.record.incident !== undefined) await incidents.resolve(watch.record, why, { leftAlone: true });
    watches.delete(watch.id);
    log('info', 'swarm_service_forgotten', { service: watch.name, why });
  };

  /** A service is configured like a container of its name, with its own labels (`deploy.labels`). */
  const settingsOf = (service: SwarmService) =>
    resolveContainerSettings({ config, container: { name: service.name, labels: service.labels } }).settings;

  const lookOnce = async (watch: ServiceWatch): Promise<void> => {
    const seen = await read(watch);
    if (seen === undefined) return;
    const { service, taskList } = seen;
    awaitTaskEnds(watch, taskList);
    watch.service = service;
    watch.name = service.name;
    watch.record.name = service.name;
    const settings = settingsOf(service);
    watch.settings = settings;
    watch.record.settings = settings;
    if (settings === null) {
      if (watch.record.incident !== undefined)
        await incidents.resolve(watch.record, 'left alone: not monitored by this configuration', {
          leftAlone: true,
        });
      return;
    }
    if (watch.record.incident === undefined) records.adoptRestored(watch);
    const now = clock.now();
    const summary = summarizeServiceTasks({
      service,
      tasks: taskList,
      now,
      windowMs,
      stoppedByOperator: (containerId) => operatorStops.has(containerId),
    });
    reportNewFailures(watch, summary);
    const counted = countedFrom(watch, service, summary);
    const decision = decideServiceHealing(
      policyInput(watch, service, counted, settings.maxRestartsPerHour, now),
    );
    records.recordSample(watch, service, counted, decision);
    await apply(watch, service, counted, decision);
  };

  /** Tasks that died but that Swarm has not yet marked ended: looked for again shortly. */
  const awaitTaskEnds = (watch: ServiceWatch, taskList: readonly SwarmTask[]): void => {
    if (watch.awaitedTasks.size === 0) return;
    const byId = new Map(taskList.map((task) => [task.id, task]));
    const now = clock.now();
    for (const [taskId, diedAt] of [...watch.awaitedTasks]) {
      const task = byId.get(taskId);
      // Ended, gone from the list (another node's, pruned) or still running long after its
      // container's death (Swarm saw something else): nothing more to wait for.
      if (task === undefined || endedTaskStates.has(task.state) || now - diedAt > awaitTaskEndMs)
        watch.awaitedTasks.delete(taskId);
    }
    if (watch.awaitedTasks.size > 0) lookSoon(watch, afterTaskEventMs);
  };

  /** The failures the open incident is judged on: those after our last action, or after Swarm's rollback began. */
  const countedFrom = (
    watch: ServiceWatch,
    service: SwarmService,
    summary: ServiceTaskSummary,
  ): ServiceTaskSummary => {
    const rollbackStartedAt = service.updateStatus?.state.startsWith('rollback')
      ? service.updateStatus.startedAt
      : null;
    const from = Math.max(watch.failuresCountFrom ?? -Infinity, rollbackStartedAt ?? -Infinity);
    if (from === -Infinity) return summary;
    const failures = summary.failures.filter((failure) => failure.at > from);
    return {
      ...summary,
      failures,
      failuresSinceUpdate: failures.filter((failure) => failure.sinceUpdate).length,
    };
  };

  const policyInput = (
    watch: ServiceWatch,
    service: SwarmService,
    summary: ServiceTaskSummary,
    limit: number,
    now: number,
    request?: { readonly action: ServiceActionName },
  ): ServiceHealingInput => ({
    service,
    tasks: summary,
    swarm,
    healing: config.healing,
    tasksPausedByOperator: tasks
      .containersOf(service.id)
      .some((containerId) => deps.intent.operatorHold(containerId) === 'paused'),
    budget: {
      limit,
      remaining: budget.remaining({ container: watch.name, limit, now }),
      nextAvailableAt: budget.nextAvailableAt({ container: watch.name, limit, now }),
    },
    attempts: watch.attempts,
    requestedBy: request === undefined ? 'rule' : 'person',
    ...(request === undefined ? {} : { requestedAction: request.action }),
    now,
    random: deps.random,
  });

  const reportNewFailures = (watch: ServiceWatch, summary: ServiceTaskSummary): void => {
    for (const failure of [...summary.failures].reverse()) {
      if (watch.reportedFailures.has(failure.taskId)) continue;
      watch.reportedFailures.add(failure.taskId);
      if (watch.reportedFailures.size > maxReportedFailures)
        watch.reportedFailures.delete(watch.reportedFailures.values().next().value!);
      log('warn', 'swarm_task_failed', {
        service: watch.name,
        task_id: failure.taskId,
        state: failure.state,
        exit_code: failure.exitCode,
        error: failure.error,
        since_update: failure.sinceUpdate,
      });
    }
  };

  const apply = async (
    watch: ServiceWatch,
    service: SwarmService,
    summary: ServiceTaskSummary,
    decision: ServiceHealingDecision,
  ): Promise<void> => {
    const now = clock.now();
    const incident = watch.record.incident;
    if (decision.kind === 'left_alone') {
      if (incident !== undefined)
        await incidents.resolve(watch.record, `left alone: ${decision.reason}`, { leftAlone: true });
      return;
    }
    if (decision.kind === 'healthy') {
      if (incident === undefined) return;
      const upToStrength = summary.desired > 0 && summary.running >= summary.desired;
      if (!upToStrength) {
        watch.healthySince = undefined;
        lookSoon(watch, activeLookMs);
        return;
      }
      watch.healthySince ??= now;
      const resolveAt = watch.healthySince + config.healing.resolveAfterSeconds * 1000;
      if (now < resolveAt) {
        lookSoon(watch, Math.min(activeLookMs, resolveAt - now));
        return;
      }
      await incidents.resolve(watch.record, watch.record.healedByUs ? 'healed' : 'recovered');
      return;
    }
    watch.healthySince = undefined;
    const failing = summary.failures.length >= swarm.taskFailures;
    if (incident === undefined && !failing) return;
    if (incident === undefined) await records.openFailing(watch, service, summary);
    if (watch.record.incident === undefined) return;
    await records.diagnose(watch, service, summary, decision);
    logDecision(watch, decision);
    const status = watch.record.incident.status;
    lookSoon(watch, status === 'escalated' || status === 'awaiting_approval' ? waitingLookMs : activeLookMs);
    switch (decision.kind) {
      case 'wait':
        if (decision.until !== null) lookSoon(watch, Math.max(0, decision.until - now));
        return;
      case 'refused':
        return;
      case 'escalate':
        for (const refusal of decision.refusals)
          await actions?.recordSkipOnce(watch, refusal.action, refusal.reason);
        await incidents.escalate(watch.record, decision.reason);
        return;
      case 'ask_approval':
        await actions?.askApproval(watch, decision.action, decision.reason);
        return;
      case 'act': {
        if (actions === undefined) return;
        watch.attempts = { count: watch.attempts.count + 1, lastAt: now };
        const outcome = await actions.run(watch, {
          action: decision.action,
          service,
          reason: decision.reason,
          requestedBy: 'rule',
          dryRun: decision.dryRun,
        });
        if (!decision.dryRun) watch.failuresCountFrom = clock.now();
        if (!outcome.ok)
          await incidents.escalate(watch.record, `${decision.action} failed: ${outcome.detail}`);
        lookSoon(watch, activeLookMs);
      }
    }
  };

  const logDecision = (watch: ServiceWatch, decision: ServiceHealingDecision): void => {
    const action = 'action' in decision ? decision.action : undefined;
    const cause = 'cause' in decision ? decision.cause : undefined;
    const key = `${decision.kind}:${cause ?? ''}:${action ?? ''}`;
    if (watch.lastDecisionKey === key) return;
    watch.lastDecisionKey = key;
    log('info', 'healing_decision', {
      container: watch.name,
      incident_id: watch.record.incident?.id,
      swarm_service: true,
      ...(action === undefined ? {} : { action }),
      decision: decision.kind,
      ...(cause === undefined ? {} : { cause }),
      reason: decision.reason,
      requested_by: 'rule',
    });
  };

  /** The service a person names: a watched one by name or ID, else asked of Swarm. */
  const serviceNamed = async (nameOrId: string): Promise<ServiceWatch | undefined> => {
    let found: ServiceWatch | undefined;
    for (const watch of watches.values()) if (watch.id === nameOrId || watch.name === nameOrId) found = watch;
    if (found === undefined && deps.services !== undefined && swarm.enabled) {
      try {
        const service = await deps.services.inspectService({ id: nameOrId });
        found = watchFor(service.id, service.name);
        if (found !== undefined) found.service = service;
      } catch {
        return undefined;
      }
    }
    // An approval given right after a restart names an incident the previous agent left open.
    if (found !== undefined && found.record.incident === undefined) records.adoptRestored(found);
    return found;
  };

  const requests = createServiceRequests({
    clock,
    log,
    emit: deps.emit,
    recorder: deps.recorder,
    approvals: deps.approvals,
    tasks,
    incidents: records,
    actions,
    serviceNamed,
    isWatched: (nameOrId) =>
      [...watches.values()].some((watch) => watch.name === nameOrId || watch.id === nameOrId),
    hasServiceApi: deps.services !== undefined,
    // A person's request is judged on all of the window's failures (no incident's history to drop).
    read: async (watch) => {
      const seen = await read(watch);
      if (seen === undefined) return undefined;
      const { service, taskList } = seen;
      watch.service = service;
      const limit = settingsOf(service)?.maxRestartsPerHour ?? config.monitoring.defaults.maxRestartsPerHour;
      const summary = summarizeServiceTasks({ service, tasks: taskList, now: clock.now(), windowMs });
      return { service, summary, limit };
    },
    policyInput: (watch, service, summary, limit, request) =>
      policyInput(watch, service, summary, limit, clock.now(), request),
    lookSoon: (watch) => lookSoon(watch, activeLookMs),
  });

  return {
    noteContainer,
    onEvent,
    afterFullPass,
    lookDue,

    async restore() {
      const since = clock.now() - restartBudgetWindowMs;
      try {
        const recent = await deps.recorder.store.listHealingActions({ host: deps.host, since });
        budget.restore({
          restarts: recent
            .filter((action) => isServiceActionName(action.action) && action.result !== 'skipped')
            .map((action) => ({ container: action.containerName, at: action.startedAt })),
        });
      } catch (error) {
        log('error', 'swarm_budget_restore_failed', { error: describeError(error) });
      }
    },

    ownsApproval: requests.ownsApproval,
    approve: requests.approve,
    reject: requests.reject,
    requestHealing: requests.requestHealing,

    watched() {
      return [...watches.values()];
    },
  };
}
