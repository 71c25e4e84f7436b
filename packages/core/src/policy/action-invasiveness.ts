import { normalizeActionName } from '../domain/action.js';

/**
 * How much an action changes, to compare a model's recommendation with the rules'. Higher is more
 * invasive:
 *  0 looks only:        manual, check_dependencies, diagnose_with_claude
 *  1 works in place:    garbage_collection, clear_cache
 *  2 restarts:          restart_if_above_threshold, reset_connections, restart_container
 *  3 changes the system: custom_script, database_migration, configuration_change, and any
 *                        plugin action (unknown actions are assumed to be the most invasive)
 */
const levels: Readonly<Record<string, number>> = {
  manual: 0,
  check_dependencies: 0,
  diagnose_with_claude: 0,
  garbage_collection: 1,
  clear_cache: 1,
  restart_if_above_threshold: 2,
  reset_connections: 2,
  restart_container: 2,
  custom_script: 3,
  database_migration: 3,
  configuration_change: 3,
};

export const maxInvasiveness = 3;

export function actionInvasiveness(action: string): number {
  return levels[normalizeActionName(action)] ?? maxInvasiveness;
}

/** True when `action` changes more than `reference` does. */
export function isMoreInvasive(action: string, reference: string): boolean {
  return actionInvasiveness(action) > actionInvasiveness(reference);
}
