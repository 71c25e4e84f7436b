import type {
  ContainerDetails,
  ContainerEvent,
  ContainerStatsSample,
  ContainerSummary,
} from '../domain/container.js';

/**
 * What the agent needs from a container engine. Implementations: `createDockerRuntime` in
 * `@website-monitor/docker-adapter`, `FakeContainerRuntime` in `@website-monitor/core/testing`.
 * Every method takes one readonly object so fields can be added without breaking callers.
 * Failures are `ContainerRuntimeError`s (`kind: 'not_found' | 'unreachable' | ...`).
 */
export interface ContainerRuntime {
  /** Engine identity; throws `ContainerRuntimeError('unreachable')` when no engine answers. */
  ping(options?: {
    readonly signal?: AbortSignal;
  }): Promise<{ readonly version: string; readonly apiVersion: string }>;
  /** All containers, stopped ones included. */
  list(options?: { readonly signal?: AbortSignal }): Promise<readonly ContainerSummary[]>;
  inspect(options: { readonly id: string; readonly signal?: AbortSignal }): Promise<ContainerDetails>;
  /** One reading, answered at once (one-shot). */
  stats(options: { readonly id: string; readonly signal?: AbortSignal }): Promise<ContainerStatsSample>;
  /** Last `tail` lines of stdout and stderr, oldest first, without Docker's stream framing. */
  logs(options: {
    readonly id: string;
    readonly tail: number;
    readonly signal?: AbortSignal;
  }): Promise<readonly string[]>;
  /** Graceful stop (SIGTERM, then SIGKILL after `timeoutSeconds`) and start. */
  restart(options: { readonly id: string; readonly timeoutSeconds: number }): Promise<void>;
  start(options: { readonly id: string }): Promise<void>;
  /** Runs argv (never a shell string) inside the container and waits for it. */
  exec(options: {
    readonly id: string;
    readonly argv: readonly string[];
    readonly timeoutMs: number;
  }): Promise<{ readonly exitCode: number; readonly output: string }>;
  /**
   * Container events. `since` (ms since the epoch) replays what the daemon still holds (it keeps
   * 256). The iterable ends or throws when the connection drops; the caller reconnects.
   */
  events(options: { readonly since?: number; readonly signal: AbortSignal }): AsyncIterable<ContainerEvent>;
}
