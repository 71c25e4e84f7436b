import { describe, expect, it } from 'vitest';
import type { ContainerSettings, HealingConfig, StrategyStep } from '../config/monitor-config.js';
import type { Diagnosis } from '../domain/diagnosis.js';
import type { Incident } from '../domain/incident.js';
import { backoffDelayMs, stableJitter } from './backoff.js';
import { decideHealing, type HealingDecision, type HealingDecisionInput } from './decide-healing.js';

const now = Date.UTC(2026, 0, 1, 12, 0, 0);
const second = 1000;

const healing: HealingConfig = {
  autoHealEnabled: true,
  dryRun: false,
  autoFixActions: ['container_restart', 'clear_cache', 'custom_script'],
  manualApprovalRequired: ['database_migration', 'configuration_change'],
  strategies: {},
  minConfidence: 70,
  stopTimeoutSeconds: 10,
  maxConcurrentRestarts: 2,
  stormConcurrentRestarts: 16,
  backoffInitialSeconds: 10,
  backoffMaxSeconds: 300,
  respectOperatorStops: true,
  restartDependents: true,
  restartPolicyGraceSeconds: 15,
  causePlans: {},
  resolveAfterSeconds: 10,
  reopenWindowSeconds: 600,
  dependencyWaitSeconds: 60,
};

const settings: ContainerSettings = {
  name: 'web',
  healthEndpoint: 'http://127.0.0.1:8080/health',
  dependsOn: [],
  checkIntervalSeconds: 5,
  probeIntervalSeconds: 3,
  confirmIntervalSeconds: 0.5,
  expectedStatus: [200],
  failureThreshold: 3,
  successThreshold: 1,
  startPeriodSeconds: 0,
  memoryPercentThreshold: undefined,
  cpuPercentThreshold: undefined,
  responseTimeMsThreshold: undefined,
  maxRestartsPerHour: 3,
  autoRestart: true,
  critical: false,
};

const incident: Incident = {
  id: 'inc-1',
  host: 'host-1',
  containerId: 'web-id',
  containerName: 'web',
  trigger: 'http_failed',
  problems: [{ kind: 'http_failed', message: 'HTTP 500 from http://127.0.0.1:8080/health' }],
  status: 'healing',
  openedAt: now - 60 * second,
  updatedAt: now,
  resolvedAt: null,
  exitCode: null,
  oomKilled: false,
  diagnosis: null,
  actionsTaken: [],
  autoHealed: false,
  escalationReason: null,
};

function step(overrides: Partial<StrategyStep> = {}): StrategyStep {
  return {
    action: 'restart_container',
    maxAttempts: 3,
    backoffSeconds: undefined,
    thresholdPercent: undefined,
    script: undefined,
    timeoutSeconds: undefined,
    ...overrides,
  };
}

function diagnosis(overrides: Partial<Diagnosis> = {}): Diagnosis {
  return {
    diagnosis: 'the worker pool is deadlocked',
    recommendedAction: 'restart_container',
    urgency: 'high',
    confidence: 90,
    reasoning: 'thread dump shows all workers blocked',
    source: 'model',
    ...overrides,
  };
}

/** A rule-requested restart that passes every check. */
function input(overrides: Partial<HealingDecisionInput> = {}): HealingDecisionInput {
  return {
    incident,
    diagnosis: null,
    action: { name: 'restart_container', step: step() },
    restartsContainer: true,
    healing,
    settings,
    budget: { remaining: 3, nextAvailableAt: now },
    attempts: { count: 0, lastAt: null },
    dependencies: [],
    operatorStopped: false,
    dockerRestartPendingSince: null,
    breakerOpen: false,
    restartsInFlight: 0,
    requestedBy: 'rule',
    now,
    ...overrides,
  };
}

function kindAndCause(decision: HealingDecision): string {
  return 'cause' in decision ? `${decision.kind}:${decision.cause}` : decision.kind;
}

// Every blocking condition at once, so precedence can be checked by removing them one at a time.
const everythingWrong: Partial<HealingDecisionInput> = {
  incident: { ...incident, status: 'resolved' },
  operatorStopped: true,
  healing: { ...healing, autoHealEnabled: false },
  settings: { ...settings, autoRestart: false },
  breakerOpen: true,
  dockerRestartPendingSince: now - 1000,
  dependencies: [
    { name: 'cache', healthy: false, operatorStopped: true },
    { name: 'db', healthy: false },
  ],
  attempts: { count: 3, lastAt: now - 1000 },
  budget: { remaining: 0, nextAvailableAt: now + 600_000 },
  restartsInFlight: 5,
};

describe('decideHealing', () => {
  describe('act', () => {
    it('acts on an allowed rule action, first attempt immediately', () => {
      const decision = decideHealing(input());
      expect(decision).toEqual({
        kind: 'act',
        action: 'restart_container',
        step: step(),
        dryRun: false,
        reason:
          'the healing strategy for http_failed runs restart_container on web, 3 of 3 restarts left this hour',
      });
    });

    it('allows restart_container when container_restart is listed, and the other way round', () => {
      expect(decideHealing(input()).kind).toBe('act');
      const listedCanonical = { ...healing, autoFixActions: ['restart_container'] };
      const decision = decideHealing(
        input({
          healing: listedCanonical,
          action: { name: 'container_restart', step: step({ action: 'container_restart' }) },
        }),
      );
      expect(decision).toMatchObject({ kind: 'act', action: 'restart_container' });
    });

    it('acts on a confident model diagnosis of an allowed action', () => {
      const decision = decideHealing(
        input({
          requestedBy: 'model',
          diagnosis: diagnosis({ confidence: 70 }),
          action: { name: 'restart_container', step: undefined },
        }),
      );
      expect(decision).toMatchObject({ kind: 'act', action: 'restart_container', dryRun: false });
      expect(decision.reason).toContain('confidence 70 >= 70');
    });

    it('acts on a non-restarting action without looking at the restart budget or concurrency', () => {
      const decision = decideHealing(
        input({
          action: { name: 'clear_cache', step: step({ action: 'clear_cache' }) },
          restartsContainer: false,
          budget: { remaining: 0, nextAvailableAt: now + 600_000 },
          restartsInFlight: 10,
          settings: { ...settings, autoRestart: false },
        }),
      );
      expect(decision).toMatchObject({ kind: 'act', action: 'clear_cache' });
      expect(decision.reason).not.toContain('restarts left');
    });

    it('acts in dry run with dryRun true and says nothing changes', () => {
      const decision = decideHealing(input({ healing: { ...healing, dryRun: true } }));
      expect(decision).toMatchObject({ kind: 'act', dryRun: true });
      expect(decision.reason).toMatch(/dry run: logged only, nothing changed$/);
    });

    it('acts once the backoff has passed', () => {
      const lastAt = now - 10 * second;
      expect(decideHealing(input({ attempts: { count: 1, lastAt }, random: () => 0.999 })).kind).toBe('act');
    });

    it('acts once the Docker restart-policy grace period is over', () => {
      expect(decideHealing(input({ dockerRestartPendingSince: now - 15 * second })).kind).toBe('act');
    });

    it('acts with healthy dependencies', () => {
      expect(decideHealing(input({ dependencies: [{ name: 'db', healthy: true }] })).kind).toBe('act');
    });

    it('allows custom_script from a configured rule', () => {
      const decision = decideHealing(
        input({
          action: { name: 'custom_script', step: step({ action: 'custom_script', script: '/opt/fix.sh' }) },
          restartsContainer: false,
        }),
      );
      expect(decision).toMatchObject({ kind: 'act', action: 'custom_script' });
    });
  });

  describe('skip', () => {
    it.each(['resolved', 'escalated'] as const)('skips a %s incident', (status) => {
      expect(decideHealing(input({ incident: { ...incident, status } }))).toMatchObject({
        kind: 'skip',
        cause: 'incident_closed',
      });
    });

    it('skips a container a person stopped', () => {
      const decision = decideHealing(input({ operatorStopped: true }));
      expect(decision).toMatchObject({ kind: 'skip', cause: 'operator_stopped' });
      expect(decision.reason).toBe('a person stopped or paused web; it is left alone until started again');
    });

    it('heals a container a person stopped when respect_operator_stops is off', () => {
      expect(
        decideHealing(input({ operatorStopped: true, healing: { ...healing, respectOperatorStops: false } }))
          .kind,
      ).toBe('act');
    });

    it('skips everything when auto-heal is disabled', () => {
      expect(decideHealing(input({ healing: { ...healing, autoHealEnabled: false } }))).toMatchObject({
        kind: 'skip',
        cause: 'auto_heal_disabled',
      });
    });

    it('skips a restarting action when auto_restart is off for the container', () => {
      expect(decideHealing(input({ settings: { ...settings, autoRestart: false } }))).toMatchObject({
        kind: 'skip',
        cause: 'auto_restart_disabled',
      });
    });

    it('skips when a dependency was stopped by a person', () => {
      const decision = decideHealing(
        input({ dependencies: [{ name: 'db', healthy: false, operatorStopped: true }] }),
      );
      expect(decision).toMatchObject({ kind: 'skip', cause: 'dependency_stopped' });
      expect(decision.reason).toBe('db was stopped by a person; restart_container on web would not help');
    });
  });

  describe('manual', () => {
    it('leaves it to a person when the diagnosis recommends manual', () => {
      const decision = decideHealing(
        input({
          requestedBy: 'model',
          diagnosis: diagnosis({ recommendedAction: 'manual', diagnosis: 'disk is full' }),
        }),
      );
      expect(decision).toMatchObject({ kind: 'manual', cause: 'recommended_manual' });
      expect(decision.reason).toBe('the diagnosis says a person must look at web: disk is full');
    });

    it('leaves it to a person when the candidate action is manual', () => {
      expect(
        decideHealing(input({ action: { name: 'manual', step: undefined }, restartsContainer: false })),
      ).toMatchObject({
        kind: 'manual',
        cause: 'recommended_manual',
        action: 'manual',
      });
    });

    it('a rule diagnosis that says manual overrides the configured strategy', () => {
      expect(
        decideHealing(input({ diagnosis: diagnosis({ source: 'rules', recommendedAction: 'manual' }) })),
      ).toMatchObject({ kind: 'manual', cause: 'recommended_manual' });
    });

    it('never runs custom_script because a model recommended it, even when it is allowed', () => {
      const decision = decideHealing(
        input({
          requestedBy: 'model',
          diagnosis: diagnosis({ recommendedAction: 'custom_script', confidence: 100 }),
          action: { name: 'custom_script', step: undefined },
          restartsContainer: false,
        }),
      );
      expect(decision).toMatchObject({ kind: 'manual', cause: 'model_custom_script' });
    });

    it('never runs custom_script on a model’s word even if it is listed for approval', () => {
      expect(
        decideHealing(
          input({
            requestedBy: 'model',
            healing: { ...healing, manualApprovalRequired: ['custom_script'] },
            diagnosis: diagnosis({ recommendedAction: 'custom_script' }),
            action: { name: 'custom_script', step: undefined },
          }),
        ),
      ).toMatchObject({ kind: 'manual', cause: 'model_custom_script' });
    });

    it('leaves an action outside auto_fix_actions to a person, for the model and for rules', () => {
      for (const requestedBy of ['model', 'rule'] as const) {
        const decision = decideHealing(
          input({
            requestedBy,
            diagnosis: requestedBy === 'model' ? diagnosis({ recommendedAction: 'reset_connections' }) : null,
            action: { name: 'reset_connections', step: undefined },
            restartsContainer: false,
          }),
        );
        expect(decision).toMatchObject({ kind: 'manual', cause: 'not_allowed' });
        expect(decision.reason).toBe(
          'reset_connections is not in auto_fix_actions, so web is left to a person',
        );
      }
    });

    it('leaves a low-confidence diagnosis to a person', () => {
      const decision = decideHealing(
        input({ requestedBy: 'model', diagnosis: diagnosis({ confidence: 69 }) }),
      );
      expect(decision).toMatchObject({ kind: 'manual', cause: 'low_confidence' });
      expect(decision.reason).toContain('69 is below min_confidence 70');
    });

    it('applies the confidence check to a rule backed by a diagnosis too', () => {
      expect(
        decideHealing(input({ diagnosis: diagnosis({ source: 'rules', confidence: 10 }) })),
      ).toMatchObject({
        kind: 'manual',
        cause: 'low_confidence',
      });
    });

    it('refuses a model request with no diagnosis behind it', () => {
      expect(decideHealing(input({ requestedBy: 'model', diagnosis: null }))).toMatchObject({
        kind: 'manual',
        cause: 'no_diagnosis',
      });
    });
  });

  describe('ask_approval', () => {
    it('asks for approval of a listed action whatever the confidence', () => {
      for (const confidence of [5, 100]) {
        const decision = decideHealing(
          input({
            requestedBy: 'model',
            diagnosis: diagnosis({ recommendedAction: 'database_migration', confidence }),
            action: { name: 'database_migration', step: undefined },
            restartsContainer: false,
          }),
        );
        expect(decision).toEqual({
          kind: 'ask_approval',
          action: 'database_migration',
          step: undefined,
          reason: 'database_migration on web is in manual_approval_required: a person must approve it',
        });
      }
    });

    it('asks for approval even when the action is also in auto_fix_actions', () => {
      expect(
        decideHealing(input({ healing: { ...healing, manualApprovalRequired: ['container_restart'] } })),
      ).toMatchObject({ kind: 'ask_approval', action: 'restart_container' });
    });

    it('asks before backing off: the approved request runs as a person’s', () => {
      expect(
        decideHealing(
          input({
            healing: { ...healing, manualApprovalRequired: ['restart_container'] },
            attempts: { count: 1, lastAt: now },
          }),
        ),
      ).toMatchObject({ kind: 'ask_approval' });
    });
  });

  describe('escalate', () => {
    it('escalates when the breaker is open', () => {
      expect(decideHealing(input({ breakerOpen: true }))).toMatchObject({
        kind: 'escalate',
        cause: 'breaker_open',
      });
    });

    it('escalates when the step’s max_attempts are used up', () => {
      const decision = decideHealing(input({ attempts: { count: 3, lastAt: now - 3600_000 } }));
      expect(decision).toMatchObject({ kind: 'escalate', cause: 'max_attempts' });
      expect(decision.reason).toBe(
        'restart_container was tried 3 times on web (max_attempts 3) without fixing it',
      );
    });

    it('has no attempt limit when the step sets none', () => {
      expect(
        decideHealing(
          input({
            action: { name: 'restart_container', step: step({ maxAttempts: undefined }) },
            attempts: { count: 50, lastAt: now - 3600_000 },
          }),
        ).kind,
      ).toBe('act');
    });

    it('escalates when the restart budget is spent and says when the next slot frees', () => {
      const decision = decideHealing(input({ budget: { remaining: 0, nextAvailableAt: now + 600_000 } }));
      expect(decision).toMatchObject({ kind: 'escalate', cause: 'budget_spent' });
      expect(decision.reason).toBe(
        'web used all 3 restarts allowed in the last hour; the next is allowed at 2026-01-01T12:10:00.000Z',
      );
    });

    it('says so when no restart is allowed at all', () => {
      const decision = decideHealing(
        input({
          settings: { ...settings, maxRestartsPerHour: 0 },
          budget: { remaining: 0, nextAvailableAt: null },
        }),
      );
      expect(decision.reason).toBe(
        'web used all 0 restarts allowed in the last hour; no restart is allowed at all',
      );
    });
  });

  describe('wait', () => {
    it('gives Docker’s restart policy its grace period first', () => {
      const since = now - 5 * second;
      const decision = decideHealing(input({ dockerRestartPendingSince: since }));
      expect(decision).toMatchObject({
        kind: 'wait',
        cause: 'docker_restart_policy',
        until: since + 15 * second,
      });
    });

    it('waits for unhealthy dependencies to be healed first, until the next check', () => {
      const decision = decideHealing(
        input({
          dependencies: [
            { name: 'db', healthy: false },
            { name: 'cache', healthy: true },
            { name: 'queue', healthy: false },
          ],
        }),
      );
      expect(decision).toEqual({
        kind: 'wait',
        action: 'restart_container',
        cause: 'dependency',
        until: now + 5 * second,
        reason: 'web depends on db, queue, which are unhealthy: healing them first (for up to 60 s)',
      });
    });

    it('waits for a dependency at most dependency_wait_seconds, then acts and says which is still down', () => {
      const dependencies = [{ name: 'db', healthy: false }];
      const waiting = decideHealing(input({ dependencies, dependencyWaitSince: now - 58 * second }));
      expect(waiting).toMatchObject({ kind: 'wait', cause: 'dependency', until: now + 2 * second });
      const over = decideHealing(input({ dependencies, dependencyWaitSince: now - 60 * second }));
      expect(over).toMatchObject({
        kind: 'act',
        action: 'restart_container',
        despite: 'db is still unhealthy after 60 s of waiting',
      });
      expect(over.reason).toContain('although db is still unhealthy after 60 s of waiting');
      expect(decideHealing(input({ dependencies: [] }))).not.toHaveProperty('despite');
    });

    it('backs off after a failed attempt, with a stable deadline for the same attempt', () => {
      const lastAt = now - 2 * second;
      const first = decideHealing(input({ attempts: { count: 1, lastAt } }));
      const again = decideHealing(input({ attempts: { count: 1, lastAt }, now: now + 1 }));
      expect(first).toMatchObject({ kind: 'wait', cause: 'backoff' });
      expect(again).toEqual({ ...first, reason: again.reason });
      const expectedDelay = backoffDelayMs({
        attempt: 1,
        initialMs: 10_000,
        maxMs: 300_000,
        random: () => stableJitter('inc-1:restart_container:1'),
      });
      expect(first.kind === 'wait' && first.until).toBe(lastAt + expectedDelay);
    });

    it('doubles the backoff with each attempt, within equal-jitter bounds', () => {
      const lastAt = now;
      const until = (count: number, fraction: number) => {
        const decision = decideHealing(
          input({
            attempts: { count, lastAt },
            random: () => fraction,
            action: { name: 'restart_container', step: step({ maxAttempts: 10 }) },
          }),
        );
        return decision.kind === 'wait' ? decision.until - lastAt : -1;
      };
      expect([until(1, 0), until(2, 0), until(3, 0)]).toEqual([5_000, 10_000, 20_000]);
      expect([until(1, 0.999_999), until(2, 0.999_999)]).toEqual([10_000, 20_000]);
      expect(until(9, 0.999_999)).toBe(300_000);
    });

    it('uses the step’s backoff_seconds as its initial delay; 0 turns backoff off', () => {
      const lastAt = now;
      const withStep = (backoffSeconds: number) =>
        decideHealing(
          input({
            attempts: { count: 1, lastAt },
            random: () => 0,
            action: { name: 'restart_container', step: step({ backoffSeconds }) },
          }),
        );
      expect(withStep(60)).toMatchObject({ kind: 'wait', until: lastAt + 30_000 });
      expect(withStep(0).kind).toBe('act');
    });

    it('waits its turn when max_concurrent_restarts restarts are running', () => {
      const decision = decideHealing(input({ restartsInFlight: 2 }));
      expect(decision).toMatchObject({ kind: 'wait', cause: 'concurrency', until: now + 1000 });
      expect(decideHealing(input({ restartsInFlight: 2, concurrencyRetryMs: 250 }))).toMatchObject({
        until: now + 250,
      });
      expect(decideHealing(input({ restartsInFlight: 1 })).kind).toBe('act');
    });
  });

  describe('a person’s request', () => {
    const person = (overrides: Partial<HealingDecisionInput> = {}) =>
      input({ requestedBy: 'person', action: { name: 'restart_container', step: undefined }, ...overrides });

    it('skips the allowlist, confidence, approval, auto-heal switches, operator stop, breaker, max attempts and backoff', () => {
      const decision = decideHealing(
        person({
          incident: { ...incident, status: 'escalated' },
          operatorStopped: true,
          healing: {
            ...healing,
            autoHealEnabled: false,
            autoFixActions: [],
            manualApprovalRequired: ['restart_container'],
          },
          settings: { ...settings, autoRestart: false },
          diagnosis: diagnosis({ confidence: 1 }),
          breakerOpen: true,
          attempts: { count: 99, lastAt: now },
          action: { name: 'restart_container', step: step({ maxAttempts: 1 }) },
        }),
      );
      expect(decision).toMatchObject({ kind: 'act', action: 'restart_container', dryRun: false });
      expect(decision.reason).toBe(
        'a person asked for restart_container on web, 3 of 3 restarts left this hour',
      );
    });

    it('may run a custom_script a person chose', () => {
      expect(
        decideHealing(
          person({ action: { name: 'custom_script', step: undefined }, restartsContainer: false }),
        ).kind,
      ).toBe('act');
    });

    it('still respects the restart budget', () => {
      expect(decideHealing(person({ budget: { remaining: 0, nextAvailableAt: now + 1 } }))).toMatchObject({
        kind: 'escalate',
        cause: 'budget_spent',
      });
    });

    it('still waits for dependencies, and skips when one was stopped by a person', () => {
      expect(decideHealing(person({ dependencies: [{ name: 'db', healthy: false }] }))).toMatchObject({
        kind: 'wait',
        cause: 'dependency',
      });
      expect(
        decideHealing(person({ dependencies: [{ name: 'db', healthy: false, operatorStopped: true }] })),
      ).toMatchObject({
        kind: 'skip',
        cause: 'dependency_stopped',
      });
    });

    it('still does not race Docker’s restart policy or exceed the concurrency cap', () => {
      expect(decideHealing(person({ dockerRestartPendingSince: now }))).toMatchObject({
        cause: 'docker_restart_policy',
      });
      expect(decideHealing(person({ restartsInFlight: 2 }))).toMatchObject({ cause: 'concurrency' });
    });

    it('is still a dry run in dry-run mode', () => {
      expect(decideHealing(person({ healing: { ...healing, dryRun: true } }))).toMatchObject({
        kind: 'act',
        dryRun: true,
      });
    });

    it('cannot "run" manual', () => {
      expect(decideHealing(person({ action: { name: 'manual', step: undefined } }))).toMatchObject({
        kind: 'manual',
      });
    });
  });

  describe('precedence', () => {
    // Removing the conditions one at a time, in precedence order, walks through every outcome.
    const ladder: [string, Partial<HealingDecisionInput>][] = [
      ['skip:incident_closed', {}],
      ['skip:operator_stopped', { incident }],
      ['skip:auto_heal_disabled', { operatorStopped: false }],
      ['skip:auto_restart_disabled', { healing }],
      ['escalate:breaker_open', { settings }],
      ['wait:docker_restart_policy', { breakerOpen: false }],
      ['skip:dependency_stopped', { dockerRestartPendingSince: null }],
      ['wait:dependency', { dependencies: [{ name: 'db', healthy: false }] }],
      ['escalate:max_attempts', { dependencies: [] }],
      ['escalate:budget_spent', { attempts: { count: 2, lastAt: now - 1000 } }],
      ['wait:backoff', { budget: { remaining: 1, nextAvailableAt: now } }],
      ['wait:concurrency', { attempts: { count: 0, lastAt: null } }],
      ['act', { restartsInFlight: 0 }],
    ];

    it('walks the ladder from everything wrong to act', () => {
      let overrides: Partial<HealingDecisionInput> = { ...everythingWrong };
      const seen = ladder.map(([, change]) => {
        overrides = { ...overrides, ...change };
        return kindAndCause(decideHealing(input(overrides)));
      });
      expect(seen).toEqual(ladder.map(([expected]) => expected));
    });

    it('operator stop beats everything, including a manual recommendation', () => {
      expect(
        kindAndCause(
          decideHealing(
            input({
              ...everythingWrong,
              incident,
              requestedBy: 'model',
              diagnosis: diagnosis({ recommendedAction: 'manual' }),
            }),
          ),
        ),
      ).toBe('skip:operator_stopped');
    });

    it('manual decisions come before the breaker, the budget and the waits', () => {
      const blocked: Partial<HealingDecisionInput> = {
        breakerOpen: true,
        budget: { remaining: 0, nextAvailableAt: null },
        dependencies: [{ name: 'db', healthy: false }],
        dockerRestartPendingSince: now,
      };
      expect(
        kindAndCause(
          decideHealing(input({ ...blocked, requestedBy: 'model', diagnosis: diagnosis({ confidence: 1 }) })),
        ),
      ).toBe('manual:low_confidence');
      expect(
        kindAndCause(
          decideHealing(input({ ...blocked, action: { name: 'reset_connections', step: undefined } })),
        ),
      ).toBe('manual:not_allowed');
    });

    it('budget spent escalates rather than backing off', () => {
      expect(
        kindAndCause(
          decideHealing(
            input({
              budget: { remaining: 0, nextAvailableAt: now + 1 },
              attempts: { count: 1, lastAt: now },
            }),
          ),
        ),
      ).toBe('escalate:budget_spent');
    });

    it('escalation comes before asking approval: no point asking for what cannot run', () => {
      const approval = { ...healing, manualApprovalRequired: ['restart_container'] };
      expect(
        kindAndCause(
          decideHealing(input({ healing: approval, budget: { remaining: 0, nextAvailableAt: null } })),
        ),
      ).toBe('escalate:budget_spent');
      expect(kindAndCause(decideHealing(input({ healing: approval, breakerOpen: true })))).toBe(
        'escalate:breaker_open',
      );
    });

    it('waiting for Docker and dependencies comes before asking approval', () => {
      const approval = { ...healing, manualApprovalRequired: ['restart_container'] };
      expect(kindAndCause(decideHealing(input({ healing: approval, dockerRestartPendingSince: now })))).toBe(
        'wait:docker_restart_policy',
      );
      expect(
        kindAndCause(
          decideHealing(input({ healing: approval, dependencies: [{ name: 'db', healthy: false }] })),
        ),
      ).toBe('wait:dependency');
    });

    it('dry run changes only the final act, never a refusal', () => {
      const dry = { ...healing, dryRun: true };
      expect(
        kindAndCause(decideHealing(input({ healing: dry, budget: { remaining: 0, nextAvailableAt: null } }))),
      ).toBe('escalate:budget_spent');
      expect(kindAndCause(decideHealing(input({ healing: dry, operatorStopped: true })))).toBe(
        'skip:operator_stopped',
      );
    });
  });

  it('gives every decision a reason sentence', () => {
    const inputs: Partial<HealingDecisionInput>[] = [
      {},
      everythingWrong,
      { requestedBy: 'model', diagnosis: diagnosis({ confidence: 1 }) },
      { restartsInFlight: 9 },
      { attempts: { count: 1, lastAt: now } },
    ];
    for (const overrides of inputs) {
      const decision = decideHealing(input(overrides));
      expect(decision.reason.length).toBeGreaterThan(10);
      expect(decision.reason).not.toContain('undefined');
    }
  });
});

describe('decideHealing: permission follows what an action does', () => {
  it('allows a restart under another name wherever restart_container is allowed', () => {
    const thresholdRestart = {
      name: 'restart_if_above_threshold',
      step: step({ action: 'restart_if_above_threshold' }),
    };
    // The seed's auto_fix_actions list container_restart, not restart_if_above_threshold.
    expect(decideHealing(input({ action: thresholdRestart }))).toMatchObject({
      kind: 'manual',
      cause: 'not_allowed',
    });
    expect(decideHealing(input({ action: thresholdRestart, allowedAs: 'restart_container' }))).toMatchObject({
      kind: 'act',
      action: 'restart_if_above_threshold',
    });
    const noRestarts = { ...healing, autoFixActions: ['clear_cache'] };
    expect(
      decideHealing(input({ action: thresholdRestart, allowedAs: 'restart_container', healing: noRestarts })),
    ).toMatchObject({ kind: 'manual', cause: 'not_allowed' });
  });
});

describe('decideHealing: untrusted logs and the rules as the floor', () => {
  const byModel = (overrides: Partial<HealingDecisionInput> = {}) =>
    input({
      requestedBy: 'model',
      diagnosis: diagnosis({ confidence: 99 }),
      action: { name: 'restart_container', step: undefined },
      ...overrides,
    });

  it('leaves a model answer to a person when the logs it read hold instruction-like text', () => {
    const decision = decideHealing(
      byModel({ instructionLikeLogs: ['override_instructions', 'confidence_claim'] }),
    );
    expect(kindAndCause(decision)).toBe('manual:instruction_like_logs');
    expect(decision.reason).toContain('override_instructions, confidence_claim');
  });

  it('does not downgrade the rules’ own choice or a person’s request', () => {
    expect(decideHealing(input({ instructionLikeLogs: ['override_instructions'] })).kind).toBe('act');
    expect(
      decideHealing(
        input({
          requestedBy: 'person',
          action: { name: 'restart_container', step: undefined },
          instructionLikeLogs: ['role_marker'],
        }),
      ).kind,
    ).toBe('act');
  });

  it('acts on a clean model answer that does not go beyond the rules', () => {
    expect(decideHealing(byModel({ instructionLikeLogs: [], rulesAction: 'restart_container' })).kind).toBe(
      'act',
    );
    expect(decideHealing(byModel({ rulesAction: 'reset_connections' })).kind).toBe('act');
  });

  it('asks approval when the model recommends more than the rules did', () => {
    const decision = decideHealing(byModel({ rulesAction: 'manual' }));
    expect(decision.kind).toBe('ask_approval');
    expect(decision.reason).toBe(
      "the model recommends restart_container for web, more than the rules' manual: a person must approve it",
    );
    expect(
      decideHealing(
        byModel({
          rulesAction: 'check_dependencies',
          action: { name: 'clear_cache', step: undefined },
          restartsContainer: false,
        }),
      ).kind,
    ).toBe('ask_approval');
  });

  it('still refuses an action outside the allowlist and a low confidence above the rules', () => {
    const notListed = decideHealing(
      byModel({ rulesAction: 'manual', action: { name: 'garbage_collection', step: undefined } }),
    );
    expect(kindAndCause(notListed)).toBe('manual:not_allowed');
    const unsure = decideHealing(
      byModel({ rulesAction: 'manual', diagnosis: diagnosis({ confidence: 40 }) }),
    );
    expect(kindAndCause(unsure)).toBe('manual:low_confidence');
  });

  it('checks the budget before asking approval for an action above the rules', () => {
    const decision = decideHealing(
      byModel({ rulesAction: 'manual', budget: { remaining: 0, nextAvailableAt: now + 60_000 } }),
    );
    expect(kindAndCause(decision)).toBe('escalate:budget_spent');
  });
});
