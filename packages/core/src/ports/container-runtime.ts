import type {
  ContainerDetails,
  ContainerEvent,
  ContainerStatsSample,
  ContainerSummary,
} from '../domain/container.js';

/** Who the engine is: the same engine answers with the same `id` through any socket or address. */
export interface EngineInfo {
  /** The engine's ID (`docker info` → ID): what one-agent-per-engine leases are keyed by. */
  readonly id: string;
  /** The engine's host name (`docker info` → Name). */
  readonly name: string;
  readonly serverVersion: string;
}

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
  /**
   * The engine's identity (`GET /info`), read once at start: heavier than `ping`, so not part of
   * it. Optional: a runtime that cannot name its engine leaves it out, and `run` then has no
   * engine to lease. Throws like `ping` when no engine answers.
   */
  info?(options?: { readonly signal?: AbortSignal }): Promise<EngineInfo>;
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
  /**
   * Follows stdout and stderr as they are written, one whole line per `onLine` call (cut at the
   * implementation's bound, invalid UTF-8 replaced; a line without a newline is delivered when
   * the stream ends). `since` (ms since the epoch, the engine's clock) first delivers the lines
   * logged from then on; without it only new lines come. Resolves when the stream ends: the
   * container stopped (Docker ends the stream just before it emits `die`; a container already
   * stopped gives its lines and ends) or `signal` aborted, after which `onLine` is not called
   * again. Rejects with `ContainerRuntimeError` when the engine fails, and with `onLine`'s own
   * error if it throws. Optional: a runtime that cannot follow logs leaves it out, and callers
   * fall back to `logs`.
   */
  followLogs?(options: {
    readonly id: string;
    readonly since?: number;
    readonly signal: AbortSignal;
    readonly onLine: (line: string) => void;
  }): Promise<void>;
}
