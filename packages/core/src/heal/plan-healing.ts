import type { HealingConfig, StrategyStep } from '../config/monitor-config.js';
import { normalizeActionName } from '../domain/action.js';
import type { Diagnosis } from '../domain/diagnosis.js';
import { failureCauseTraits } from '../domain/failure-cause.js';
import type { ProblemKind } from '../domain/health.js';

/** One step of a plan, and on whose word it is there. */
export interface PlannedStep {
  readonly step: StrategyStep;
  /** `model`: the model's own recommendation, which the policy holds to a stricter standard. */
  readonly requestedBy: 'rule' | 'model';
}

export interface HealingPlan {
  readonly steps: readonly PlannedStep[];
  /** Steps the cause rules out, each with the reason (said on the incident when it escalates). */
  readonly dropped: readonly { readonly action: string; readonly reason: string }[];
  /**
   * Set when the diagnosed cause is one a restart cannot fix: the sentence to escalate with when no
   * remaining step can act ("a restart will not help: ...").
   */
  readonly restartWillNotHelp: string | undefined;
  /** Where the steps came from: the user's `healing.cause_plans`, the cause, or only the trigger. */
  readonly origin: 'cause_plan' | 'cause' | 'trigger';
  /** Said with each step's reason: why the plan goes ahead although the diagnosis points elsewhere. */
  readonly note: string | undefined;
}

export interface PlanHealingInput {
  readonly trigger: ProblemKind;
  readonly diagnosis: Diagnosis | null;
  readonly healing: Pick<HealingConfig, 'strategies' | 'causePlans'>;
  /** What the registry knows of an action; undefined for a name nobody registered. */
  readonly strategyOf: (action: string) => { readonly restartsContainer: boolean } | undefined;
  /**
   * A dependency this container waited for came back during the incident: the refusal in its
   * logs is history, and a restart now connects to the recovered dependency.
   */
  readonly dependencyRecovered?: boolean;
  /**
   * A dependency this container declares, and the agent watches, is unhealthy now: it is healed
   * first, and the restart stays in the plan for when it is back (the policy makes it wait).
   */
  readonly dependencyPending?: boolean;
  /**
   * Dependencies this container declares that the agent does not judge (opted out, not selected):
   * nothing would ever say they recovered, so they do not hold the restart back; the plan says so.
   */
  readonly unwatchedDependencies?: readonly string[];
}

/**
 * The cause decides the fix. A person's `healing.cause_plans` entry for the diagnosed cause wins
 * outright. Otherwise: the model's own recommendation first (the policy gate still judges it),
 * then the cause's remedies (clear the cache for a full disk), then the trigger's strategy list
 * (the user's per-trigger table, or the defaults). When the cause is one a restart cannot fix
 * (bad config, port in use, permission denied, missing binary, full disk...), every restarting
 * step is dropped, so such incidents do not burn the restart budget repeating the failure.
 * A pure function: the healer runs the steps through the policy gate one by one.
 */
export function planHealing(input: PlanHealingInput): HealingPlan {
  const { diagnosis, healing } = input;
  const cause = diagnosis?.cause;
  const userPlan = cause === undefined ? undefined : healing.causePlans[cause];
  if (userPlan !== undefined) {
    return {
      steps: registered(
        userPlan.map((step) => ({ step, requestedBy: 'rule' as const })),
        input,
      ),
      dropped: [],
      restartWillNotHelp: undefined,
      origin: 'cause_plan',
      note: undefined,
    };
  }

  const traits = cause === undefined ? undefined : failureCauseTraits(cause);
  const dependencyWatched = input.dependencyRecovered === true || input.dependencyPending === true;
  const unwatched = input.unwatchedDependencies ?? [];
  // Waiting for a dependency nobody watches is waiting for ever: heal the container anyway.
  const healAnyway =
    cause === 'dependency_unreachable' &&
    traits?.restartHelps === false &&
    !dependencyWatched &&
    unwatched.length > 0;
  const restartHelps =
    (traits?.restartHelps ?? true) || (cause === 'dependency_unreachable' && dependencyWatched) || healAnyway;
  const candidates: PlannedStep[] = [];
  const recommended = diagnosis?.recommendedAction;
  if (
    diagnosis?.source === 'model' &&
    recommended !== undefined &&
    recommended !== 'manual' &&
    recommended !== 'diagnose_with_claude'
  ) {
    // A recommendation that does not restart is tried once per incident, like a remedy: one that
    // "changes" the container without fixing it (clear_cache) would otherwise be repeated at every
    // backoff, and the rest of the plan never tried. Restarts have their budget and backoff.
    const once = input.strategyOf(recommended)?.restartsContainer === true ? {} : { maxAttempts: 1 };
    candidates.push({ step: { ...bareStep(recommended), ...once }, requestedBy: 'model' });
  }
  const remedies = traits?.remedies ?? [];
  // A remedy is tried once per incident: when the cause is still there after it, a person is told
  // (unless the user's own step for the same action says otherwise).
  for (const remedy of remedies)
    candidates.push({ step: { ...bareStep(remedy), maxAttempts: 1 }, requestedBy: 'rule' });
  for (const step of healing.strategies[input.trigger] ?? []) candidates.push({ step, requestedBy: 'rule' });

  const dropped: { action: string; reason: string }[] = [];
  const kept: PlannedStep[] = [];
  for (const candidate of dedupe(registered(candidates, input, dropped))) {
    if (!restartHelps && input.strategyOf(candidate.step.action)?.restartsContainer) {
      dropped.push({
        action: normalizeActionName(candidate.step.action),
        reason: `${normalizeActionName(candidate.step.action)} left out: a restart will not help (${traits?.label ?? cause})`,
      });
      continue;
    }
    kept.push(candidate);
  }
  return {
    steps: kept,
    dropped,
    restartWillNotHelp:
      !restartHelps && diagnosis ? `a restart will not help: ${diagnosis.diagnosis}` : undefined,
    origin: remedies.length > 0 || kept.some((step) => step.requestedBy === 'model') ? 'cause' : 'trigger',
    note: healAnyway
      ? `healing anyway: ${unwatched.join(', ')} ${unwatched.length === 1 ? 'is' : 'are'} not watched by this agent, so nothing would say when ${unwatched.length === 1 ? 'it is' : 'they are'} back`
      : undefined,
  };
}

/** Unknown names are left out (a model or an old config may name one); said in `dropped`. */
function registered(
  steps: readonly PlannedStep[],
  input: PlanHealingInput,
  dropped?: { action: string; reason: string }[],
): PlannedStep[] {
  return steps.filter((planned) => {
    if (input.strategyOf(planned.step.action) !== undefined) return true;
    dropped?.push({
      action: planned.step.action,
      reason: `${planned.step.action} is not a registered action`,
    });
    return false;
  });
}

/**
 * One entry per action, at its first place; where the user's strategy table names the same
 * action, its settings (max_attempts, threshold, script) are the ones used.
 */
function dedupe(steps: readonly PlannedStep[]): PlannedStep[] {
  const byAction = new Map<string, PlannedStep>();
  for (const planned of steps) {
    const name = normalizeActionName(planned.step.action);
    const earlier = byAction.get(name);
    if (earlier === undefined) {
      byAction.set(name, planned);
    } else if (isGenerated(earlier.step) && !isGenerated(planned.step)) {
      byAction.set(name, { step: planned.step, requestedBy: earlier.requestedBy });
    }
  }
  return [...byAction.values()];
}

/** A step we made up (a remedy, a recommendation) rather than one the user's table wrote. */
function isGenerated(step: StrategyStep): boolean {
  return (
    (step.maxAttempts === undefined || step.maxAttempts === 1) &&
    step.backoffSeconds === undefined &&
    step.thresholdPercent === undefined &&
    step.script === undefined &&
    step.timeoutSeconds === undefined
  );
}

/** A step with no settings of its own: an action chosen by a cause or a diagnosis. */
export function bareStep(action: string): StrategyStep {
  return {
    action,
    maxAttempts: undefined,
    backoffSeconds: undefined,
    thresholdPercent: undefined,
    script: undefined,
    timeoutSeconds: undefined,
  };
}
