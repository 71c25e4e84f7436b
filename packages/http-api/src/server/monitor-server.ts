import type { AddressInfo } from 'node:net';
import { MonitorError, silentLogger } from '@website-monitor/core';
import { createMonitorApi, type MonitorApi, type MonitorApiOptions } from '../api/monitor-api.js';
import { isLoopbackHost } from '../auth/bearer-auth.js';
import { createFailedAuthThrottle, type FailedAuthThrottleOptions } from '../auth/failed-auth-throttle.js';
import { createHostCheck } from './host-check.js';
import { createRequestGate } from './request-gate.js';

/** Tokens shorter than this are guessable enough to warn about (64 bits of hex). */
export const minimumTokenLength = 16;

/** How long `close()` waits for requests in flight before it cuts them. */
const defaultCloseTimeoutMs = 10_000;

/** The API's options, plus where to listen and which `Host` names to answer. */
export interface MonitorServerOptions extends Omit<MonitorApiOptions, 'bindHost'> {
  /** Default 9090 (the seed's port); 0 picks a free one. */
  readonly port?: number;
  /** Default `127.0.0.1`. Anything beyond loopback requires a token. */
  readonly host?: string;
  /**
   * `Host` names answered besides loopback names and the listen address (`api.allowed_hosts`);
   * any other gets 421. `*.example.com` allows subdomains, `*` turns the check off.
   */
  readonly allowedHosts?: readonly string[];
  /** Lockout after repeated wrong tokens (429 with Retry-After); defaults suit a person's typos. */
  readonly authThrottle?: FailedAuthThrottleOptions;
}

/** A running API server. */
export interface MonitorServer {
  /** e.g. `http://127.0.0.1:9090` */
  readonly url: string;
  readonly port: number;
  readonly api: MonitorApi;
  /**
   * The first step of a stop: new requests are answered 503 and event streams end, while requests
   * in flight (a heal waiting for its restart) go on and are answered.
   */
  drain(): void;
  /**
   * Drains, waits up to `timeoutMs` (default 10 s) for the requests in flight to be answered,
   * then closes every connection and resolves when the server is closed.
   */
  close(options?: { readonly timeoutMs?: number }): Promise<void>;
}

/**
 * Starts the operator API on its own node:http server.
 *
 * @example
 * ```ts
 * import { startMonitorServer } from '@website-monitor/http-api';
 *
 * const server = await startMonitorServer({ agent, port: 9090, token: process.env.MONITOR_API_TOKEN });
 * console.log(`API on ${server.url}`);
 * // on shutdown:
 * await server.close();
 * ```
 */
export async function startMonitorServer(options: MonitorServerOptions): Promise<MonitorServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 9090;
  const token = options.token && options.token.length > 0 ? options.token : undefined;
  if (!isLoopbackHost(host) && !token) {
    throw new MonitorError(
      'usage',
      `refusing to listen on ${host} without a token: set MONITOR_API_TOKEN, or listen on 127.0.0.1`,
    );
  }
  if (token && token.length < minimumTokenLength) {
    options.logger?.log('warn', 'api_token_short', {
      length: token.length,
      minimum: minimumTokenLength,
      advice: 'use a random token of 32 hex characters or more: openssl rand -hex 32',
    });
  }
  const api = createMonitorApi({ ...options, bindHost: host });
  const gate = createRequestGate({
    hostCheck: createHostCheck({ bindHost: host, allowedHosts: options.allowedHosts ?? [] }),
    token,
    throttle: createFailedAuthThrottle(options.authThrottle),
    logger: options.logger ?? silentLogger,
  });
  // Not `import { createServer } from 'node:http'`: Node 24 builds an ES module facade for an
  // imported builtin by reading every export, and `node:http`'s lazy exports then load undici
  // (~13 MB of RSS) in every process that bundles this file, listening or not.
  const server = process.getBuiltinModule('node:http').createServer(gate.wrap(api.handler));
  // Slow or stalled uploads must not hold sockets forever; SSE responses are not affected.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    api.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new MonitorError('usage', `cannot listen on ${host}:${port}: ${code}`, { cause: error });
    }
    throw error;
  }
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let apiClosed = false;
  const drain = () => {
    gate.drain();
    // Event streams never end by themselves: end them now, or they would hold the stop.
    if (!apiClosed) {
      apiClosed = true;
      api.close();
    }
  };
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    api,
    drain,
    close({ timeoutMs = defaultCloseTimeoutMs } = {}) {
      closing ??= (async () => {
        drain();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Keep-alive connections with no request in flight go now; busy ones when answered.
        server.closeIdleConnections();
        await gate.settled(timeoutMs);
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}
