import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AgentEvents, MonitorAgentApi } from '@website-monitor/core';

/** Every agent event is forwarded under its own name, so a browser can `addEventListener(name)`. */
export const streamedEventNames = [
  'check:completed',
  'check:failed',
  'incident:opened',
  'incident:updated',
  'incident:reopened',
  'incident:resolved',
  'incident:escalated',
  'healing:attempt',
  'healing:result',
  'approval:required',
  'approval:decided',
  'engine:connection',
] as const satisfies readonly (keyof AgentEvents)[];

/** Tuning of the server-sent events stream (`GET /monitor/events`). */
export interface EventStreamOptions {
  readonly agent: MonitorAgentApi;
  /** A comment line this often keeps proxies from closing an idle stream. Default 15 s. */
  readonly heartbeatMs?: number;
  /**
   * Bytes that may wait in one client's socket buffer. A client that falls this far behind is
   * disconnected (it can reconnect and re-read the state): one slow reader must not grow the
   * agent's memory. Default 1 MiB.
   */
  readonly maxBufferBytes?: number;
  /** Clients at once; more are refused with 503. Default 100. */
  readonly maxClients?: number;
  /** Told when a slow client is dropped. */
  readonly onDrop?: (info: { readonly bufferedBytes: number }) => void;
}

/** The agent's events as server-sent events, one stream per client. */
export interface EventStream {
  /** Serves one `text/event-stream` response until the client leaves or the stream closes. */
  handle(request: IncomingMessage, response: ServerResponse): boolean;
  readonly clientCount: number;
  /** Ends every client and stops listening to the agent. */
  close(): void;
}

/** Server-sent events of the agent's events: `event: <name>`, `id: <n>`, `data: <json>`. */
export function createEventStream(options: EventStreamOptions): EventStream {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxBufferBytes = options.maxBufferBytes ?? 1024 * 1024;
  const maxClients = options.maxClients ?? 100;
  const clients = new Set<ServerResponse>();
  let sequence = 0;

  const drop = (client: ServerResponse) => {
    clients.delete(client);
    options.onDrop?.({ bufferedBytes: client.writableLength });
    client.destroy();
  };

  const send = (client: ServerResponse, frame: string) => {
    if (client.writableLength > maxBufferBytes) {
      drop(client);
      return;
    }
    client.write(frame);
  };

  const broadcast = (frame: string) => {
    for (const client of [...clients]) send(client, frame);
  };

  const listeners = streamedEventNames.map((name) => {
    const listener = (payload: unknown) => {
      if (clients.size === 0) return;
      sequence++;
      broadcast(`event: ${name}\nid: ${sequence}\ndata: ${JSON.stringify(payload)}\n\n`);
    };
    options.agent.on(name, listener as never);
    return { name, listener };
  });

  const heartbeat = setInterval(() => broadcast(`: heartbeat ${Date.now()}\n\n`), heartbeatMs);
  heartbeat.unref();

  return {
    handle(request, response) {
      const headers = {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      };
      // A HEAD has no body to stream: its headers, then the end. Held open it would never answer
      // and would keep a client slot.
      if (request.method === 'HEAD') {
        response.writeHead(200, headers);
        response.end();
        return true;
      }
      if (clients.size >= maxClients) return false;
      response.writeHead(200, headers);
      response.write(`retry: 3000\n: connected\n\n`);
      clients.add(response);
      const leave = () => clients.delete(response);
      request.on('close', leave);
      response.on('close', leave);
      return true;
    },
    get clientCount() {
      return clients.size;
    },
    close() {
      clearInterval(heartbeat);
      for (const { name, listener } of listeners) options.agent.off(name, listener as never);
      for (const client of clients) client.end();
      clients.clear();
    },
  };
}
