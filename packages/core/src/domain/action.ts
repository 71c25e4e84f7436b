/**
 * Names of the built-in healing actions. The seed calls the restart both `container_restart`
 * and `restart_container`; `normalizeActionName` folds the alias into one action.
 */
export const builtInActionNames = [
  'restart_container',
  'clear_cache',
  'reset_connections',
  'check_dependencies',
  'restart_if_above_threshold',
  'garbage_collection',
  'custom_script',
  'diagnose_with_claude',
  // Actions only a person performs: approving them records that an operator took it over.
  'database_migration',
  'configuration_change',
] as const;
/** One of `builtInActionNames`. */
export type BuiltInActionName = (typeof builtInActionNames)[number];

/** A built-in name or a plugin's. */
export type ActionName = BuiltInActionName | (string & {});

/**
 * Actions on a Docker Swarm service, never on a container: the agent does not restart a Swarm
 * task, it asks Swarm to roll the service back or to replace its tasks (docs/swarm.md). Named in
 * `auto_fix_actions`, `manual_approval_required` and `healing.swarm`, not in container strategies.
 */
export const serviceActionNames = ['rollback_service', 'force_redeploy_service'] as const;
/** One of `serviceActionNames`. */
export type ServiceActionName = (typeof serviceActionNames)[number];

/**
 * True for an action that acts on a Swarm service (`rollback_service`, `force_redeploy_service`).
 *
 * @example
 * ```ts
 * import { isServiceActionName } from '@website-monitor/core';
 *
 * isServiceActionName('rollback_service'); // true
 * isServiceActionName('restart_container'); // false
 * ```
 */
export function isServiceActionName(name: string): name is ServiceActionName {
  return (serviceActionNames as readonly string[]).includes(name);
}

/** Other spellings of built-in actions, each accepted wherever its action is. */
export const actionAliases: Readonly<Record<string, BuiltInActionName>> = {
  container_restart: 'restart_container',
};

export function normalizeActionName(name: string): string {
  return actionAliases[name] ?? name;
}
