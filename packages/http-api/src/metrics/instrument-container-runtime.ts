import { type ContainerRuntime, ContainerRuntimeError } from '@website-monitor/core';

type Operation = Exclude<keyof ContainerRuntime, 'events'>;
const operations: readonly Operation[] = [
  'ping',
  'list',
  'inspect',
  'stats',
  'logs',
  'restart',
  'start',
  'exec',
];

/**
 * Wraps a ContainerRuntime so every failed engine call (other than "not found") is reported (for
 * `spartan_monitor_docker_api_errors_total`); results and errors pass through unchanged.
 * A broken event stream is reported too, under the operation `events`.
 *
 * @example
 * ```ts
 * import { createMonitorMetrics, instrumentContainerRuntime } from '@website-monitor/http-api';
 *
 * let metrics: MonitorMetrics | undefined;
 * const runtime = instrumentContainerRuntime({
 *   runtime: createDockerRuntime(),
 *   onError: ({ operation }) => metrics?.countDockerApiError({ operation }),
 * });
 * const agent = new WebsiteMonitorAgent({ config, runtime });
 * metrics = createMonitorMetrics({ agent });
 * ```
 */
export function instrumentContainerRuntime(input: {
  readonly runtime: ContainerRuntime;
  readonly onError: (failure: { readonly operation: string; readonly error: unknown }) => void;
}): ContainerRuntime {
  const { runtime, onError } = input;
  const report = (operation: string, error: unknown) => {
    // "No such container" is the engine's answer, not its failure.
    if (ContainerRuntimeError.isInstance(error) && (error as ContainerRuntimeError).kind === 'not_found')
      return;
    try {
      onError({ operation, error });
    } catch {
      // A metrics hook must never change what the agent sees.
    }
  };
  const wrapped: Partial<Record<keyof ContainerRuntime, unknown>> = {};
  for (const operation of operations) {
    wrapped[operation] = async (options: never) => {
      try {
        return await (runtime[operation] as (options: never) => Promise<unknown>).call(runtime, options);
      } catch (error) {
        report(operation, error);
        throw error;
      }
    };
  }
  wrapped.events = (options: Parameters<ContainerRuntime['events']>[0]) => ({
    async *[Symbol.asyncIterator]() {
      try {
        yield* runtime.events(options);
      } catch (error) {
        if (!options.signal.aborted) report('events', error);
        throw error;
      }
    },
  });
  const followLogs = runtime.followLogs?.bind(runtime);
  if (followLogs !== undefined) {
    wrapped.followLogs = async (options: Parameters<typeof followLogs>[0]) => {
      try {
        return await followLogs(options);
      } catch (error) {
        if (!options.signal.aborted) report('followLogs', error);
        throw error;
      }
    };
  }
  return wrapped as ContainerRuntime;
}
