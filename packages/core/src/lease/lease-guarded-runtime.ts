import { ContainerRuntimeError } from '../errors/monitor-error.js';
import type { ContainerRuntime } from '../ports/container-runtime.js';

/** The calls that change a container: the ones only the engine's lease holder may make. */
const actingMethods = new Set<PropertyKey>(['restart', 'start', 'exec']);

/**
 * The runtime the agent acts through, refusing `restart`, `start` and `exec` unless `mayAct()`
 * says the engine's lease is held at that moment. The check is synchronous and made on every
 * call, so a lease lost between a decision and its action stops the action, whatever the agent's
 * own stop is still finishing. Reads (list, inspect, stats, logs, events) pass through.
 */
export function leaseGuardedRuntime<Runtime extends ContainerRuntime>(options: {
  readonly runtime: Runtime;
  readonly mayAct: () => boolean;
  /** Why acting is refused, for the error: e.g. `the engine lease is held by pid 12 on edge-1`. */
  readonly refusal: () => string;
}): Runtime {
  const { runtime, mayAct, refusal } = options;
  return new Proxy(runtime, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (!actingMethods.has(property)) return value.bind(target);
      return async (callOptions: { readonly id?: string }) => {
        if (!mayAct()) {
          throw new ContainerRuntimeError(
            'conflict',
            `${String(property)} of "${callOptions?.id ?? '?'}" refused: ${refusal()}`,
            { isRetryable: false, ...(callOptions?.id === undefined ? {} : { container: callOptions.id }) },
          );
        }
        return (value as (options: unknown) => Promise<unknown>).call(target, callOptions);
      };
    },
  });
}
