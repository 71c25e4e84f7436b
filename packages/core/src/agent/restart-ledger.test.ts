import { describe, expect, it } from 'vitest';
import type { HealingActionRecord } from '../domain/healing-action.js';
import type { HealingStrategy } from '../heal/healing-strategy.js';
import { createDefaultStrategyRegistry } from '../heal/strategy-registry.js';
import { createRestartLedger, restartsContainerIn, stableResetMs } from './restart-ledger.js';

const hour = 60 * 60_000;

const bounce: HealingStrategy = {
  name: 'bounce_container',
  description: 'a plugin that restarts the container its own way',
  restartsContainer: true,
  run: async () => ({ ok: true, detail: 'bounced', changedContainer: true }),
};

function action(name: string, result: HealingActionRecord['result'], at: number): HealingActionRecord {
  return {
    id: `${name}-${at}`,
    host: 'local',
    incidentId: 'incident-1',
    containerId: 'c1',
    containerName: 'web',
    action: name,
    reason: 'test',
    decidedBy: 'rule',
    result,
    startedAt: at,
    durationMs: 0,
    detail: null,
    error: null,
  };
}

describe('restart ledger', () => {
  it('counts a restart by a plugin strategy when it is restored, as the registry says, not a list of names', () => {
    const registry = createDefaultStrategyRegistry({ strategies: [bounce] });
    const ledger = createRestartLedger({ restartsContainer: restartsContainerIn(registry) });
    const now = 10 * hour;
    ledger.restore({ actions: [action('bounce_container', 'succeeded', now - 1_000)] });
    expect(ledger.used({ container: 'web', now })).toBe(1);
    expect(ledger.remaining({ container: 'web', limit: 3, now })).toBe(2);
  });

  it('restores built-in restarts and interrupted (pending) ones, but not dry runs, skips or non-restarts', () => {
    const registry = createDefaultStrategyRegistry();
    const ledger = createRestartLedger({ restartsContainer: restartsContainerIn(registry) });
    const now = 10 * hour;
    ledger.restore({
      actions: [
        action('restart_container', 'succeeded', now - 4_000),
        action('restart_if_above_threshold', 'failed', now - 3_000),
        action('reset_connections', 'pending', now - 2_000),
        action('restart_container', 'dry_run', now - 1_500),
        action('restart_container', 'skipped', now - 1_000),
        action('clear_cache', 'succeeded', now - 500),
        action('diagnose_with_claude', 'succeeded', now - 400),
        // A plugin that is no longer registered cannot be judged: not counted.
        action('bounce_container', 'succeeded', now - 300),
      ],
    });
    expect(ledger.used({ container: 'web', now })).toBe(3);
    expect(ledger.used({ container: 'web', now: now - 4_000 + hour })).toBe(2);
  });

  it('keeps the crash-loop streak per container ID, resets it after a stable run, and drops it when forgotten', () => {
    const ledger = createRestartLedger({ restartsContainer: () => true });
    ledger.recordRestart({ id: 'c1', container: 'web', at: 1_000 });
    ledger.recordRestart({ id: 'c1', container: 'web', at: 2_000 });
    expect(ledger.streak('c1')).toEqual({ attempts: 2, lastAttemptAt: 2_000 });
    expect(ledger.streak('c2')).toEqual({ attempts: 0, lastAttemptAt: undefined });
    ledger.noteHealthy({ id: 'c1', now: 2_000 + stableResetMs });
    expect(ledger.streak('c1').attempts).toBe(2);
    ledger.noteHealthy({ id: 'c1', now: 2_001 + stableResetMs });
    expect(ledger.streak('c1').attempts).toBe(0);
    ledger.recordRestart({ id: 'c1', container: 'web', at: 3_000 });
    ledger.forget('c1');
    expect(ledger.streak('c1').attempts).toBe(0);
    // The budget belongs to the name: a recreated container keeps it.
    expect(ledger.used({ container: 'web', now: 3_000 })).toBe(3);
  });

  it('counts restarts in flight across containers', () => {
    const ledger = createRestartLedger({ restartsContainer: () => true, maxConcurrentRestarts: 2 });
    expect(ledger.slots.tryAcquire('a')).toBe(true);
    expect(ledger.slots.tryAcquire('b')).toBe(true);
    expect(ledger.slots.tryAcquire('c')).toBe(false);
    ledger.slots.release('a');
    expect(ledger.inFlight).toBe(1);
  });
});
