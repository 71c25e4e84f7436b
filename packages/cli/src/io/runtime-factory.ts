import type { ContainerRuntime, Logger } from '@website-monitor/core';

/** Builds the container runtime a command talks to: the Docker adapter, or a fake in tests. */
export type RuntimeFactory = (options: {
  readonly logger: Logger;
  /** A DOCKER_HOST-style address that wins over the environment's (autoheal's DOCKER_SOCK). */
  readonly dockerHost?: string;
  /** Deadline of one Docker API call (autoheal's CURL_TIMEOUT); the adapter's default otherwise. */
  readonly requestTimeoutMs?: number;
}) => Promise<ContainerRuntime & Partial<AsyncDisposable>> | (ContainerRuntime & Partial<AsyncDisposable>);
