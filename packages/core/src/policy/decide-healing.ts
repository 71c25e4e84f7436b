import type { ContainerSettings, HealingConfig, StrategyStep } from '../config/monitor-config.js';
import { type ActionName, normalizeActionName } from '../domain/action.js';
import type { Diagnosis } from '../domain/diagnosis.js';
import type { ActionDecidedBy } from '../domain/healing-action.js';
import { type Incident, openIncidentStatuses } from '../domain/incident.js';
import { isMoreInvasive } from './action-invasiveness.js';
import { backoffDelayMs, stableJitter } from './backoff.js';
import type { InstructionMarker } from './instruction-detector.js';

/**
 * THE place where "may we do this?" is answered, for the rules, a model's diagnosis and a
 * person's REST call alike. A pure function of its input: the agent gathers the state (budget,
 * attempts, dependencies, operator intent...) and carries out the decision.
 *
 * Precedence for the rules and the model (first match wins):
 *  1. skip      incident_closed          the incident is resolved or escalated
 *  2. skip      operator_stopped         a person stopped or paused it (when respect_operator_stops)
 *  3. skip      auto_heal_disabled       auto_heal_enabled is false
 *  4. skip      auto_restart_disabled    the action restarts the container and auto_restart is false
 *  5. manual    recommended_manual       the candidate or the diagnosis is `manual`
 *  6. manual    no_diagnosis             the model asked with no diagnosis to back it
 *  7. manual    model_custom_script      a model can never choose custom_script
 * 7b. manual    instruction_like_logs    the model read logs holding instruction-like text
 *  8. manual    not_allowed              neither in auto_fix_actions nor in manual_approval_required
 *  9. manual    low_confidence           diagnosis confidence < min_confidence (approval actions exempt)
 * 10. escalate  breaker_open             the container's circuit breaker is open
 * 11. wait      docker_restart_policy    Docker's restart policy gets its grace period first
 * 12. skip      dependency_stopped       a dependency was stopped by a person: healing this won't help
 * 13. wait      dependency               a dependency is unhealthy: the agent heals it first, for at
 *                                        most `dependency_wait_seconds`; after that the action goes on
 *                                        and its reason names the dependency still down
 * 14. escalate  max_attempts             this step's max_attempts are used up
 * 15. escalate  budget_spent             a restarting action with no restart left this hour
 * 16. ask_approval                       the action is in manual_approval_required, or a model
 *                                        recommends more than the rules did (see below)
 * 17. wait      backoff                  too soon after the previous attempt
 * 18. wait      concurrency              max_concurrent_restarts restarts already in flight
 * 19. act                                (dryRun: true when healing.dry_run: log, change nothing)
 *
 * A person's request skips 1-4, 6-10, 14, 16 and 17 (it is the operator's own intent, already
 * approved, and not an automatic loop) but still goes through 5 (`manual` cannot be run),
 * 11-13 (don't race Docker; dependencies first), 15 (the restart budget), 18 and 19.
 *
 * Allowlists compare names after `normalizeActionName`, so `container_restart` and
 * `restart_container` match each other. An action's permission follows what it does: a strategy
 * that declares `allowedAs` (the built-in `restart_if_above_threshold` and `reset_connections`
 * say `restart_container`) is allowed wherever that action is. A model's recommendation listed in
 * manual_approval_required is asked for approval (8 and 9 do not apply), except custom_script.
 * The confidence check (9) applies to whatever diagnosis is passed: pass null for a configured
 * strategy step that should run on the strategy's own authority.
 *
 * Untrusted logs (7b and 16): a model's answer is only as trustworthy as what it read. When the
 * logs it saw contain instruction-like text (`instructionLikeLogs`, from
 * `detectInstructionLikeText`), the answer may have been steered, so it is left to a person whatever
 * it says. And a model never goes beyond the rules on its own: when it recommends an action more
 * invasive than `rulesAction` (`isMoreInvasive`: look < in place < restart < change), an action
 * that would otherwise run automatically is asked for approval instead, after every other check
 * (an action outside the allowlist stays `not_allowed`; a low confidence stays `low_confidence`).
 * Neither applies to the rules' own choice: rules match fixed patterns and select from constants,
 * so log text cannot make them pick anything but one of their fixed answers.
 *
 * Escalating is idempotent here; the agent trips the circuit breaker, which says whether this
 * is the first escalation. On `max_attempts` the agent moves on to the strategy's next step
 * when there is one, and escalates only after the last.
 */
export interface DependencyState {
  readonly name: string;
  readonly healthy: boolean;
  /** The dependency was stopped or paused by a person. */
  readonly operatorStopped?: boolean;
}

export interface HealingDecisionInput {
  readonly incident: Incident;
  /** The diagnosis that chose or backs this action; null for a strategy step acted on without one. */
  readonly diagnosis: Diagnosis | null;
  /** The candidate action and the strategy step it came from (undefined for a model's or a person's choice). */
  readonly action: { readonly name: ActionName | 'manual'; readonly step: StrategyStep | undefined };
  /** From the strategy: running it restarts or stops the container (so it spends the restart budget). */
  readonly restartsContainer: boolean;
  /** From the strategy: the action whose place in the allowlists also covers this one. */
  readonly allowedAs?: ActionName;
  readonly healing: HealingConfig;
  readonly settings: ContainerSettings;
  /** From the restart budget for this container, with `settings.maxRestartsPerHour` as the limit. */
  readonly budget: { readonly remaining: number; readonly nextAvailableAt: number | null };
  /** Attempts of this step for this incident so far, and when the last one started. */
  readonly attempts: { readonly count: number; readonly lastAt: number | null };
  readonly dependencies: readonly DependencyState[];
  /** Since when this incident has been waiting for an unhealthy dependency (null: not waiting). */
  readonly dependencyWaitSince?: number | null;
  readonly operatorStopped: boolean;
  /** When Docker's restart policy is expected to restart it (see `expectDockerRestart`): since when. */
  readonly dockerRestartPendingSince: number | null;
  readonly breakerOpen: boolean;
  /** Restarts running now across the host; the cap is `healing.maxConcurrentRestarts`. */
  readonly restartsInFlight: number;
  readonly requestedBy: ActionDecidedBy;
  readonly now: number;
  /**
   * Jitter source for the backoff. By default a fraction derived from the incident and attempt,
   * so asking again about the same attempt gives the same deadline.
   */
  readonly random?: () => number;
  /** How soon to ask again when the concurrency cap is reached (default 1000 ms). */
  readonly concurrencyRetryMs?: number;
  /**
   * `detectInstructionLikeText` over the untrusted text the model was shown (log tail, error
   * lines). Any marker leaves a model's answer to a person (7b). Ignored for rules and people.
   */
  readonly instructionLikeLogs?: readonly InstructionMarker[];
  /** The rules' recommendation for this incident: a model may not go beyond it without approval. */
  readonly rulesAction?: ActionName | 'manual';
}

export type SkipCause =
  | 'incident_closed'
  | 'operator_stopped'
  | 'auto_heal_disabled'
  | 'auto_restart_disabled'
  | 'dependency_stopped';
export type ManualCause =
  | 'recommended_manual'
  | 'no_diagnosis'
  | 'model_custom_script'
  | 'not_allowed'
  | 'low_confidence'
  | 'instruction_like_logs';
export type EscalateCause = 'breaker_open' | 'max_attempts' | 'budget_spent';
export type WaitCause = 'docker_restart_policy' | 'dependency' | 'backoff' | 'concurrency';

/** Every decision names the (normalized) action it is about and says why in one sentence. */
export type HealingDecision =
  | {
      readonly kind: 'act';
      readonly action: string;
      readonly step: StrategyStep | undefined;
      readonly dryRun: boolean;
      readonly reason: string;
      /**
       * What the action goes ahead despite, for the record a person reads: the dependencies still
       * unhealthy once `dependency_wait_seconds` ran out. Absent when nothing stands against it.
       */
      readonly despite?: string;
    }
  | {
      readonly kind: 'wait';
      readonly action: string;
      readonly until: number;
      readonly cause: WaitCause;
      readonly reason: string;
    }
  | {
      readonly kind: 'ask_approval';
      readonly action: string;
      readonly step: StrategyStep | undefined;
      readonly reason: string;
    }
  | {
      readonly kind: 'escalate';
      readonly action: string;
      readonly cause: EscalateCause;
      readonly reason: string;
    }
  | { readonly kind: 'skip'; readonly action: string; readonly cause: SkipCause; readonly reason: string }
  | {
      readonly kind: 'manual';
      readonly action: string;
      readonly cause: ManualCause;
      readonly reason: string;
    };

export type HealingDecisionKind = HealingDecision['kind'];

const defaultConcurrencyRetryMs = 1000;

export function decideHealing(input: HealingDecisionInput): HealingDecision {
  const { incident, diagnosis, healing, settings, now } = input;
  const action = input.action.name === 'manual' ? 'manual' : normalizeActionName(input.action.name);
  const step = input.action.step;
  const container = incident.containerName;
  const byPerson = input.requestedBy === 'person';
  const byModel = input.requestedBy === 'model';
  const coveredBy = input.allowedAs === undefined ? undefined : normalizeActionName(input.allowedAs);
  const isListed = (list: readonly ActionName[]) =>
    list.some((listed) => {
      const name = normalizeActionName(listed);
      return name === action || name === coveredBy;
    });
  const listedForApproval = isListed(healing.manualApprovalRequired);
  const rulesAction = input.rulesAction;
  const aboveRules =
    byModel && rulesAction !== undefined && isMoreInvasive(action, normalizeActionName(rulesAction));
  // Above the rules, an action that would run automatically needs a person's yes; one outside the
  // allowlist stays refused.
  const needsApproval = listedForApproval || (aboveRules && isListed(healing.autoFixActions));

  const skip = (cause: SkipCause, reason: string): HealingDecision => ({
    kind: 'skip',
    action,
    cause,
    reason,
  });
  const manual = (cause: ManualCause, reason: string): HealingDecision => ({
    kind: 'manual',
    action,
    cause,
    reason,
  });
  const escalate = (cause: EscalateCause, reason: string): HealingDecision => ({
    kind: 'escalate',
    action,
    cause,
    reason,
  });
  const wait = (cause: WaitCause, until: number, reason: string): HealingDecision => ({
    kind: 'wait',
    action,
    until,
    cause,
    reason,
  });

  if (!byPerson) {
    const gate = automaticGate();
    if (gate) return gate;
  }

  if (action === 'manual' || (!byPerson && diagnosis?.recommendedAction === 'manual')) {
    return manual(
      'recommended_manual',
      diagnosis?.recommendedAction === 'manual'
        ? `the diagnosis says a person must look at ${container}: ${diagnosis.diagnosis}`
        : `the action chosen for ${container} is manual: a person must look`,
    );
  }

  if (!byPerson) {
    if (byModel && diagnosis === null) {
      return manual(
        'no_diagnosis',
        `the model asked for ${action} on ${container} without a diagnosis to back it`,
      );
    }
    if (byModel && action === 'custom_script') {
      return manual(
        'model_custom_script',
        `a model recommended custom_script for ${container}; scripts run only from a configured strategy, never on a model's word`,
      );
    }
    const markers = input.instructionLikeLogs ?? [];
    if (byModel && markers.length > 0) {
      return manual(
        'instruction_like_logs',
        `the logs of ${container} contain instruction-like text (${markers.join(', ')}), so the model's recommendation of ${action} may have been steered by them and is left to a person`,
      );
    }
    if (!needsApproval && !isListed(healing.autoFixActions)) {
      return manual(
        'not_allowed',
        `${action} is not in auto_fix_actions, so ${container} is left to a person`,
      );
    }
    if (!listedForApproval && diagnosis !== null && diagnosis.confidence < healing.minConfidence) {
      return manual(
        'low_confidence',
        `the diagnosis confidence ${diagnosis.confidence} is below min_confidence ${healing.minConfidence}, so ${action} on ${container} is left to a person`,
      );
    }
    if (input.breakerOpen) {
      return escalate(
        'breaker_open',
        `automatic healing of ${container} is stopped until a person resets it or it recovers`,
      );
    }
  }

  if (input.dockerRestartPendingSince !== null) {
    const graceEndsAt = input.dockerRestartPendingSince + healing.restartPolicyGraceSeconds * 1000;
    if (now < graceEndsAt) {
      return wait(
        'docker_restart_policy',
        graceEndsAt,
        `Docker's restart policy should restart ${container} itself; waiting until ${iso(graceEndsAt)} before ${action}`,
      );
    }
  }

  const stoppedDependencies = input.dependencies.filter((dependency) => dependency.operatorStopped === true);
  if (stoppedDependencies.length > 0) {
    return skip(
      'dependency_stopped',
      `${names(stoppedDependencies)} ${stoppedDependencies.length === 1 ? 'was' : 'were'} stopped by a person; ${action} on ${container} would not help`,
    );
  }
  const unhealthyDependencies = input.dependencies.filter((dependency) => !dependency.healthy);
  // Bounded: a dependency that never recovers must not hold its dependents for ever.
  const waitEndsAt =
    input.dependencyWaitSince === undefined || input.dependencyWaitSince === null
      ? now + healing.dependencyWaitSeconds * 1000
      : input.dependencyWaitSince + healing.dependencyWaitSeconds * 1000;
  const dependencyWaitOver = unhealthyDependencies.length > 0 && now >= waitEndsAt;
  if (unhealthyDependencies.length > 0 && !dependencyWaitOver) {
    const until = Math.min(waitEndsAt, now + Math.max(1, settings.checkIntervalSeconds) * 1000);
    return wait(
      'dependency',
      until,
      `${container} depends on ${names(unhealthyDependencies)}, which ${unhealthyDependencies.length === 1 ? 'is' : 'are'} unhealthy: healing ${unhealthyDependencies.length === 1 ? 'it' : 'them'} first (for up to ${healing.dependencyWaitSeconds} s)`,
    );
  }

  const maxAttempts = step?.maxAttempts;
  if (!byPerson && maxAttempts !== undefined && input.attempts.count >= maxAttempts) {
    return escalate(
      'max_attempts',
      `${action} was tried ${input.attempts.count} time${input.attempts.count === 1 ? '' : 's'} on ${container} (max_attempts ${maxAttempts}) without fixing it`,
    );
  }

  if (input.restartsContainer && input.budget.remaining <= 0) {
    const next =
      input.budget.nextAvailableAt === null
        ? 'no restart is allowed at all'
        : `the next is allowed at ${iso(input.budget.nextAvailableAt)}`;
    return escalate(
      'budget_spent',
      `${container} used all ${settings.maxRestartsPerHour} restart${settings.maxRestartsPerHour === 1 ? '' : 's'} allowed in the last hour; ${next}`,
    );
  }

  if (!byPerson && needsApproval) {
    return {
      kind: 'ask_approval',
      action,
      step,
      reason:
        listedForApproval || rulesAction === undefined
          ? `${action} on ${container} is in manual_approval_required: a person must approve it`
          : `the model recommends ${action} for ${container}, more than the rules' ${normalizeActionName(rulesAction)}: a person must approve it`,
    };
  }

  if (!byPerson && input.attempts.lastAt !== null) {
    const attempt = input.attempts.count;
    const initialMs = (step?.backoffSeconds ?? healing.backoffInitialSeconds) * 1000;
    const maxMs = Math.max(healing.backoffMaxSeconds * 1000, initialMs);
    const random = input.random ?? (() => stableJitter(`${incident.id}:${action}:${attempt}`));
    const readyAt = input.attempts.lastAt + backoffDelayMs({ attempt, initialMs, maxMs, random });
    if (now < readyAt) {
      return wait(
        'backoff',
        readyAt,
        `attempt ${attempt + 1} of ${action} on ${container} backs off until ${iso(readyAt)} after ${attempt} failed`,
      );
    }
  }

  if (input.restartsContainer && input.restartsInFlight >= healing.maxConcurrentRestarts) {
    return wait(
      'concurrency',
      now + (input.concurrencyRetryMs ?? defaultConcurrencyRetryMs),
      `${input.restartsInFlight} restart${input.restartsInFlight === 1 ? ' is' : 's are'} already running (max_concurrent_restarts ${healing.maxConcurrentRestarts}); ${container} waits its turn`,
    );
  }

  const despite = dependencyWaitOver
    ? `${names(unhealthyDependencies)} ${unhealthyDependencies.length === 1 ? 'is' : 'are'} still unhealthy after ${healing.dependencyWaitSeconds} s of waiting`
    : undefined;
  const why =
    despite === undefined ? actReason(input, action) : `${actReason(input, action)}, although ${despite}`;
  return {
    kind: 'act',
    action,
    step,
    dryRun: healing.dryRun,
    reason: healing.dryRun ? `${why}; dry run: logged only, nothing changed` : why,
    ...(despite === undefined ? {} : { despite }),
  };

  // Steps 1-4: whether automatic healing may touch this container at all.
  function automaticGate(): HealingDecision | undefined {
    if (!openIncidentStatuses.includes(incident.status)) {
      return skip('incident_closed', `the incident on ${container} is already ${incident.status}`);
    }
    if (input.operatorStopped && healing.respectOperatorStops) {
      return skip(
        'operator_stopped',
        `a person stopped or paused ${container}; it is left alone until started again`,
      );
    }
    if (!healing.autoHealEnabled) {
      return skip(
        'auto_heal_disabled',
        `auto_heal_enabled is false: ${action} on ${container} is only reported`,
      );
    }
    if (input.restartsContainer && !settings.autoRestart) {
      return skip(
        'auto_restart_disabled',
        `auto_restart is off for ${container}, and ${action} would restart it`,
      );
    }
    return undefined;
  }
}

function actReason(input: HealingDecisionInput, action: string): string {
  const container = input.incident.containerName;
  const budget = input.restartsContainer
    ? `, ${input.budget.remaining} of ${input.settings.maxRestartsPerHour} restarts left this hour`
    : '';
  switch (input.requestedBy) {
    case 'person':
      return `a person asked for ${action} on ${container}${budget}`;
    case 'model':
      return `the model's diagnosis (confidence ${input.diagnosis?.confidence ?? 0} >= ${input.healing.minConfidence}) recommends ${action} for ${container}${budget}`;
    default:
      return `the healing strategy for ${input.incident.trigger} runs ${action} on ${container}${budget}`;
  }
}

function names(dependencies: readonly DependencyState[]): string {
  return dependencies.map((dependency) => dependency.name).join(', ');
}

function iso(time: number): string {
  return new Date(time).toISOString();
}
