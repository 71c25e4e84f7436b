import { describe, expect, it } from 'vitest';
import { defaultStrategies } from '../config/default-monitor-config.js';
import type { StrategyStep } from '../config/monitor-config.js';
import type { Diagnosis } from '../domain/diagnosis.js';
import type { FailureCause } from '../domain/failure-cause.js';
import { bareStep, type PlanHealingInput, planHealing } from './plan-healing.js';
import { createDefaultStrategyRegistry } from './strategy-registry.js';

const registry = createDefaultStrategyRegistry({ strategies: [] });
const strategyOf: PlanHealingInput['strategyOf'] = (action) =>
  registry.has(action) ? registry.get(action) : undefined;

function diagnosis(cause: FailureCause, overrides: Partial<Diagnosis> = {}): Diagnosis {
  return {
    diagnosis: `api: ${cause}`,
    cause,
    recommendedAction: 'restart_container',
    urgency: 'high',
    confidence: 80,
    reasoning: 'test',
    source: 'rules',
    ...overrides,
  };
}

// The seed's strategies section, as written in its README.
const seedStrategies: PlanHealingInput['healing']['strategies'] = {
  ...defaultStrategies(),
  container_stopped: [{ ...bareStep('restart_container'), maxAttempts: 3, backoffSeconds: 10 }],
  http_failed: [bareStep('check_dependencies'), bareStep('restart_container')],
};

function plan(overrides: Partial<PlanHealingInput>) {
  return planHealing({
    trigger: 'container_stopped',
    diagnosis: null,
    healing: { strategies: seedStrategies, causePlans: {} },
    strategyOf,
    ...overrides,
  });
}

const actions = (steps: readonly { step: StrategyStep }[]) => steps.map((planned) => planned.step.action);

describe('planHealing', () => {
  it('follows the trigger when the cause is one a restart fixes', () => {
    const result = plan({ diagnosis: diagnosis('segfault') });
    expect(actions(result.steps)).toEqual(['restart_container']);
    expect(result.steps[0]?.step.maxAttempts).toBe(3);
    expect(result).toMatchObject({ restartWillNotHelp: undefined, origin: 'trigger', dropped: [] });
  });

  it.each<FailureCause>([
    'port_in_use',
    'missing_config',
    'permission_denied',
    'missing_binary',
    'read_only_filesystem',
    'crash_loop',
  ])('drops every restart for %s and says a restart will not help', (cause) => {
    const result = plan({ diagnosis: diagnosis(cause, { diagnosis: `api cannot start (${cause})` }) });
    expect(result.steps).toEqual([]);
    expect(result.restartWillNotHelp).toBe(`a restart will not help: api cannot start (${cause})`);
    expect(result.dropped.map((entry) => entry.action)).toEqual(['restart_container']);
  });

  it('runs clear_cache before anything else for a full disk behind an HTTP 500, and never a restart', () => {
    const result = plan({ trigger: 'http_failed', diagnosis: diagnosis('disk_full') });
    expect(actions(result.steps)).toEqual(['clear_cache', 'check_dependencies']);
    expect(result.origin).toBe('cause');
    expect(result.restartWillNotHelp).toMatch(/^a restart will not help: /);
  });

  it('puts reset_connections first for exhausted connections, keeping the trigger steps after it', () => {
    const result = plan({ trigger: 'http_failed', diagnosis: diagnosis('connection_exhaustion') });
    expect(actions(result.steps)).toEqual(['reset_connections', 'check_dependencies', 'restart_container']);
  });

  it('lets a restart through for a refused dependency only once that dependency came back', () => {
    const refused = diagnosis('dependency_unreachable', { recommendedAction: 'check_dependencies' });
    expect(actions(plan({ diagnosis: refused }).steps)).toEqual([]);
    expect(actions(plan({ diagnosis: refused, dependencyRecovered: true }).steps)).toEqual([
      'restart_container',
    ]);
    // A watched dependency being healed now: the restart waits for it in the policy, not dropped.
    expect(actions(plan({ diagnosis: refused, dependencyPending: true }).steps)).toEqual([
      'restart_container',
    ]);
  });

  it('does not hold a restart back for a dependency nobody watches, and says so', () => {
    const refused = diagnosis('dependency_unreachable', { diagnosis: 'app: its dependency db is down' });
    const result = plan({ diagnosis: refused, unwatchedDependencies: ['db'] });
    expect(actions(result.steps)).toEqual(['restart_container']);
    expect(result.restartWillNotHelp).toBeUndefined();
    expect(result.note).toBe(
      'healing anyway: db is not watched by this agent, so nothing would say when it is back',
    );
    // A watched dependency being healed decides instead (the policy waits for it, bounded).
    expect(plan({ diagnosis: refused, unwatchedDependencies: ['cache'], dependencyPending: true }).note).toBe(
      undefined,
    );
    // Other causes a restart cannot fix are not excused by an unwatched dependency.
    expect(plan({ diagnosis: diagnosis('port_in_use'), unwatchedDependencies: ['db'] }).steps).toEqual([]);
  });

  it('puts the model recommendation first, marked as the model’s, with the user’s step settings', () => {
    const model = diagnosis('crash', { source: 'model', recommendedAction: 'restart_container' });
    const result = plan({ diagnosis: model });
    expect(result.steps).toEqual([{ step: seedStrategies.container_stopped?.[0], requestedBy: 'model' }]);
    const cache = plan({ trigger: 'http_failed', diagnosis: { ...model, recommendedAction: 'clear_cache' } });
    expect(cache.steps.map((planned) => `${planned.requestedBy}:${planned.step.action}`)).toEqual([
      'model:clear_cache',
      'rule:check_dependencies',
      'rule:restart_container',
    ]);
  });

  it('never lets a model restart a cause a restart cannot fix', () => {
    const model = diagnosis('port_in_use', { source: 'model', recommendedAction: 'restart_container' });
    expect(plan({ diagnosis: model }).steps).toEqual([]);
  });

  it('uses the user’s cause_plans entry as written, restarts included', () => {
    const own = [bareStep('custom_script'), bareStep('restart_container')];
    const result = plan({
      diagnosis: diagnosis('port_in_use'),
      healing: { strategies: seedStrategies, causePlans: { port_in_use: own } },
    });
    expect(actions(result.steps)).toEqual(['custom_script', 'restart_container']);
    expect(result).toMatchObject({ origin: 'cause_plan', restartWillNotHelp: undefined });
  });

  it('leaves out actions nobody registered, saying so', () => {
    const model = diagnosis('crash', { source: 'model', recommendedAction: 'reboot_host' });
    const result = plan({ diagnosis: model });
    expect(actions(result.steps)).toEqual(['restart_container']);
    expect(result.dropped).toEqual([
      { action: 'reboot_host', reason: 'reboot_host is not a registered action' },
    ]);
  });

  it('plans from the trigger alone when there is no diagnosis or no cause', () => {
    expect(actions(plan({}).steps)).toEqual(['restart_container']);
    const { cause: _cause, ...withoutCause } = diagnosis('crash');
    expect(actions(plan({ trigger: 'http_failed', diagnosis: withoutCause }).steps)).toEqual([
      'check_dependencies',
      'restart_container',
    ]);
  });
});
