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

/**
 * An empty registry, or one holding just the given strategies (no built-ins): for a test, or a
 * tool that lists or runs strategies by name. The agent builds its own with the built-ins.
 *
 * @example
 * ```ts
 * import { createStrategyRegistry, defineHealingStrategy } from '@website-monitor/core';
 *
 * const registry = createStrategyRegistry();
 * registry.register(defineHealingStrategy({
 *   name: 'flush_queue',
 *   description: 'Asks the worker to drop its queue',
 *   restartsContainer: false,
 *   run: async ({ runtime, container }) => {
 *     const { exitCode } = await runtime.exec({ id: container.id, argv: ['worker', 'flush'], timeoutMs: 10_000 });
 *     return { ok: exitCode === 0, detail: `worker flush exited ${exitCode}`, changedContainer: false };
 *   },
 * }));
 * registry.names(); // ['flush_queue']
 * ```
 */
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

/**
 * Every built-in action, then the given plugins, registered exactly as a user's would be: the
 * registry the agent uses. A plugin named like a built-in is refused.
 *
 * @example
 * ```ts
 * import { createDefaultStrategyRegistry } from '@website-monitor/core';
 *
 * const registry = createDefaultStrategyRegistry({ strategies: [flushQueue] });
 * registry.get('container_restart').name; // 'restart_container' (the alias resolves)
 * ```
 */
export function createDefaultStrategyRegistry(
  options: { readonly strategies?: readonly HealingStrategy[] } = {},
): HealingStrategyRegistry {
  return createStrategyRegistry({ strategies: [...builtInStrategies, ...(options.strategies ?? [])] });
}

/**
 * Identity at run time; gives a plugin author type checking and keeps the literal name type.
 * Pass the result to `new WebsiteMonitorAgent({ strategies: [...] })` and name it in the
 * config's `healing.strategies` like a built-in.
 *
 * @example
 * ```ts
 * import { defineHealingStrategy } from '@website-monitor/core';
 *
 * export const reloadNginx = defineHealingStrategy({
 *   name: 'reload_nginx',
 *   description: 'nginx -s reload inside the container',
 *   restartsContainer: false,
 *   appliesTo: (incident) => incident.trigger === 'http_failed',
 *   run: async ({ runtime, container, signal }) => {
 *     signal.throwIfAborted();
 *     const { exitCode, output } = await runtime.exec({ id: container.id, argv: ['nginx', '-s', 'reload'], timeoutMs: 5_000 });
 *     return { ok: exitCode === 0, detail: output.trim() || `exit ${exitCode}`, changedContainer: exitCode === 0 };
 *   },
 * });
 * ```
 */
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
