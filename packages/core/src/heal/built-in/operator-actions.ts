import type { HealingStrategy } from '../healing-strategy.js';

/**
 * Actions no program should take on its own: a schema migration or a config change needs a person
 * who knows the application. Policy only lets them "run" after a person approved them, and
 * running records that the operator took the work over; the container is not touched.
 */
function operatorAction(name: string, what: string): HealingStrategy {
  return {
    name,
    description: `Person-only: records that an operator took over the ${what}; changes nothing itself.`,
    restartsContainer: false,
    async run(context) {
      return {
        ok: true,
        changedContainer: false,
        detail: `handed to operator: ${what} for ${context.container.name} (incident ${context.incident.id}) is done by a person`,
      };
    },
  };
}

export const databaseMigrationStrategy: HealingStrategy = operatorAction(
  'database_migration',
  'database migration',
);
export const configurationChangeStrategy: HealingStrategy = operatorAction(
  'configuration_change',
  'configuration change',
);
