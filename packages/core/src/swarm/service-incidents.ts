import type { AgentEmit, AgentLog } from '../agent/agent-support.js';
import { createIncidentCoordinator, type IncidentCoordinator } from '../agent/incident-coordinator.js';
import type { RestoredIncidents } from '../agent/restore.js';
import type { SwarmHealingConfig } from '../config/monitor-config.js';
import type { ContainerDetails } from '../domain/container.js';
import type { HealthMetrics, HealthVerdict, Problem } from '../domain/health.js';
import { transitionIncident, withDiagnosis } from '../incident/incident-lifecycle.js';
import type { ApprovalQueue } from '../policy/approval-queue.js';
import type { Clock } from '../ports/clock.js';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import type { Notifier } from '../ports/notifier.js';
import type { SwarmService } from '../ports/swarm-services.js';
import type { Recorder } from '../record/recorder.js';
import type { ServiceHealingDecision, ServiceSituation } from './decide-service-healing.js';
import { describeServiceFailure, diagnoseTaskFailure } from './diagnose-service-failure.js';
import type { ServiceTaskSummary, TaskFailure } from './service-task-summary.js';
import type { ServiceWatch } from './service-watch.js';

/** Log lines of a failed task's container read for its diagnosis. */
const taskLogLines = 50;

export interface ServiceIncidentsDeps {
  readonly swarm: SwarmHealingConfig;
  /** Reads of the failed tasks' containers (inspect, logs). */
  readonly runtime: Pick<ContainerRuntime, 'inspect' | 'logs'>;
  readonly clock: Clock;
  readonly log: AgentLog;
  readonly emit: AgentEmit;
  readonly host: string;
  readonly newId: () => string;
  readonly recorder: Recorder;
  readonly notifier: Notifier | undefined;
  readonly approvals: Pick<ApprovalQueue, 'withdrawForIncident'>;
  readonly restoredIncidents: Pick<RestoredIncidents, 'take' | 'takeResolved'>;
  readonly reopenWindowSeconds: number;
  readonly signal: () => AbortSignal | undefined;
}

/**
 * What a Swarm service's incident records, under the service's name: the incident itself (through
 * an incident coordinator of its own, so it is persisted, emitted, logged and notified like a
 * container's), its diagnosis from the newest failed task, and a health sample at each change.
 */
export interface ServiceIncidents {
  /** The coordinator every change of a service's incident goes through (resolve, escalate...). */
  readonly coordinator: IncidentCoordinator;
  /** A failing service's incident: opened, or reopened within the reopen window. */
  openFailing(watch: ServiceWatch, service: SwarmService, summary: ServiceTaskSummary): Promise<void>;
  /** A person's request on a service with no incident: one is opened to hold the action. */
  openRequested(
    watch: ServiceWatch,
    service: SwarmService,
    summary: ServiceTaskSummary,
    message: string,
  ): Promise<void>;
  /** Diagnoses the open incident from the newest failed task, once per newest failure. */
  diagnose(
    watch: ServiceWatch,
    service: SwarmService,
    summary: ServiceTaskSummary,
    decision: ServiceHealingDecision,
  ): Promise<void>;
  /** A health sample of the service when its health changed since the last one. */
  recordSample(
    watch: ServiceWatch,
    service: SwarmService,
    summary: ServiceTaskSummary,
    decision: ServiceHealingDecision,
  ): void;
  /** An incident a previous agent left open (or recently resolved) for this service, taken up. */
  adoptRestored(watch: ServiceWatch): void;
}

export function createServiceIncidents(deps: ServiceIncidentsDeps): ServiceIncidents {
  const { clock, log } = deps;
  const coordinator = createIncidentCoordinator({
    host: deps.host,
    clock,
    newId: deps.newId,
    recorder: deps.recorder,
    emit: deps.emit,
    log,
    notifier: deps.notifier,
    // Services have no circuit breaker and no dependents: an escalation stays until it recovers.
    breaker: { incidentResolved: () => false },
    // A request for approval of an action the service no longer needs goes with its incident.
    afterResolved: async (_record, resolved) => {
      for (const withdrawn of deps.approvals.withdrawForIncident({
        incidentId: resolved.id,
        by: 'website-monitor',
        now: clock.now(),
      })) {
        await deps.recorder.saveApproval(withdrawn);
        deps.emit('approval:decided', withdrawn);
      }
    },
    reopenWindowSeconds: deps.reopenWindowSeconds,
  });

  const open = async (
    watch: ServiceWatch,
    service: SwarmService,
    summary: ServiceTaskSummary,
    problem: Problem,
    reopenable: boolean,
  ): Promise<void> => {
    const verdict: HealthVerdict = {
      containerId: service.id,
      containerName: service.name,
      checkedAt: clock.now(),
      healthy: false,
      status: 'unhealthy',
      problems: [problem],
      metrics: serviceMetrics(summary),
    };
    watch.attempts = { count: 0, lastAt: null };
    watch.failuresCountFrom = null;
    watch.diagnosedTaskId = undefined;
    watch.skipsRecorded.clear();
    watch.lastDecisionKey = undefined;
    if (reopenable) await coordinator.openOrReopen(watch.record, verdict);
    else await coordinator.open(watch.record, verdict);
  };

  const diagnoseTask = async (serviceName: string, failure: TaskFailure, now: number) => {
    let container: ContainerDetails | null = null;
    let logLines: readonly string[] = [];
    if (failure.containerId !== null) {
      const signal = deps.signal();
      // The container may be on another node, or pruned with its task: then Swarm's words are all there is.
      container = await deps.runtime
        .inspect({ id: failure.containerId, ...(signal ? { signal } : {}) })
        .catch(() => null);
      if (container !== null) {
        logLines = await deps.runtime
          .logs({ id: failure.containerId, tail: taskLogLines, ...(signal ? { signal } : {}) })
          .catch(() => []);
      }
    }
    return diagnoseTaskFailure({ serviceName, failure, container, logLines, host: deps.host, now });
  };

  return {
    coordinator,

    async openFailing(watch, service, summary) {
      const newest = summary.failures[0];
      const said = newest === undefined ? '' : newest.error || newest.message;
      await open(
        watch,
        service,
        summary,
        {
          kind: 'crash_loop',
          message: `the tasks of the Swarm service ${service.name} keep failing${said === '' ? '' : ` (${said})`}`,
        },
        true,
      );
    },

    async openRequested(watch, service, summary, message) {
      await open(watch, service, summary, { kind: 'custom_error', message }, false);
    },

    async diagnose(watch, service, summary, decision) {
      const newest = summary.failures[0];
      const incident = watch.record.incident;
      if (incident === undefined || incident.status === 'resolved') return;
      // Once per newest failure: a look that finds the same failed task changes nothing.
      if (newest === undefined ? incident.diagnosis !== null : watch.diagnosedTaskId === newest.taskId)
        return;
      watch.diagnosedTaskId = newest?.taskId;
      const taskDiagnosis =
        newest === undefined ? undefined : await diagnoseTask(service.name, newest, clock.now());
      const situation: ServiceSituation =
        'situation' in decision && decision.situation !== 'requested' ? decision.situation : 'failing_tasks';
      const diagnosis = describeServiceFailure({
        service,
        summary,
        situation,
        windowSeconds: deps.swarm.failureWindowSeconds,
        taskDiagnosis,
        recommendedAction:
          decision.kind === 'act' || decision.kind === 'ask_approval' ? decision.action : 'manual',
      });
      // Onto the incident as it is now: reading the container took a moment.
      const current = watch.record.incident;
      if (current === undefined || current.status === 'resolved') return;
      const now = clock.now();
      const from =
        current.status === 'open' ? transitionIncident(current, { to: 'diagnosing', now }) : current;
      const diagnosed = await coordinator.update(watch.record, withDiagnosis(from, diagnosis, now));
      deps.emit('diagnosis:completed', { incident: diagnosed, diagnosis: diagnosed.diagnosis ?? diagnosis });
      log('info', 'diagnosis', {
        container: watch.name,
        incident_id: current.id,
        source: diagnosis.source,
        cause: diagnosis.cause,
        diagnosis: diagnosed.diagnosis?.diagnosis ?? diagnosis.diagnosis,
        recommended_action: diagnosis.recommendedAction,
        confidence: diagnosis.confidence,
        urgency: diagnosis.urgency,
      });
    },

    recordSample(watch, service, summary, decision) {
      const healthy = decision.kind === 'healthy' && summary.running >= summary.desired;
      const status =
        decision.kind === 'left_alone' ? 'stopped_by_operator' : healthy ? 'healthy' : 'unhealthy';
      if (watch.lastSampleHealthy === healthy && status !== 'stopped_by_operator') return;
      watch.lastSampleHealthy = healthy;
      deps.recorder.addHealthSample({
        id: deps.newId(),
        host: deps.host,
        containerId: service.id,
        containerName: service.name,
        checkedAt: clock.now(),
        healthy,
        status,
        problems: healthy
          ? []
          : [
              {
                kind: 'crash_loop',
                message: `${summary.running} of ${summary.desired} tasks of ${service.name} running; ${decision.reason}`,
              },
            ],
        metrics: serviceMetrics(summary),
      });
    },

    adoptRestored(watch) {
      const restored = deps.restoredIncidents.take(watch.name);
      const earlier = deps.restoredIncidents.takeResolved(watch.name);
      if (restored !== undefined && restored.containerId === watch.id)
        coordinator.adopt(watch.record, restored);
      else if (earlier !== undefined && earlier.containerId === watch.id) coordinator.recall(earlier);
    },
  };
}

/** A service's figures in a container's terms: running or not, the newest failure's exit code, the failures. */
function serviceMetrics(summary: ServiceTaskSummary): HealthMetrics {
  return {
    state: summary.running > 0 ? 'running' : 'exited',
    exitCode: summary.failures[0]?.exitCode ?? null,
    oomKilled: false,
    dockerHealth: 'none',
    restartCount: summary.failures.length,
    httpStatus: undefined,
    responseTimeMs: undefined,
    memoryBytes: undefined,
    memoryLimitBytes: undefined,
    memoryPercent: undefined,
    cpuPercent: undefined,
  };
}
