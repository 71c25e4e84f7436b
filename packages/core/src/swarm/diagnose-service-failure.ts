import { boundedLogTail } from '../diagnose/log-context.js';
import { diagnoseByRules } from '../diagnose/rule-diagnoser.js';
import type { ServiceActionName } from '../domain/action.js';
import type { ContainerDetails } from '../domain/container.js';
import type { Diagnosis } from '../domain/diagnosis.js';
import type { HealthMetrics, HealthVerdict } from '../domain/health.js';
import { openIncident } from '../incident/incident-lifecycle.js';
import type { SwarmService } from '../ports/swarm-services.js';
import { redactContext } from '../redact/redact-context.js';
import type { ServiceSituation } from './decide-service-healing.js';
import type { ServiceTaskSummary, TaskFailure } from './service-task-summary.js';

/** Longest part of Swarm's own error text quoted in a diagnosis (it can quote the image or a path). */
const maxSwarmTextChars = 300;

/**
 * The rules' reading of one failed task: its exit code, its container's state and the last lines
 * it logged (redacted with the container's own secrets first), as if it were a container that
 * stopped. The container may be gone already (Swarm prunes old tasks): then its exit code and
 * Swarm's error text are all there is.
 */
export function diagnoseTaskFailure(input: {
  readonly serviceName: string;
  readonly failure: TaskFailure;
  readonly container: ContainerDetails | null;
  readonly logLines: readonly string[];
  readonly host: string;
  readonly now: number;
}): Diagnosis {
  const { failure, container } = input;
  const exitCode = container?.exitCode ?? failure.exitCode;
  const name = container?.name ?? `${input.serviceName} task ${failure.taskId}`;
  const metrics: HealthMetrics = {
    state: 'exited',
    exitCode,
    oomKilled: container?.oomKilled ?? false,
    dockerHealth: container?.health.status ?? 'none',
    restartCount: 0,
    httpStatus: undefined,
    responseTimeMs: undefined,
    memoryBytes: undefined,
    memoryLimitBytes: undefined,
    memoryPercent: undefined,
    cpuPercent: undefined,
  };
  const said = swarmText(failure);
  const verdict: HealthVerdict = {
    containerId: container?.id ?? failure.containerId ?? failure.taskId,
    containerName: name,
    checkedAt: input.now,
    healthy: false,
    status: 'unhealthy',
    problems: [
      container?.oomKilled
        ? { kind: 'oom_killed', message: `${name} was killed for using too much memory` }
        : {
            kind: 'container_stopped',
            message: `${name} exited${exitCode === null ? '' : ` with code ${exitCode}`}${said === '' ? '' : ` (${said})`}`,
          },
    ],
    metrics,
  };
  const context = redactContext({
    incident: openIncident({ id: failure.taskId, host: input.host, verdict, now: input.now }),
    container,
    verdict,
    dependencies: {},
    recentRestarts: 0,
    logTail: boundedLogTail(input.logLines),
  });
  return diagnoseByRules(context);
}

/**
 * The service's diagnosis, as a person reads it on the incident: how many tasks failed and since
 * what, what Swarm said about the newest, what the rules make of its container, and what the
 * agent recommends for the service (never a container's action).
 */
export function describeServiceFailure(input: {
  readonly service: SwarmService;
  readonly summary: ServiceTaskSummary;
  readonly situation: ServiceSituation;
  readonly windowSeconds: number;
  /** The rules' reading of the newest failure (`diagnoseTaskFailure`), when there is one. */
  readonly taskDiagnosis: Diagnosis | undefined;
  readonly recommendedAction: ServiceActionName | 'manual';
}): Diagnosis {
  const { service, summary, situation, taskDiagnosis } = input;
  const newest = summary.failures[0];
  const count = summary.failures.length;
  const failed = `${count} task${count === 1 ? '' : 's'} of the Swarm service ${service.name} failed in the last ${input.windowSeconds} s (${summary.running} of ${summary.desired} running)`;
  const after =
    situation === 'failed_update'
      ? `, all since its update${service.changedByLastUpdate.length > 0 ? ` of ${service.changedByLastUpdate.join(', ')}` : ''}${service.previousImage !== null && service.previousImage !== service.image ? ` (image ${service.previousImage} -> ${service.image})` : ''}`
      : '';
  const said = newest === undefined ? '' : swarmText(newest);
  const rules = taskDiagnosis === undefined ? '' : `; its container: ${taskDiagnosis.diagnosis}`;
  const reasoning =
    situation === 'failed_update'
      ? 'The tasks started failing after the last update and the previous spec ran: the update is the likely cause, and rolling it back through Swarm restores what worked. Restarting a task would fight Swarm, which replaces failed tasks itself.'
      : 'Swarm replaces each failed task and they fail again; no recent update explains it, so a rollback has nothing to undo. A forced redeploy replaces every task, which only a person should decide.';
  return {
    diagnosis: `${failed}${after}${said === '' ? '' : `: ${said}`}${rules}`,
    cause: taskDiagnosis?.cause ?? 'crash_loop',
    recommendedAction: input.recommendedAction,
    urgency: 'high',
    confidence: situation === 'failed_update' ? 85 : Math.min(taskDiagnosis?.confidence ?? 50, 70),
    reasoning,
    source: 'rules',
  };
}

function swarmText(failure: TaskFailure): string {
  // Swarm's error when it has one; its message (`started`) only says where the task got to.
  const text = failure.error !== '' ? failure.error : failure.message;
  return text.length > maxSwarmTextChars ? `${text.slice(0, maxSwarmTextChars)}…` : text;
}
