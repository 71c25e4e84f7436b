import { readFileSync } from 'node:fs';
import type { Agent as HttpAgent } from 'node:http';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { MonitorError } from '@website-monitor/core';
import type DockerodeClient from 'dockerode';
import type { DockerEndpoint } from '../endpoint/resolve-docker-endpoint.js';

/**
 * A dockerode client for one endpoint, with its own connection pool so disposing the runtime
 * closes exactly the sockets it opened. The pool (and the TLS files it reads, whose absence is a
 * usage error at once) is made now; the client once dockerode's class is loaded (`connect`). Every connection setting is passed explicitly: left
 * unset, docker-modem would fill them from DOCKER_HOST and DOCKER_CLIENT_TIMEOUT, and a client
 * timeout would cut the long-lived events stream. No API version is pinned (Docker 29 refuses
 * clients pinned below 1.44 and older engines refuse versions above their own).
 */
/**
 * `node:http` as a CommonJS module, not through `import`: Node 24 builds an ES module facade for
 * an imported builtin by reading every export, and `node:http`'s lazy `WebSocket`-family exports
 * then load undici (~13 MB of RSS, measured) in an agent that never uses it. `node:https` (TLS)
 * only for an https endpoint.
 */
const http = () => process.getBuiltinModule('node:http');
const https = () => process.getBuiltinModule('node:https');

export function createDockerClient(endpoint: DockerEndpoint): {
  readonly agent: HttpAgent;
  connect(Docker: typeof DockerodeClient): DockerodeClient;
} {
  if (endpoint.kind === 'socket') {
    const agent = quiet(new (http().Agent)({ keepAlive: true }));
    const options = {
      socketPath: endpoint.socketPath,
      host: undefined,
      port: undefined,
      protocol: 'http',
      timeout: undefined,
      agent,
    } as DockerodeClient.DockerOptions;
    return { agent, connect: (Docker) => new Docker(options) };
  }
  if (endpoint.protocol === 'https') {
    const tls = endpoint.certPath === undefined ? {} : readCertificates(endpoint.certPath);
    const agent = quiet(new (https().Agent)({ keepAlive: true, ...tls }));
    const options = {
      host: endpoint.host,
      port: endpoint.port,
      protocol: 'https',
      socketPath: undefined,
      timeout: undefined,
      agent,
      ...tls,
    } as DockerodeClient.DockerOptions;
    return { agent, connect: (Docker) => new Docker(options) };
  }
  const agent = quiet(new (http().Agent)({ keepAlive: true }));
  const options = {
    host: endpoint.host,
    port: endpoint.port,
    protocol: 'http',
    socketPath: undefined,
    timeout: undefined,
    agent,
  } as DockerodeClient.DockerOptions;
  return { agent, connect: (Docker) => new Docker(options) };
}

/**
 * docker-modem formats every request's options with `util.inspect(..., { depth: null })` for a
 * debug line, even when debugging is off. Walking a keep-alive agent and its pooled sockets that
 * way cost tens of milliseconds of CPU per call (measured: 30 inspects, 433 ms of CPU -> 25 ms
 * with this), so the agent shows itself as one word instead.
 */
function quiet<T extends HttpAgent>(agent: T): T {
  Object.defineProperty(agent, inspect.custom, { value: () => '[http.Agent]', enumerable: false });
  return agent;
}

function readCertificates(certPath: string): { ca: Buffer; cert: Buffer; key: Buffer } {
  try {
    return {
      ca: readFileSync(join(certPath, 'ca.pem')),
      cert: readFileSync(join(certPath, 'cert.pem')),
      key: readFileSync(join(certPath, 'key.pem')),
    };
  } catch (error) {
    throw new MonitorError(
      'usage',
      `cannot read the TLS certificates in ${certPath} (DOCKER_CERT_PATH): ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
