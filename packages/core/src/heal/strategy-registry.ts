import { type ActionName, normalizeActionName } from '../domain/action.js';
import { MonitorError, NoSuchStrategyError } from '../errors/monitor-error.js';
import { builtInStrategies } from './built-in/built-in-strategies.js';
import type { HealingStrategy } from './healing-strategy.js';

/**
 * The one place action names become code. Built-ins and plugins go through the same `register`,
 * so a plugin can neither shadow a built-in silently nor be looked up differently.
 */
export interface HealingStrategyRegistry {
  /** Throws a `MonitorError('usage')` when the name is taken or the strategy is malformed. */
  register(strategy: HealingStrategy): void;
  /** Accepts aliases (`container_restart`); throws `NoSuchStrategyError` listing known names. */
  get(name: ActionName): HealingStrategy;
  has(name: ActionName): boolean;
  /** Registration order. */
  names(): readonly string[];
  list(): readonly HealingStrategy[];
}

export function createStrategyRegistry(
  options: { readonly strategies?: readonly HealingStrategy[] } = {},
): HealingStrategyRegistry {
  const byName = new Map<string, HealingStrategy>();

  const registry: HealingStrategyRegistry = {
    register(strategy) {
      assertWellFormed(strategy);
      const name = normalizeActionName(strategy.name);
      if (name !== strategy.name) {
        throw new MonitorError(
          'usage',
          `healing strategy name "${strategy.name}" is an alias of "${name}"; register it as "${name}"`,
        );
      }
      if (byName.has(name)) {
        throw new MonitorError('usage', `a healing strategy named "${name}" is already registered`);
      }
      byName.set(name, strategy);
    },
    get(name) {
      const strategy = byName.get(normalizeActionName(name));
      if (strategy === undefined) throw new NoSuchStrategyError(name, [...byName.keys()]);
      return strategy;
    },
    has(name) {
      return byName.has(normalizeActionName(name));
    },
    names() {
      return [...byName.keys()];
    },
    list() {
      return [...byName.values()];
    },
  };

  for (const strategy of options.strategies ?? []) registry.register(strategy);
  return registry;
}

/** Every built-in action, then the given plugins, registered exactly as a user's would be. */
export function createDefaultStrategyRegistry(
  options: { readonly strategies?: readonly HealingStrategy[] } = {},
): HealingStrategyRegistry {
  return createStrategyRegistry({ strategies: [...builtInStrategies, ...(options.strategies ?? [])] });
}

/** Identity at run time; gives a plugin author type checking and keeps the literal name type. */
export function defineHealingStrategy<const Strategy extends HealingStrategy>(strategy: Strategy): Strategy {
  return strategy;
}

// Plugins may come from plain JavaScript, so a readable line beats a TypeError at heal time.
function assertWellFormed(strategy: HealingStrategy): void {
  const value = strategy as Partial<HealingStrategy> | null | undefined;
  if (typeof value !== 'object' || value === null) {
    throw new MonitorError('usage', 'a healing strategy must be an object with name, description and run');
  }
  if (typeof value.name !== 'string' || !/^[a-z][a-z0-9_]*$/.test(value.name)) {
    throw new MonitorError(
      'usage',
      `healing strategy name must be snake_case (a-z, 0-9, _), got ${JSON.stringify(value.name)}`,
    );
  }
  if (typeof value.run !== 'function') {
    throw new MonitorError('usage', `healing strategy "${value.name}" has no run(context) function`);
  }
  if (typeof value.restartsContainer !== 'boolean') {
    throw new MonitorError('usage', `healing strategy "${value.name}" must say whether it restartsContainer`);
  }
}
