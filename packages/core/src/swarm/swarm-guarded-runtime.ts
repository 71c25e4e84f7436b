import { ContainerRuntimeError } from '../errors/monitor-error.js';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import type { SwarmTaskContainers } from './swarm-task-containers.js';

/** The calls that change a container, which Swarm alone may make on its tasks. */
const actingMethods = new Set<PropertyKey>(['restart', 'start', 'exec']);

/**
 * The runtime the agent acts through, refusing `restart`, `start` and `exec` on a container that
 * is a Swarm task (or claims to be): Swarm replaces failed and unhealthy tasks itself, and a task
 * container restarted behind its back is one Swarm no longer counts. Whatever asks (a healing
 * step, a plugin strategy, a person's request, a dependency's restart), the call fails with a
 * `conflict` naming the service. Reads pass through.
 *
 * @example
 * ```ts
 * const tasks = createSwarmTaskContainers();
 * const runtime = swarmGuardedRuntime({ runtime: createDockerRuntime(), tasks });
 * ```
 */
export function swarmGuardedRuntime<Runtime extends ContainerRuntime>(options: {
  readonly runtime: Runtime;
  readonly tasks: Pick<SwarmTaskContainers, 'isTask' | 'taskOf'>;
}): Runtime {
  const { runtime, tasks } = options;
  return new Proxy(runtime, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (!actingMethods.has(property)) return value.bind(target);
      return async (callOptions: { readonly id?: string }) => {
        const id = callOptions?.id;
        if (id !== undefined && tasks.isTask(id)) {
          const service = tasks.taskOf(id)?.serviceName;
          throw new ContainerRuntimeError(
            'conflict',
            `${String(property)} of "${id}" refused: it is a task of ${service === undefined ? 'a Swarm service' : `the Swarm service ${service}`}, and Swarm replaces its own tasks`,
            { isRetryable: false, container: id },
          );
        }
        return (value as (options: unknown) => Promise<unknown>).call(target, callOptions);
      };
    },
  });
}
