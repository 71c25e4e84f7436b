import { describe, expect, it } from 'vitest';
import { defaultMonitorConfig, defaultSwarmHealing } from '../config/default-monitor-config.js';
import type { SwarmService } from '../ports/swarm-services.js';
import { decideServiceHealing, type ServiceHealingInput } from './decide-service-healing.js';
import type { ServiceTaskSummary, TaskFailure } from './service-task-summary.js';

const now = Date.UTC(2026, 11, 4, 18, 30);
const second = 1_000;

const service: SwarmService = {
  id: 'svc1',
  name: 'web',
  version: 29,
  createdAt: now - 3_600 * second,
  updatedAt: now - 60 * second,
  mode: 'replicated',
  replicas: 1,
  image: 'web:2',
  previousImage: 'web:1',
  hasPreviousSpec: true,
  changedByLastUpdate: ['ContainerSpec.Image'],
  forceUpdate: 0,
  updateStatus: {
    state: 'paused',
    startedAt: now - 60 * second,
    completedAt: null,
    message: 'update paused',
  },
  labels: {},
};

function failures(count: number, sinceUpdate = true): ServiceTaskSummary {
  const list: TaskFailure[] = Array.from({ length: count }, (_, index) => ({
    taskId: `t${index}`,
    containerId: `c${index}`,
    at: now - index * 6 * second,
    state: 'failed',
    error: 'task: non-zero exit (3)',
    message: 'started',
    exitCode: 3,
    sinceUpdate,
  }));
  return { failures: list, failuresSinceUpdate: sinceUpdate ? count : 0, running: 0, desired: 1 };
}

function input(overrides: Partial<ServiceHealingInput> = {}): ServiceHealingInput {
  return {
    service,
    tasks: failures(3),
    swarm: defaultSwarmHealing(),
    healing: defaultMonitorConfig().healing,
    tasksPausedByOperator: false,
    budget: { limit: 3, remaining: 3, nextAvailableAt: now },
    attempts: { count: 0, lastAt: null },
    requestedBy: 'rule',
    now,
    random: () => 0.5,
    ...overrides,
  };
}

const healing = defaultMonitorConfig().healing;

describe('decideServiceHealing', () => {
  it('rolls back a service whose tasks fail since a recent update, when rollback_service is allowed', () => {
    const decision = decideServiceHealing(input());
    expect(decision).toMatchObject({
      kind: 'act',
      action: 'rollback_service',
      situation: 'failed_update',
      dryRun: false,
    });
    expect(decision.reason).toContain('3 tasks of web failed in the last 300 s, since its update started at');
    expect(decision.reason).toContain('which changed ContainerSpec.Image');
  });

  it('leaves a healthy service alone, and a service with fewer failures than task_failures', () => {
    expect(decideServiceHealing(input({ tasks: failures(0) })).kind).toBe('healthy');
    expect(decideServiceHealing(input({ tasks: failures(2) })).kind).toBe('healthy');
  });

  it('leaves alone what a person chose: 0 replicas, paused tasks; and jobs', () => {
    expect(decideServiceHealing(input({ service: { ...service, replicas: 0 } }))).toMatchObject({
      kind: 'left_alone',
      cause: 'scaled_to_zero',
    });
    expect(decideServiceHealing(input({ tasksPausedByOperator: true }))).toMatchObject({
      kind: 'left_alone',
      cause: 'tasks_paused',
    });
    expect(decideServiceHealing(input({ service: { ...service, mode: 'replicated-job' } }))).toMatchObject({
      kind: 'left_alone',
      cause: 'job',
    });
  });

  it('never acts while Swarm’s own update or rollback runs, a person’s request included', () => {
    for (const state of ['updating', 'rollback_started'] as const) {
      const running = { ...service, updateStatus: { ...service.updateStatus!, state } };
      const cause = state === 'updating' ? 'swarm_updating' : 'swarm_rolling_back';
      expect(decideServiceHealing(input({ service: running }))).toMatchObject({
        kind: 'wait',
        cause,
        until: null,
      });
      expect(
        decideServiceHealing(
          input({ service: running, requestedBy: 'person', requestedAction: 'rollback_service' }),
        ),
      ).toMatchObject({ kind: 'wait', cause });
    }
  });

  it('never rolls back a rollback: the plan for failing tasks applies, and a redeploy needs a person', () => {
    const rolledBack = {
      ...service,
      updateStatus: {
        state: 'rollback_completed' as const,
        startedAt: now - 30 * second,
        completedAt: now,
        message: '',
      },
    };
    const decision = decideServiceHealing(input({ service: rolledBack }));
    expect(decision).toMatchObject({
      kind: 'ask_approval',
      action: 'force_redeploy_service',
      situation: 'failing_tasks',
    });
    expect(
      decideServiceHealing(
        input({ service: rolledBack, requestedBy: 'person', requestedAction: 'rollback_service' }),
      ),
    ).toMatchObject({ kind: 'refused', reason: expect.stringContaining('is already a rollback') });
  });

  it('does not blame an update that is old, or failures of the tasks before it', () => {
    const old = { ...service, updateStatus: { ...service.updateStatus!, startedAt: now - 7_200 * second } };
    expect(decideServiceHealing(input({ service: old }))).toMatchObject({
      kind: 'ask_approval',
      situation: 'failing_tasks',
    });
    expect(decideServiceHealing(input({ tasks: failures(3, false) }))).toMatchObject({
      situation: 'failing_tasks',
    });
    const never = { ...service, updateStatus: null, hasPreviousSpec: false, previousImage: null };
    expect(decideServiceHealing(input({ service: never }))).toMatchObject({ situation: 'failing_tasks' });
  });

  it('escalates with every refusal when the plan cannot run (the seed allowlists)', () => {
    const seed = {
      ...healing,
      autoFixActions: ['container_restart', 'clear_cache', 'reset_connections'],
      manualApprovalRequired: ['database_migration', 'configuration_change'],
    };
    const decision = decideServiceHealing(input({ healing: seed }));
    expect(decision).toMatchObject({ kind: 'escalate', cause: 'not_allowed' });
    expect(decision.kind === 'escalate' ? decision.refusals : []).toEqual([
      {
        action: 'rollback_service',
        reason: 'rollback_service is not in auto_fix_actions nor in manual_approval_required',
      },
    ]);
    const empty = decideServiceHealing(input({ swarm: { ...defaultSwarmHealing(), failedUpdate: [] } }));
    expect(empty.reason).toContain('healing.swarm.failed_update is empty');
  });

  it('asks a person for a redeploy even when it is listed in auto_fix_actions', () => {
    const decision = decideServiceHealing(
      input({
        healing: { ...healing, autoFixActions: ['force_redeploy_service'], manualApprovalRequired: [] },
        tasks: failures(3, false),
      }),
    );
    expect(decision).toMatchObject({ kind: 'ask_approval', action: 'force_redeploy_service' });
  });

  it('spends a budget and backs off like a container’s actions', () => {
    expect(
      decideServiceHealing(
        input({ budget: { limit: 3, remaining: 0, nextAvailableAt: now + 600 * second } }),
      ),
    ).toMatchObject({ kind: 'escalate', cause: 'budget_spent' });
    const waiting = decideServiceHealing(input({ attempts: { count: 1, lastAt: now - 2 * second } }));
    expect(waiting).toMatchObject({ kind: 'wait', cause: 'backoff' });
    expect(waiting.kind === 'wait' ? waiting.until : 0).toBeGreaterThan(now);
    expect(decideServiceHealing(input({ attempts: { count: 1, lastAt: now - 60 * second } })).kind).toBe(
      'act',
    );
  });

  it('reports only when auto healing is off, and only logs in a dry run', () => {
    expect(decideServiceHealing(input({ healing: { ...healing, autoHealEnabled: false } }))).toMatchObject({
      kind: 'escalate',
      cause: 'auto_heal_disabled',
    });
    expect(decideServiceHealing(input({ healing: { ...healing, dryRun: true } }))).toMatchObject({
      kind: 'act',
      dryRun: true,
    });
  });

  it('lets a person roll back or redeploy without the allowlists, within the budget', () => {
    const seed = { ...healing, autoFixActions: [], manualApprovalRequired: [] };
    expect(
      decideServiceHealing(
        input({
          healing: seed,
          tasks: failures(0),
          requestedBy: 'person',
          requestedAction: 'rollback_service',
        }),
      ),
    ).toMatchObject({ kind: 'act', action: 'rollback_service', situation: 'requested' });
    expect(
      decideServiceHealing(
        input({
          requestedBy: 'person',
          requestedAction: 'force_redeploy_service',
          budget: { limit: 3, remaining: 0, nextAvailableAt: null },
        }),
      ),
    ).toMatchObject({ kind: 'escalate', cause: 'budget_spent' });
    const noPrevious = { ...service, hasPreviousSpec: false, previousImage: null, updateStatus: null };
    expect(
      decideServiceHealing(
        input({ service: noPrevious, requestedBy: 'person', requestedAction: 'rollback_service' }),
      ),
    ).toMatchObject({ kind: 'refused', reason: 'web has no previous spec to roll back to' });
  });
});
