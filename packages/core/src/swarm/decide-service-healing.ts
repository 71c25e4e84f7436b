import type { HealingConfig, SwarmHealingConfig } from '../config/monitor-config.js';
import { type ActionName, normalizeActionName, type ServiceActionName } from '../domain/action.js';
import { backoffDelayMs, stableJitter } from '../policy/backoff.js';
import type { SwarmService, SwarmUpdateState } from '../ports/swarm-services.js';
import type { ServiceTaskSummary } from './service-task-summary.js';

/**
 * "May we do this to a Swarm service?", as `decideHealing` answers it for a container. A pure
 * function of its input; the service watcher gathers the state and carries the decision out.
 *
 * The agent never restarts a task: Swarm replaces failed and unhealthy tasks itself. What the
 * agent adds is what Swarm does not do on its own: notice that a service keeps failing, undo the
 * update that broke it (`rollback_service`), or, with a person's yes, replace every task
 * (`force_redeploy_service`).
 *
 * Precedence for the rules (first match wins):
 *  1. left_alone  job                  a job's tasks are meant to end
 *  2. left_alone  scaled_to_zero       a person scaled the service to 0 replicas
 *  3. left_alone  tasks_paused         a person paused its task containers (when respect_operator_stops)
 *  4. wait        swarm_updating       Swarm's own update is under way: never act against it
 *  5. wait        swarm_rolling_back   Swarm's own rollback (or ours) is under way
 *  6. healthy                          fewer than `task_failures` failed tasks within the window
 *  7. escalate    auto_heal_disabled   auto_heal_enabled is false: reported only
 *  then the plan: `failed_update` when the failures are tasks of an update started within
 *  `recent_update_seconds` (and a previous spec exists), else `failing_tasks`; for each action:
 *     refused     rollback_service with no previous spec, or when the current spec is itself a
 *                 rollback (rolling back again would put the failing version back)
 *     refused     not in auto_fix_actions nor in manual_approval_required
 *     escalate    budget_spent: the service's actions this hour reached its max_restarts_per_hour
 *     ask_approval  force_redeploy_service always; any action in manual_approval_required
 *     wait        backoff: too soon after the previous action on it in this incident
 *     act         (dryRun: true when healing.dry_run: logged, nothing changed)
 *  8. escalate    not_allowed          no action of the plan could run (every refusal said)
 *
 * A person's request names its action and skips 1-3, 6, 7, the allowlists and the backoff (it
 * is the operator's own intent, already approved), but still never acts during Swarm's own
 * update or rollback (4-5), never rolls back without a previous spec or a rollback, and spends
 * the budget.
 */
export interface ServiceHealingInput {
  readonly service: SwarmService;
  readonly tasks: ServiceTaskSummary;
  readonly swarm: SwarmHealingConfig;
  readonly healing: Pick<
    HealingConfig,
    | 'autoHealEnabled'
    | 'dryRun'
    | 'autoFixActions'
    | 'manualApprovalRequired'
    | 'backoffInitialSeconds'
    | 'backoffMaxSeconds'
    | 'respectOperatorStops'
  >;
  /** A person paused a task container of the service (`docker pause`). */
  readonly tasksPausedByOperator: boolean;
  /** Service actions (rollbacks, redeploys) left this hour, and when the next is allowed. */
  readonly budget: {
    readonly limit: number;
    readonly remaining: number;
    readonly nextAvailableAt: number | null;
  };
  /** Automatic actions on the service in this incident so far, and when the last one ran. */
  readonly attempts: { readonly count: number; readonly lastAt: number | null };
  readonly requestedBy: 'rule' | 'person';
  /** The action a person asked for (their request always names one). */
  readonly requestedAction?: ServiceActionName;
  readonly now: number;
  /** Jitter for the backoff; by default derived from the service and the attempt. */
  readonly random?: () => number;
}

export type ServiceLeftAloneCause = 'job' | 'scaled_to_zero' | 'tasks_paused';
export type ServiceWaitCause = 'swarm_updating' | 'swarm_rolling_back' | 'backoff';
export type ServiceEscalateCause = 'auto_heal_disabled' | 'budget_spent' | 'not_allowed';

/** An action of the plan that could not run, and why. */
export interface ServiceRefusal {
  readonly action: ServiceActionName;
  readonly reason: string;
}

/** What the service is judged to be going through: what the plan is chosen by. */
export type ServiceSituation = 'failed_update' | 'failing_tasks';

/** Every decision says why in one sentence. */
export type ServiceHealingDecision =
  | { readonly kind: 'healthy'; readonly reason: string }
  | { readonly kind: 'left_alone'; readonly cause: ServiceLeftAloneCause; readonly reason: string }
  | {
      readonly kind: 'wait';
      readonly cause: ServiceWaitCause;
      /** When to look again; null: at the next look (Swarm's own work has no known end). */
      readonly until: number | null;
      readonly reason: string;
    }
  | {
      readonly kind: 'act';
      readonly action: ServiceActionName;
      readonly situation: ServiceSituation | 'requested';
      readonly dryRun: boolean;
      readonly reason: string;
    }
  | {
      readonly kind: 'ask_approval';
      readonly action: ServiceActionName;
      readonly situation: ServiceSituation;
      readonly reason: string;
    }
  | {
      readonly kind: 'escalate';
      readonly cause: ServiceEscalateCause;
      readonly situation: ServiceSituation | 'requested';
      readonly reason: string;
      /** The actions the plan held that could not run, each with why. */
      readonly refusals: readonly ServiceRefusal[];
    }
  /** A person's request that cannot be carried out as asked (nothing to roll back to). */
  | { readonly kind: 'refused'; readonly action: ServiceActionName; readonly reason: string };

const rollbackStates: ReadonlySet<SwarmUpdateState> = new Set([
  'rollback_started',
  'rollback_paused',
  'rollback_completed',
]);

export function decideServiceHealing(input: ServiceHealingInput): ServiceHealingDecision {
  const { service, tasks, swarm, healing, now } = input;
  const name = service.name;
  const byPerson = input.requestedBy === 'person';
  const updateState = service.updateStatus?.state;

  if (!byPerson) {
    if (service.mode === 'replicated-job' || service.mode === 'global-job') {
      return { kind: 'left_alone', cause: 'job', reason: `${name} is a job: its tasks are meant to end` };
    }
    if (service.mode === 'replicated' && service.replicas === 0) {
      return {
        kind: 'left_alone',
        cause: 'scaled_to_zero',
        reason: `${name} is scaled to 0 replicas: a person's choice, left alone`,
      };
    }
    if (input.tasksPausedByOperator && healing.respectOperatorStops) {
      return {
        kind: 'left_alone',
        cause: 'tasks_paused',
        reason: `a person paused a task of ${name}; it is left alone until unpaused`,
      };
    }
  }

  if (updateState === 'updating') {
    return {
      kind: 'wait',
      cause: 'swarm_updating',
      until: null,
      reason: `Swarm is updating ${name}${since(service)}: the agent does not act while Swarm's own update runs`,
    };
  }
  if (updateState === 'rollback_started') {
    return {
      kind: 'wait',
      cause: 'swarm_rolling_back',
      until: null,
      reason: `Swarm is rolling ${name} back${since(service)}: the agent does not act while it runs`,
    };
  }

  if (byPerson) {
    const action = input.requestedAction ?? 'force_redeploy_service';
    const refusal = action === 'rollback_service' ? rollbackRefusal(service) : undefined;
    if (refusal !== undefined) return { kind: 'refused', action, reason: refusal };
    const spent = budgetSpent(input, action);
    if (spent !== undefined)
      return { kind: 'escalate', cause: 'budget_spent', situation: 'requested', reason: spent, refusals: [] };
    const why = `a person asked for ${action} on ${name}${budgetNote(input)}`;
    return {
      kind: 'act',
      action,
      situation: 'requested',
      dryRun: healing.dryRun,
      reason: healing.dryRun ? `${why}; dry run: logged only, nothing changed` : why,
    };
  }

  if (tasks.failures.length < swarm.taskFailures) {
    return {
      kind: 'healthy',
      reason: `${tasks.failures.length} task failure${tasks.failures.length === 1 ? '' : 's'} of ${name} in the last ${swarm.failureWindowSeconds} s (fewer than ${swarm.taskFailures})`,
    };
  }

  const situation = situationOf(input);
  const failing = failingSentence(input, situation);
  if (!healing.autoHealEnabled) {
    return {
      kind: 'escalate',
      cause: 'auto_heal_disabled',
      situation,
      reason: `${failing}; auto_heal_enabled is false, so it is only reported`,
      refusals: [],
    };
  }

  const plan = situation === 'failed_update' ? swarm.failedUpdate : swarm.failingTasks;
  const refusals: ServiceRefusal[] = [];
  for (const action of plan) {
    if (action === 'rollback_service') {
      const refusal = rollbackRefusal(service);
      if (refusal !== undefined) {
        refusals.push({ action, reason: refusal });
        continue;
      }
    }
    const automatic = isListed(healing.autoFixActions, action);
    const approval = isListed(healing.manualApprovalRequired, action);
    // A redeploy replaces every task of a service that Swarm keeps replacing already: only a person decides it.
    const needsApproval = approval || (action === 'force_redeploy_service' && automatic);
    if (!automatic && !approval) {
      refusals.push({
        action,
        reason: `${action} is not in auto_fix_actions nor in manual_approval_required`,
      });
      continue;
    }
    const spent = budgetSpent(input, action);
    if (spent !== undefined) {
      return { kind: 'escalate', cause: 'budget_spent', situation, reason: `${failing}; ${spent}`, refusals };
    }
    if (needsApproval) {
      return {
        kind: 'ask_approval',
        action,
        situation,
        reason: `${failing}; ${action} on ${name} needs a person's approval`,
      };
    }
    const { attempts } = input;
    if (attempts.lastAt !== null) {
      const initialMs = healing.backoffInitialSeconds * 1000;
      const maxMs = Math.max(healing.backoffMaxSeconds * 1000, initialMs);
      const random = input.random ?? (() => stableJitter(`${service.id}:${action}:${attempts.count}`));
      const readyAt = attempts.lastAt + backoffDelayMs({ attempt: attempts.count, initialMs, maxMs, random });
      if (now < readyAt) {
        return {
          kind: 'wait',
          cause: 'backoff',
          until: readyAt,
          reason: `${action} on ${name} backs off until ${new Date(readyAt).toISOString()} after ${attempts.count} attempt${attempts.count === 1 ? '' : 's'}`,
        };
      }
    }
    const why = `${failing}; ${action} is in auto_fix_actions${budgetNote(input)}`;
    return {
      kind: 'act',
      action,
      situation,
      dryRun: healing.dryRun,
      reason: healing.dryRun ? `${why}; dry run: logged only, nothing changed` : why,
    };
  }
  const planKey = situation === 'failed_update' ? 'failed_update' : 'failing_tasks';
  return {
    kind: 'escalate',
    cause: 'not_allowed',
    situation,
    reason:
      plan.length === 0
        ? `${failing}; healing.swarm.${planKey} is empty, so a person must look`
        : `${failing}; no action could run: ${refusals.map((refusal) => refusal.reason).join('; ')}`,
    refusals,
  };
}

/**
 * The failures follow an update: one started within `recent_update_seconds`, not a rollback,
 * with a previous spec to go back to, and enough of the failed tasks are its own.
 */
function situationOf(input: ServiceHealingInput): ServiceSituation {
  const { service, tasks, swarm, now } = input;
  const status = service.updateStatus;
  if (status === null || rollbackStates.has(status.state) || !service.hasPreviousSpec) return 'failing_tasks';
  if (status.startedAt === null || now - status.startedAt > swarm.recentUpdateSeconds * 1000)
    return 'failing_tasks';
  return tasks.failuresSinceUpdate >= swarm.taskFailures ? 'failed_update' : 'failing_tasks';
}

/** Why `rollback_service` cannot run on this service, or undefined when it can. */
function rollbackRefusal(service: SwarmService): string | undefined {
  if (!service.hasPreviousSpec) return `${service.name} has no previous spec to roll back to`;
  const state = service.updateStatus?.state;
  if (state !== undefined && rollbackStates.has(state)) {
    return `the current spec of ${service.name} is already a rollback (${state}): rolling back again would put back the version that failed`;
  }
  return undefined;
}

function budgetSpent(input: ServiceHealingInput, action: string): string | undefined {
  const { budget, service } = input;
  if (budget.remaining > 0) return undefined;
  const next =
    budget.nextAvailableAt === null
      ? 'none is allowed at all'
      : `the next is allowed at ${new Date(budget.nextAvailableAt).toISOString()}`;
  return `${service.name} used all ${budget.limit} service action${budget.limit === 1 ? '' : 's'} allowed in the last hour (max_restarts_per_hour), so ${action} is not run; ${next}`;
}

function budgetNote(input: ServiceHealingInput): string {
  return `, ${input.budget.remaining} of ${input.budget.limit} service actions left this hour`;
}

function failingSentence(input: ServiceHealingInput, situation: ServiceSituation): string {
  const { service, tasks, swarm } = input;
  const count = tasks.failures.length;
  const base = `${count} task${count === 1 ? '' : 's'} of ${service.name} failed in the last ${swarm.failureWindowSeconds} s`;
  if (situation === 'failed_update') {
    const changed =
      service.changedByLastUpdate.length > 0
        ? `, which changed ${service.changedByLastUpdate.join(', ')}`
        : '';
    return `${base}, since its update${since(service)}${changed}`;
  }
  return `${base}, and Swarm keeps replacing them`;
}

function since(service: SwarmService): string {
  const startedAt = service.updateStatus?.startedAt;
  return startedAt === null || startedAt === undefined
    ? ''
    : ` started at ${new Date(startedAt).toISOString()}`;
}

function isListed(list: readonly ActionName[], action: string): boolean {
  return list.some((listed) => normalizeActionName(listed) === action);
}
