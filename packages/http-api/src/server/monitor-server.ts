import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MonitorError } from '@website-monitor/core';
import { createMonitorApi, type MonitorApi, type MonitorApiOptions } from '../api/monitor-api.js';
import { isLoopbackHost } from '../auth/bearer-auth.js';

export interface MonitorServerOptions extends Omit<MonitorApiOptions, 'bindHost'> {
  /** Default 9090 (the seed's port); 0 picks a free one. */
  readonly port?: number;
  /** Default `127.0.0.1`. Anything beyond loopback requires a token. */
  readonly host?: string;
}

export interface MonitorServer {
  /** e.g. `http://127.0.0.1:9090` */
  readonly url: string;
  readonly port: number;
  readonly api: MonitorApi;
  /** Ends event streams, stops accepting connections and resolves when the server is closed. */
  close(): Promise<void>;
}

/** Starts the operator API on its own node:http server. */
export async function startMonitorServer(options: MonitorServerOptions): Promise<MonitorServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 9090;
  if (!isLoopbackHost(host) && !options.token) {
    throw new MonitorError(
      'usage',
      `refusing to listen on ${host} without a token: set MONITOR_API_TOKEN, or listen on 127.0.0.1`,
    );
  }
  const api = createMonitorApi({ ...options, bindHost: host });
  const server = createServer(api.handler);
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
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    api,
    async close() {
      api.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
