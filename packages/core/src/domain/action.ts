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

/** Other spellings of built-in actions, each accepted wherever its action is. */
export const actionAliases: Readonly<Record<string, BuiltInActionName>> = {
  container_restart: 'restart_container',
};

export function normalizeActionName(name: string): string {
  return actionAliases[name] ?? name;
}
