import { describe, expect, it } from 'vitest';
import { builtInActionNames } from '../domain/action.js';
import { MonitorError, NoSuchStrategyError } from '../errors/monitor-error.js';
import type { HealingStrategy } from './healing-strategy.js';
import {
  createDefaultStrategyRegistry,
  createStrategyRegistry,
  defineHealingStrategy,
} from './strategy-registry.js';

const flushDns = defineHealingStrategy({
  name: 'flush_dns',
  description: 'Flushes the resolver cache.',
  restartsContainer: false,
  run: async () => ({ ok: true, changedContainer: true, detail: 'flushed' }),
});

describe('createStrategyRegistry', () => {
  it('finds a registered strategy by name and lists it', () => {
    const registry = createStrategyRegistry({ strategies: [flushDns] });
    expect(registry.get('flush_dns')).toBe(flushDns);
    expect(registry.has('flush_dns')).toBe(true);
    expect(registry.has('restart_container')).toBe(false);
    expect(registry.names()).toEqual(['flush_dns']);
    expect(registry.list()).toEqual([flushDns]);
  });

  it('fails an unknown lookup with the names it knows', () => {
    const registry = createStrategyRegistry({ strategies: [flushDns] });
    let caught: unknown;
    try {
      registry.get('flush_cache');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NoSuchStrategyError);
    expect((caught as NoSuchStrategyError).available).toEqual(['flush_dns']);
    expect((caught as Error).message).toBe('no healing strategy named "flush_cache"; known: flush_dns');
  });

  it('refuses a second strategy with a taken name, built-in or not', () => {
    const registry = createDefaultStrategyRegistry();
    const impostor: HealingStrategy = { ...flushDns, name: 'restart_container' };
    expect(() => registry.register(impostor)).toThrow(
      'a healing strategy named "restart_container" is already registered',
    );
    registry.register(flushDns);
    expect(() => registry.register(flushDns)).toThrow(MonitorError);
  });

  it('resolves the seed alias container_restart and refuses to register under an alias', () => {
    const registry = createDefaultStrategyRegistry();
    expect(registry.get('container_restart').name).toBe('restart_container');
    expect(registry.has('container_restart')).toBe(true);
    const aliasNamed: HealingStrategy = { ...flushDns, name: 'container_restart' };
    expect(() => createStrategyRegistry().register(aliasNamed)).toThrow('is an alias of "restart_container"');
  });

  it('rejects malformed plugins from plain JavaScript with a readable line', () => {
    const registry = createStrategyRegistry();
    expect(() => registry.register({ ...flushDns, name: 'Flush DNS' })).toThrow('snake_case');
    expect(() => registry.register({ ...flushDns, run: undefined } as unknown as HealingStrategy)).toThrow(
      'has no run(context) function',
    );
    expect(() =>
      registry.register({ ...flushDns, restartsContainer: 'no' } as unknown as HealingStrategy),
    ).toThrow('restartsContainer');
    expect(() => registry.register(null as unknown as HealingStrategy)).toThrow(MonitorError);
  });
});

describe('createDefaultStrategyRegistry', () => {
  it('registers exactly one strategy per built-in action name, in the same order', () => {
    expect(createDefaultStrategyRegistry().names()).toEqual([...builtInActionNames]);
  });

  it('adds plugins after the built-ins, through the same register', () => {
    const registry = createDefaultStrategyRegistry({ strategies: [flushDns] });
    expect(registry.names().at(-1)).toBe('flush_dns');
    expect(() =>
      createDefaultStrategyRegistry({ strategies: [{ ...flushDns, name: 'clear_cache' }] }),
    ).toThrow('already registered');
  });

  it('marks exactly the actions that restart the container as using the restart budget', () => {
    const restarting = createDefaultStrategyRegistry()
      .list()
      .filter((strategy) => strategy.restartsContainer)
      .map((strategy) => strategy.name);
    expect(restarting).toEqual(['restart_container', 'reset_connections', 'restart_if_above_threshold']);
  });
});

describe('defineHealingStrategy', () => {
  it('returns the strategy itself with its literal name type', () => {
    const name: 'flush_dns' = flushDns.name;
    expect(name).toBe('flush_dns');
  });
});
