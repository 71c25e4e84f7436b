import { ContainerRuntimeError } from '../errors/monitor-error.js';
import type { SwarmServices } from '../ports/swarm-services.js';

/**
 * The Swarm services an agent acts through, refusing `rollbackService` and `forceUpdateService`
 * unless `mayAct()` says the engine's lease is held at that moment (as `leaseGuardedRuntime`
 * refuses a restart): a standby, or an agent that lost its lease, never changes a service.
 * Reads pass through.
 *
 * @example
 * ```ts
 * const services = leaseGuardedSwarmServices({
 *   services: createDockerSwarmServices(),
 *   mayAct: () => keeper.mayAct(),
 *   refusal: () => 'this agent does not hold the engine lease',
 * });
 * ```
 */
export function leaseGuardedSwarmServices(options: {
  readonly services: SwarmServices;
  readonly mayAct: () => boolean;
  readonly refusal: () => string;
}): SwarmServices {
  const { services, mayAct, refusal } = options;
  const refuse = (operation: string, id: string): never => {
    throw new ContainerRuntimeError(
      'conflict',
      `${operation} of the Swarm service "${id}" refused: ${refusal()}`,
      {
        isRetryable: false,
      },
    );
  };
  return {
    inspectService: (inspect) => services.inspectService(inspect),
    listTasks: (list) => services.listTasks(list),
    async rollbackService(change) {
      if (!mayAct()) refuse('rollbackService', change.id);
      return services.rollbackService(change);
    },
    async forceUpdateService(change) {
      if (!mayAct()) refuse('forceUpdateService', change.id);
      return services.forceUpdateService(change);
    },
  };
}
