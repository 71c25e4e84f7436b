import type { Logger, SwarmServices } from '@website-monitor/core';

/**
 * Builds the Swarm services `run` judges a Swarm task's service through (the Docker adapter's, on
 * the same engine as the runtime), or a fake in tests. Without one, Swarm tasks are still never
 * restarted; their failures are left to Swarm.
 */
export type SwarmServicesFactory = (options: {
  readonly logger: Logger;
  /** A DOCKER_HOST-style address that wins over the environment's, as for the runtime. */
  readonly dockerHost?: string;
  readonly requestTimeoutMs?: number;
}) => Promise<SwarmServices & Partial<AsyncDisposable>> | (SwarmServices & Partial<AsyncDisposable>);
