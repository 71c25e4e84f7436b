import type { ContainerRuntime, Logger } from '@website-monitor/core';

/** Builds the container runtime a command talks to: the Docker adapter, or a fake in tests. */
export type RuntimeFactory = (options: {
  readonly logger: Logger;
}) => Promise<ContainerRuntime & Partial<AsyncDisposable>> | (ContainerRuntime & Partial<AsyncDisposable>);
