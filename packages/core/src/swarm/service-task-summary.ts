import type { SwarmService, SwarmTask } from '../ports/swarm-services.js';

/** One task that ended badly, as Swarm recorded it. */
export interface TaskFailure {
  readonly taskId: string;
  readonly containerId: string | null;
  /** When it failed (the task's state time, else its creation). */
  readonly at: number;
  readonly state: 'failed' | 'rejected' | 'complete';
  readonly error: string;
  readonly message: string;
  readonly exitCode: number | null;
  /** Created after the service's last update (or rollback) started: a task of the current spec. */
  readonly sinceUpdate: boolean;
}

/** What a service's tasks say now, for the policy. */
export interface ServiceTaskSummary {
  /** Failures within the window, newest first. */
  readonly failures: readonly TaskFailure[];
  /** Of those, the ones of tasks created since the last update (or rollback) started. */
  readonly failuresSinceUpdate: number;
  /** Tasks running now that Swarm wants running. */
  readonly running: number;
  /** Tasks Swarm wants running: the replicas of a replicated service, else the tasks it keeps running. */
  readonly desired: number;
}

const endedStates = new Set(['failed', 'rejected', 'complete']);

/**
 * Reads a service's task list: which tasks failed within `windowMs` before `now` (a task that
 * completed counts too, except in a job, whose tasks are meant to end), how many of them belong
 * to the current spec, and how many run of how many wanted. Tasks whose container a person
 * stopped (`stoppedByOperator`) are not failures: Swarm replaces them, and nobody did wrong.
 */
export function summarizeServiceTasks(input: {
  readonly service: SwarmService;
  readonly tasks: readonly SwarmTask[];
  readonly now: number;
  readonly windowMs: number;
  readonly stoppedByOperator?: (containerId: string) => boolean;
}): ServiceTaskSummary {
  const { service, now, windowMs } = input;
  const job = service.mode === 'replicated-job' || service.mode === 'global-job';
  const updateStartedAt = service.updateStatus?.startedAt ?? null;
  const failures: TaskFailure[] = [];
  let running = 0;
  let desiredRunning = 0;
  for (const task of input.tasks) {
    if (task.serviceId !== service.id) continue;
    if (task.desiredState === 'running') desiredRunning += 1;
    if (task.state === 'running' && task.desiredState === 'running') running += 1;
    if (!endedStates.has(task.state) || (job && task.state === 'complete')) continue;
    const at = task.stateAt ?? task.createdAt;
    // A time ahead of ours (the manager's clock) counts: erring that way never hides a crash loop.
    if (at === null || now - at > windowMs) continue;
    if (task.containerId !== null && input.stoppedByOperator?.(task.containerId)) continue;
    failures.push({
      taskId: task.id,
      containerId: task.containerId,
      at,
      state: task.state as TaskFailure['state'],
      error: task.error,
      message: task.message,
      exitCode: task.exitCode,
      sinceUpdate: updateStartedAt !== null && task.createdAt !== null && task.createdAt >= updateStartedAt,
    });
  }
  failures.sort((a, b) => b.at - a.at);
  return {
    failures,
    failuresSinceUpdate: failures.filter((failure) => failure.sinceUpdate).length,
    running,
    desired: service.mode === 'replicated' && service.replicas !== null ? service.replicas : desiredRunning,
  };
}
