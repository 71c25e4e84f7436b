import { existsSync } from 'node:fs';
import type { Agent } from 'node:http';
import { homedir } from 'node:os';
import type {
  ContainerDetails,
  ContainerRuntime,
  ContainerStatsSample,
  ContainerSummary,
  Logger,
} from '@website-monitor/core';
import { ContainerRuntimeError, silentLogger } from '@website-monitor/core';
import type Docker from 'dockerode';
import { describeDockerEndpoint, resolveDockerEndpoint } from '../endpoint/resolve-docker-endpoint.js';
import { toContainerRuntimeError } from '../errors/to-container-runtime-error.js';
import { streamEvents } from '../events/stream-events.js';
import { runExec } from '../exec/run-exec.js';
import { mapInspect } from '../inspect/map-inspect.js';
import { mapContainerSummary } from '../list/map-container-summary.js';
import { openLogStream, readLogStream } from '../logs/follow-logs.js';
import { readLogs } from '../logs/read-logs.js';
import { mapStats } from '../stats/map-stats.js';
import { createDockerClient } from './create-docker-client.js';
import { loadDockerode } from './dockerode.js';
import { mapEngineInfo } from './map-engine-info.js';

/**
 * A dockerode client (`new Docker(...)`), described by shape so this package's types do not
 * require `@types/dockerode` of whoever uses them.
 */
export interface DockerodeClient {
  readonly modem: unknown;
  getContainer(id: string): unknown;
  listContainers(...args: never[]): unknown;
  getEvents(...args: never[]): unknown;
  version(...args: never[]): unknown;
  /** `GET /info`; a client without it cannot name its engine (`info()` then fails). */
  info?(...args: never[]): unknown;
}

/** Where the engine is and how much the adapter reads per call. Every field is optional. */
export interface DockerRuntimeOptions {
  /**
   * A dockerode client you built yourself (tests, custom TLS). When given, `socketPath` and
   * `host` are ignored and disposing the runtime leaves the client's connections alone.
   */
  readonly docker?: DockerodeClient;
  /** A unix socket (or Windows named pipe) path; wins over `host` and DOCKER_HOST. */
  readonly socketPath?: string;
  /** A DOCKER_HOST-style address: `unix:///path`, `tcp://host:2375`, `npipe:////./pipe/docker_engine`. */
  readonly host?: string;
  /** Logs reconnects and dropped events; silent by default. */
  readonly logger?: Logger;
  /** Deadline for one request/response call (not the events stream). Default 30 000 ms. */
  readonly requestTimeoutMs?: number;
  /** Most lines `logs` keeps per call, whatever `tail` asks. Default 10 000. */
  readonly maxLogLines?: number;
  /** Longest log line kept; the rest is cut. Default 16 KiB. */
  readonly maxLogLineBytes?: number;
  /** Longest line `followLogs` delivers; the rest is cut. Default 4 KiB. */
  readonly maxFollowedLineBytes?: number;
  /** Most exec output kept. Default 64 KiB. */
  readonly maxExecOutputBytes?: number;
  /** Events read but not yet consumed before the stream fails (so the caller resyncs). Default 10 000. */
  readonly eventQueueCapacity?: number;
  /** Environment for endpoint resolution; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The `ContainerRuntime` port over the Docker Engine API (dockerode). Nothing dockerode-shaped
 * leaves this object: answers are mapped to core's domain types and every failure is a
 * `ContainerRuntimeError`.
 *
 * @example
 * ```ts
 * import { createDockerRuntime } from '@website-monitor/docker-adapter';
 *
 * await using runtime = createDockerRuntime(); // DOCKER_HOST, or the first local socket found
 * const { version } = await runtime.ping();
 * const running = (await runtime.list()).filter((container) => container.state === 'running');
 * ```
 */
export function createDockerRuntime(options: DockerRuntimeOptions = {}): ContainerRuntime & AsyncDisposable {
  const logger = options.logger ?? silentLogger;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const limits = {
    maxLogLines: options.maxLogLines ?? 10_000,
    maxLogLineBytes: options.maxLogLineBytes ?? 16 * 1024,
    maxFollowedLineBytes: options.maxFollowedLineBytes ?? 4 * 1024,
    maxExecOutputBytes: options.maxExecOutputBytes ?? 64 * 1024,
    eventQueueCapacity: options.eventQueueCapacity ?? 10_000,
  };

  // The client, once dockerode is loaded (at the first call; see dockerode.ts): every call waits
  // for it, so nothing here needs dockerode before then.
  let connected: Promise<Docker>;
  let agent: Agent | undefined;
  let endpoint: string;
  if (options.docker !== undefined) {
    const injected = options.docker as unknown as Docker;
    connected = Promise.resolve(injected);
    endpoint = describeInjectedClient(injected);
  } else {
    const env = options.env ?? process.env;
    const resolved = resolveDockerEndpoint({
      env: { HOME: homedir(), ...env },
      exists: existsSync,
      ...(typeof process.getuid === 'function' ? { uid: process.getuid() } : {}),
      ...(options.socketPath === undefined ? {} : { socketPath: options.socketPath }),
      ...(options.host === undefined ? {} : { host: options.host }),
    });
    const client = createDockerClient(resolved);
    agent = client.agent;
    // Caught here as well, so a load that fails before anyone calls is no unhandled rejection;
    // each call still sees the failure through its own await.
    connected = loadDockerode().then((Docker) => client.connect(Docker));
    connected.catch(() => {});
    endpoint = describeDockerEndpoint(resolved);
    logger.log('debug', 'docker_endpoint_resolved', { endpoint, source: resolved.source });
  }

  // Aborted on dispose: ends open event streams and in-flight calls.
  const lifetime = new AbortController();

  /**
   * Runs one call under a deadline and the caller's signal, and maps its failure. A caller's own
   * abort is passed through as the abort reason, not dressed up as an engine failure.
   */
  async function call<T>(
    operation: string,
    scope: {
      readonly container?: string;
      readonly signal?: AbortSignal | undefined;
      readonly timeoutMs?: number;
    },
    run: (signal: AbortSignal, docker: Docker) => Promise<T>,
  ): Promise<T> {
    const timeoutMs = scope.timeoutMs ?? requestTimeoutMs;
    // One controller per call, its timer cleared and its listeners removed when the call ends.
    // `AbortSignal.timeout` + `AbortSignal.any` kept a 30 s timer, a signal and weak references
    // on the long-lived signals alive for each call long after it ended: at 500 containers (~70
    // calls a second) thousands of each, and a good part of the agent's garbage collection.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException(`${operation} timed out after ${timeoutMs} ms`, 'TimeoutError'));
    }, timeoutMs);
    const parents = scope.signal === undefined ? [lifetime.signal] : [lifetime.signal, scope.signal];
    const follow = (parent: AbortSignal) => () => controller.abort(parent.reason);
    const listeners = parents.map((parent) => [parent, follow(parent)] as const);
    for (const [parent, listener] of listeners) {
      if (parent.aborted) controller.abort(parent.reason);
      else parent.addEventListener('abort', listener, { once: true });
    }
    try {
      return await run(controller.signal, await connected);
    } catch (error) {
      if (scope.signal?.aborted) throw scope.signal.reason;
      if (lifetime.signal.aborted) {
        throw new ContainerRuntimeError('api', `${operation}: the Docker runtime was disposed`, {
          cause: error,
          isRetryable: false,
        });
      }
      throw toContainerRuntimeError(error, {
        operation,
        endpoint,
        ...(scope.container === undefined ? {} : { container: scope.container }),
        ...(timedOut ? { timedOutAfterMs: timeoutMs } : {}),
      });
    } finally {
      clearTimeout(timer);
      for (const [parent, listener] of listeners) parent.removeEventListener('abort', listener);
    }
  }

  const runtime: ContainerRuntime & AsyncDisposable = {
    async ping(pingOptions) {
      return call('ping', { signal: pingOptions?.signal }, async (abortSignal, docker) => {
        // The typings omit it, but dockerode's version() takes an abortSignal like every call.
        const versionWithOptions = docker.version as unknown as (options: object) => Promise<unknown>;
        const version = (await versionWithOptions.call(docker, { abortSignal })) as Record<string, unknown>;
        return {
          version: typeof version.Version === 'string' ? version.Version : '',
          apiVersion: typeof version.ApiVersion === 'string' ? version.ApiVersion : '',
        };
      });
    },

    async info(infoOptions) {
      return call('info', { signal: infoOptions?.signal }, async (abortSignal, docker) => {
        const info = docker.info as unknown as ((options: object) => Promise<unknown>) | undefined;
        if (typeof info !== 'function') throw new TypeError('this Docker client has no info()');
        return mapEngineInfo(await info.call(docker, { abortSignal }));
      });
    },

    async list(listOptions) {
      return call(
        'list',
        { signal: listOptions?.signal },
        async (abortSignal, docker): Promise<ContainerSummary[]> => {
          const raw: unknown = await docker.listContainers({ all: true, abortSignal });
          return Array.isArray(raw) ? raw.map(mapContainerSummary) : [];
        },
      );
    },

    async inspect({ id, signal }) {
      return call(
        'inspect',
        { container: id, signal },
        async (abortSignal, docker): Promise<ContainerDetails> => {
          const raw: unknown = await docker.getContainer(id).inspect({ abortSignal });
          return mapInspect(raw);
        },
      );
    },

    async stats({ id, signal }) {
      return call(
        'stats',
        { container: id, signal },
        async (abortSignal, docker): Promise<ContainerStatsSample> => {
          // docker-modem copies these options into the query string as-is: stream=false&one-shot=true.
          const raw: unknown = await docker
            .getContainer(id)
            .stats({ stream: false, 'one-shot': true, abortSignal } as unknown as { stream: false });
          return mapStats(raw, Date.now());
        },
      );
    },

    async logs({ id, tail, signal }) {
      return call('logs', { container: id, signal }, async (abortSignal, docker) => {
        const container = docker.getContainer(id);
        const details = (await container.inspect({ abortSignal })) as unknown as {
          Config?: { Tty?: unknown };
        };
        return readLogs({
          docker,
          id,
          tail,
          tty: details.Config?.Tty === true,
          maxLines: limits.maxLogLines,
          maxLineBytes: limits.maxLogLineBytes,
          signal: abortSignal,
        });
      });
    },

    async followLogs({ id, since, signal, onLine }) {
      if (signal.aborted) return;
      // One controller owns the request and then the socket. The call's deadline applies only
      // until the engine answers: the stream itself lasts as long as the container runs.
      const connection = new AbortController();
      const stopFollowing = AbortSignal.any([signal, lifetime.signal]);
      const closeConnection = () => connection.abort(stopFollowing.reason);
      stopFollowing.addEventListener('abort', closeConnection, { once: true });
      try {
        const opened = await call('followLogs', { container: id, signal }, async (abortSignal, docker) => {
          const onDeadline = () => connection.abort(abortSignal.reason);
          abortSignal.addEventListener('abort', onDeadline, { once: true });
          // Inspect (is it a TTY?) and open the stream together: the engine buffers what comes
          // meanwhile, and a container that dies at once is not given time to be missed.
          const inspecting = docker.getContainer(id).inspect({ abortSignal }) as Promise<{
            Config?: { Tty?: unknown };
          }>;
          const opening = openLogStream({ docker, id, since, connection: connection.signal });
          try {
            const [details, stream] = await Promise.allSettled([inspecting, opening]);
            if (details.status === 'rejected' || stream.status === 'rejected') {
              if (stream.status === 'fulfilled') stream.value.destroy();
              throw details.status === 'rejected' ? details.reason : (stream as PromiseRejectedResult).reason;
            }
            return { stream: stream.value, tty: details.value.Config?.Tty === true };
          } finally {
            abortSignal.removeEventListener('abort', onDeadline);
          }
        }).catch((error: unknown) => {
          // The caller's own abort ends the follow quietly, as the stream's end would.
          if (signal.aborted) return undefined;
          throw error;
        });
        if (opened === undefined) return;
        await readLogStream({
          stream: opened.stream,
          tty: opened.tty,
          maxLineBytes: limits.maxFollowedLineBytes,
          signal: stopFollowing,
          onLine,
          streamError: (cause) =>
            cause === undefined
              ? new ContainerRuntimeError(
                  'unreachable',
                  `followLogs: the Docker engine at ${endpoint} closed the log stream of "${id}"`,
                  { container: id },
                )
              : toContainerRuntimeError(cause, { operation: 'followLogs', endpoint, container: id }),
        });
        if (lifetime.signal.aborted && !signal.aborted) {
          throw new ContainerRuntimeError('api', 'followLogs: the Docker runtime was disposed', {
            isRetryable: false,
            container: id,
          });
        }
      } finally {
        // No abort here: a stream that ended normally has given its socket back to the pool.
        stopFollowing.removeEventListener('abort', closeConnection);
      }
    },

    async restart({ id, timeoutSeconds }) {
      // The engine itself waits up to `timeoutSeconds` before it kills, so our deadline adds that.
      const timeoutMs = Math.max(0, timeoutSeconds) * 1000 + requestTimeoutMs;
      await call('restart', { container: id, timeoutMs }, async (abortSignal, docker) => {
        await docker.getContainer(id).restart({ t: Math.max(0, Math.round(timeoutSeconds)), abortSignal });
      });
    },

    async start({ id }) {
      await call('start', { container: id }, async (abortSignal, docker) => {
        try {
          await docker.getContainer(id).start({ abortSignal });
        } catch (error) {
          // 304: already running, which is what the caller wanted.
          if ((error as { statusCode?: unknown }).statusCode === 304) return;
          throw error;
        }
      });
    },

    async exec({ id, argv, timeoutMs }) {
      if (argv.length === 0) throw new TypeError('exec needs at least one argv element');
      return call('exec', { container: id, timeoutMs }, (abortSignal, docker) =>
        runExec({
          container: docker.getContainer(id),
          argv,
          signal: abortSignal,
          maxOutputBytes: limits.maxExecOutputBytes,
        }),
      );
    },

    async *events({ since, signal }) {
      yield* streamEvents({
        docker: await connected,
        since,
        signal: AbortSignal.any([signal, lifetime.signal]),
        endpoint,
        logger,
        queueCapacity: limits.eventQueueCapacity,
      });
    },

    async [Symbol.asyncDispose]() {
      lifetime.abort(new Error('docker runtime disposed'));
      agent?.destroy();
    },
  };
  return runtime;
}

function describeInjectedClient(docker: Docker): string {
  const modem = (docker as unknown as { modem?: { socketPath?: unknown; host?: unknown; port?: unknown } })
    .modem;
  if (typeof modem?.socketPath === 'string') return `unix://${modem.socketPath}`;
  if (typeof modem?.host === 'string')
    return `tcp://${modem.host}${modem.port === undefined ? '' : `:${String(modem.port)}`}`;
  return 'the injected Docker client';
}
