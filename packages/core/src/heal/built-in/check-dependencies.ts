import type { HealingStrategy } from '../healing-strategy.js';

/**
 * Changes nothing. It reports the dependency states gathered for the diagnosis and succeeds only
 * when all are healthy, so a strategy list like `[check_dependencies, restart_container]` stops
 * before restarting an app whose database is down (the seed's guard against restart loops);
 * the agent and policy heal the unhealthy dependency first.
 */
export const checkDependenciesStrategy: HealingStrategy = {
  name: 'check_dependencies',
  description:
    'Reports the health of the containers this one depends on; succeeds only when all are healthy.',
  restartsContainer: false,
  async run(context) {
    const entries = Object.entries(context.diagnosisContext.dependencies);
    const name = context.container.name;
    if (entries.length === 0) {
      return { ok: true, changedContainer: false, detail: `${name} has no declared dependencies` };
    }
    const states = entries.map(([dependency, state]) => `${dependency}: ${state}`).join(', ');
    const notHealthy = entries.filter(([, state]) => state !== 'healthy').map(([dependency]) => dependency);
    if (notHealthy.length === 0) {
      return {
        ok: true,
        changedContainer: false,
        detail: `all dependencies of ${name} are healthy (${states})`,
      };
    }
    return {
      ok: false,
      changedContainer: false,
      detail: `dependencies of ${name} not healthy: ${notHealthy.join(', ')} (${states})`,
    };
  },
};
