import { MonitorError } from '@website-monitor/core';

/** Where the Docker Engine API is served, in a form that needs no dockerode type to describe. */
export type DockerEndpoint =
  | {
      readonly kind: 'socket';
      /** A unix socket path, or a Windows named pipe (`//./pipe/docker_engine`). */
      readonly socketPath: string;
      /** Every path that was considered, in order, so an error can say what was tried. */
      readonly candidates: readonly string[];
      readonly source: 'option' | 'DOCKER_HOST' | 'default';
    }
  | {
      readonly kind: 'tcp';
      readonly host: string;
      readonly port: number;
      readonly protocol: 'http' | 'https';
      /** Folder with `ca.pem`, `cert.pem`, `key.pem` (DOCKER_CERT_PATH), for https. */
      readonly certPath: string | undefined;
      readonly source: 'option' | 'DOCKER_HOST';
    };

/** What `resolveDockerEndpoint` decides from: the environment, and the options that override it. */
export interface ResolveDockerEndpointOptions {
  /** Usually `process.env`: DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, HOME, XDG_RUNTIME_DIR. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether a socket file exists; injected so resolution stays pure and testable. */
  readonly exists: (path: string) => boolean;
  /** Numeric user id for `/run/user/<uid>/docker.sock`; omitted on platforms without one. */
  readonly uid?: number;
  /** An explicit socket path wins over everything else. */
  readonly socketPath?: string;
  /** An explicit DOCKER_HOST-style URL (`unix:///…`, `tcp://host:port`, `npipe:////./pipe/…`). */
  readonly host?: string;
}

const systemSocket = '/var/run/docker.sock';

/**
 * Picks the endpoint the way the docker CLI users expect: an explicit option, then DOCKER_HOST,
 * then the first socket that exists among the system one, Docker Desktop's per-user one and the
 * rootless ones. When none exists the system socket is returned, so the error names it.
 *
 * @example
 * ```ts
 * import { existsSync } from 'node:fs';
 * import { describeDockerEndpoint, resolveDockerEndpoint } from '@website-monitor/docker-adapter';
 *
 * const endpoint = resolveDockerEndpoint({ env: process.env, exists: existsSync, uid: process.getuid?.() });
 * console.log(describeDockerEndpoint(endpoint)); // e.g. 'unix:///var/run/docker.sock'
 * ```
 */
export function resolveDockerEndpoint(options: ResolveDockerEndpointOptions): DockerEndpoint {
  if (options.socketPath !== undefined && options.socketPath !== '') {
    return {
      kind: 'socket',
      socketPath: options.socketPath,
      candidates: [options.socketPath],
      source: 'option',
    };
  }
  if (options.host !== undefined && options.host !== '') {
    return parseDockerHost(options.host, options.env, 'option');
  }
  const dockerHost = options.env.DOCKER_HOST;
  if (dockerHost !== undefined && dockerHost.trim() !== '') {
    return parseDockerHost(dockerHost.trim(), options.env, 'DOCKER_HOST');
  }
  const candidates = defaultSocketCandidates(options.env, options.uid);
  const found = candidates.find((candidate) => options.exists(candidate));
  return { kind: 'socket', socketPath: found ?? systemSocket, candidates, source: 'default' };
}

function defaultSocketCandidates(
  env: ResolveDockerEndpointOptions['env'],
  uid: number | undefined,
): string[] {
  const candidates = [systemSocket];
  if (env.HOME) candidates.push(`${trimSlash(env.HOME)}/.docker/run/docker.sock`);
  if (env.XDG_RUNTIME_DIR) candidates.push(`${trimSlash(env.XDG_RUNTIME_DIR)}/docker.sock`);
  if (uid !== undefined) candidates.push(`/run/user/${uid}/docker.sock`);
  return [...new Set(candidates)];
}

function parseDockerHost(
  value: string,
  env: ResolveDockerEndpointOptions['env'],
  source: 'option' | 'DOCKER_HOST',
): DockerEndpoint {
  const where = source === 'option' ? 'host option' : 'DOCKER_HOST';
  if (value.startsWith('unix://')) {
    const socketPath = value.slice('unix://'.length) || systemSocket;
    return { kind: 'socket', socketPath, candidates: [socketPath], source };
  }
  if (value.startsWith('npipe://')) {
    const socketPath = value.slice('npipe://'.length) || '//./pipe/docker_engine';
    return { kind: 'socket', socketPath, candidates: [socketPath], source };
  }
  if (value.startsWith('/')) {
    return { kind: 'socket', socketPath: value, candidates: [value], source };
  }
  const withScheme = value.includes('://') ? value : `tcp://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new MonitorError(
      'usage',
      `${where} "${value}" is not a valid address; use unix:///path or tcp://host:port`,
    );
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new MonitorError(
      'usage',
      `${where} "${value}" uses ${url.protocol.replace(':', '')}://, which is not supported; use unix:///path, tcp://host:port or npipe://`,
    );
  }
  const port = url.port === '' ? (url.protocol === 'https:' ? 2376 : 2375) : Number(url.port);
  const tls = url.protocol === 'https:' || env.DOCKER_TLS_VERIFY === '1' || port === 2376;
  return {
    kind: 'tcp',
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    protocol: tls ? 'https' : 'http',
    certPath: tls && env.DOCKER_CERT_PATH ? env.DOCKER_CERT_PATH : undefined,
    source,
  };
}

function trimSlash(path: string): string {
  return path.endsWith('/') ? path.slice(0, -1) : path;
}

/**
 * `unix:///var/run/docker.sock` or `tcp://host:port`, for messages.
 *
 * @example
 * ```ts
 * import { describeDockerEndpoint } from '@website-monitor/docker-adapter';
 *
 * describeDockerEndpoint({ kind: 'tcp', host: 'docker', port: 2375, protocol: 'http', certPath: undefined, source: 'DOCKER_HOST' });
 * // 'tcp://docker:2375'
 * ```
 */
export function describeDockerEndpoint(endpoint: DockerEndpoint): string {
  return endpoint.kind === 'socket'
    ? endpoint.socketPath.startsWith('//')
      ? `npipe://${endpoint.socketPath}`
      : `unix://${endpoint.socketPath}`
    : `${endpoint.protocol === 'https' ? 'https' : 'tcp'}://${endpoint.host}:${endpoint.port}`;
}
