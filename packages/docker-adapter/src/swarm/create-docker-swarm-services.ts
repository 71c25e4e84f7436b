import { existsSync } from 'node:fs';
import type { Agent } from 'node:http';
import { homedir } from 'node:os';
import type { SwarmService, SwarmServices, SwarmTask } from '@website-monitor/core';
import { ContainerRuntimeError } from '@website-monitor/core';
import type Docker from 'dockerode';
import { describeDockerEndpoint, resolveDockerEndpoint } from '../endpoint/resolve-docker-endpoint.js';
import { toContainerRuntimeError } from '../errors/to-container-runtime-error.js';
import { numberAt, recordAt } from '../json/read-json.js';
import { createDockerClient } from '../runtime/create-docker-client.js';
import type { DockerodeClient } from '../runtime/create-docker-runtime.js';
import { loadDockerode } from '../runtime/dockerode.js';
import { mapSwarmService } from './map-swarm-service.js';
import { mapSwarmTask } from './map-swarm-task.js';

/** Where the Swarm manager's engine is, as for `createDockerRuntime`. Every field is optional. */
export interface DockerSwarmServicesOptions {
  /** A dockerode client you built yourself; left open on dispose. */
  readonly docker?: DockerodeClient;
  /** A unix socket path; wins over `host` and DOCKER_HOST. */
  readonly socketPath?: string;
  /** A DOCKER_HOST-style address. */
  readonly host?: string;
  /** Deadline of one call. Default 30 000 ms. */
  readonly requestTimeoutMs?: number;
  /** Environment for endpoint resolution; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The `SwarmServices` port over the Engine API (dockerode): `GET /services/{id}`,
 * `GET /tasks?filters={"service":[id]}`, and `POST /services/{id}/update` for a rollback
 * (`rollback=previous`, as `docker service rollback`) or a forced update (`TaskTemplate.ForceUpdate`
 * raised, as `docker service update --force`). Both changes send the spec the service has now with
 * the version they were decided on, re-read first: when the service changed since (a person's
 * update, another agent's rollback) the change is refused with `conflict`, and Swarm refuses a
 * stale version itself too. Only a manager answers; a worker's calls fail.
 *
 * @example
 * ```ts
 * import { createDockerRuntime, createDockerSwarmServices } from '@website-monitor/docker-adapter';
 *
 * const agent = new WebsiteMonitorAgent({
 *   config,
 *   runtime: createDockerRuntime(),
 *   swarmServices: createDockerSwarmServices(), // the same engine: DOCKER_HOST or the local socket
 * });
 * ```
 */
export function createDockerSwarmServices(
  options: DockerSwarmServicesOptions = {},
): SwarmServices & AsyncDisposable {
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  let connected: Promise<Docker>;
  let agent: Agent | undefined;
  let endpoint: string;
  if (options.docker !== undefined) {
    connected = Promise.resolve(options.docker as unknown as Docker);
    endpoint = 'the injected Docker client';
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
    connected = loadDockerode().then((Dockerode) => client.connect(Dockerode));
    connected.catch(() => {});
    endpoint = describeDockerEndpoint(resolved);
  }
  const lifetime = new AbortController();

  async function call<T>(
    operation: string,
    service: string,
    signal: AbortSignal | undefined,
    run: (abortSignal: AbortSignal, docker: Docker) => Promise<T>,
  ): Promise<T> {
    const deadline = AbortSignal.timeout(requestTimeoutMs);
    const abortSignal = AbortSignal.any([
      deadline,
      lifetime.signal,
      ...(signal === undefined ? [] : [signal]),
    ]);
    try {
      return await run(abortSignal, await connected);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (ContainerRuntimeError.isInstance(error)) throw error;
      const mapped = toContainerRuntimeError(error, {
        operation,
        endpoint,
        ...(deadline.aborted ? { timedOutAfterMs: requestTimeoutMs } : {}),
      });
      // Swarm refuses an update of a version that is no longer current (HTTP 500, its raft's words).
      if (/out of sequence/i.test(mapped.message)) {
        throw new ContainerRuntimeError('conflict', `${operation} "${service}": ${mapped.message}`, {
          cause: error,
          isRetryable: false,
        });
      }
      if (mapped.kind === 'not_found') {
        throw new ContainerRuntimeError('not_found', `${operation}: service "${service}" not found`, {
          cause: error,
          isRetryable: false,
        });
      }
      throw mapped;
    }
  }

  /** The service as it is now (raw), refused when it is no longer the version the change was decided on. */
  const currentSpec = async (
    operation: string,
    docker: Docker,
    id: string,
    version: number,
    abortSignal: AbortSignal,
  ): Promise<{ readonly spec: Record<string, unknown> }> => {
    const raw: unknown = await docker.getService(id).inspect({ abortSignal } as never);
    const now = numberAt(recordAt(raw, 'Version'), 'Index');
    const spec = recordAt(raw, 'Spec');
    if (spec === undefined)
      throw new ContainerRuntimeError('api', `${operation} "${id}": the service has no spec`);
    if (now !== version) {
      throw new ContainerRuntimeError(
        'conflict',
        `${operation} "${id}": the service changed since it was read (version ${version}, now ${now ?? 'unknown'}); nothing was changed`,
        { isRetryable: false },
      );
    }
    return { spec: { ...spec } };
  };

  /** `POST /services/{id}/update` with the query and the body given apart (docker-modem's `_query`/`_body`). */
  const update = async (
    docker: Docker,
    id: string,
    query: Record<string, string | number>,
    body: Record<string, unknown>,
    abortSignal: AbortSignal,
  ): Promise<void> => {
    const service = docker.getService(id) as unknown as {
      update(options: { _query: object; _body: object; abortSignal: AbortSignal }): Promise<unknown>;
    };
    await service.update({ _query: query, _body: body, abortSignal });
  };

  return {
    async inspectService({ id, signal }): Promise<SwarmService> {
      return call('inspectService', id, signal, async (abortSignal, docker) =>
        mapSwarmService(await docker.getService(id).inspect({ abortSignal } as never)),
      );
    },

    async listTasks({ serviceId, signal }): Promise<readonly SwarmTask[]> {
      return call('listTasks', serviceId, signal, async (abortSignal, docker) => {
        const raw: unknown = await docker.listTasks({
          filters: JSON.stringify({ service: [serviceId] }),
          abortSignal,
        } as never);
        return Array.isArray(raw) ? raw.map(mapSwarmTask) : [];
      });
    },

    async rollbackService({ id, version }) {
      await call('rollbackService', id, undefined, async (abortSignal, docker) => {
        const { spec } = await currentSpec('rollbackService', docker, id, version, abortSignal);
        // Swarm ignores the body and puts back the previous spec; the body must still be a valid spec.
        await update(docker, id, { version, rollback: 'previous' }, spec, abortSignal);
      });
    },

    async forceUpdateService({ id, version }) {
      await call('forceUpdateService', id, undefined, async (abortSignal, docker) => {
        const { spec } = await currentSpec('forceUpdateService', docker, id, version, abortSignal);
        const template = recordAt(spec, 'TaskTemplate') ?? {};
        const forced = {
          ...spec,
          TaskTemplate: { ...template, ForceUpdate: (numberAt(template, 'ForceUpdate') ?? 0) + 1 },
        };
        await update(docker, id, { version }, forced, abortSignal);
      });
    },

    async [Symbol.asyncDispose]() {
      lifetime.abort(new Error('docker swarm services disposed'));
      agent?.destroy();
    },
  };
}
