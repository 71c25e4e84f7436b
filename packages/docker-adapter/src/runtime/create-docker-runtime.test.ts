import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerEvent } from '@website-monitor/core';
import { ContainerRuntimeError } from '@website-monitor/core';
import Docker from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { createDockerRuntime } from './create-docker-runtime.js';

// A fake engine on a unix socket: proves what goes over the wire (paths, query strings) and how
// the stream handling copes with cuts, drops and slow readers, without Docker.
type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const servers: Server[] = [];
const requests: string[] = [];

async function fakeEngine(handler: Handler): Promise<string> {
  const socketPath = join(tmpdir(), `wm-fake-docker-${randomBytes(4).toString('hex')}.sock`);
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    handler(request, response);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return socketPath;
}

afterEach(async () => {
  requests.length = 0;
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

const eventLines = readFileSync(new URL('../events/fixtures/events-api-1.41.ndjson', import.meta.url));

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(body));
}

describe('createDockerRuntime over the wire', () => {
  it('uses unversioned paths and asks stats for one-shot without streaming', async () => {
    const socketPath = await fakeEngine((request, response) => {
      if (request.url?.startsWith('/version'))
        return json(response, 200, { Version: '29.0.1', ApiVersion: '1.52' });
      return json(response, 200, {
        read: '2025-11-10T09:30:00Z',
        cpu_stats: { cpu_usage: { total_usage: 10 } },
      });
    });
    await using runtime = createDockerRuntime({ socketPath });
    expect(await runtime.ping()).toEqual({ version: '29.0.1', apiVersion: '1.52' });
    await runtime.stats({ id: 'web' });
    expect(requests).toEqual(['GET /version', 'GET /containers/web/stats?stream=false&one-shot=true']);
  });

  it('names its engine from an unversioned GET /info, and refuses an answer without an ID', async () => {
    let body: unknown = JSON.parse(
      readFileSync(new URL('./fixtures/info-api-1.52.json', import.meta.url), 'utf8'),
    );
    const socketPath = await fakeEngine((_request, response) => json(response, 200, body));
    await using runtime = createDockerRuntime({ socketPath });
    expect(await runtime.info?.()).toEqual({
      id: '6f1c2d4e-93b2-4c51-a0e7-2b8d9a7c4e11',
      name: 'node5.corp.example.com',
      serverVersion: '29.0.1',
    });
    expect(requests).toEqual(['GET /info']);
    body = { Name: 'no-id' };
    await expect(runtime.info?.()).rejects.toThrow('info: the engine did not report an ID');
  });

  it('talks to the socket it was given even when DOCKER_HOST points elsewhere', async () => {
    const socketPath = await fakeEngine((_request, response) =>
      json(response, 200, { Version: 'fake', ApiVersion: '1.41' }),
    );
    const previous = process.env.DOCKER_HOST;
    // docker-modem reads DOCKER_HOST itself; the explicit socket must still win.
    process.env.DOCKER_HOST = 'tcp://127.0.0.1:9';
    try {
      await using runtime = createDockerRuntime({ socketPath });
      expect(await runtime.ping()).toEqual({ version: 'fake', apiVersion: '1.41' });
    } finally {
      if (previous === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = previous;
    }
  });

  it('uses an injected dockerode client and leaves it open on dispose', async () => {
    const socketPath = await fakeEngine((request, response) => {
      if (request.url?.startsWith('/containers/gone/'))
        return json(response, 404, { message: 'No such container: gone' });
      return json(response, 200, { Version: 'injected', ApiVersion: '1.44' });
    });
    const client = new Docker({ socketPath });
    {
      await using runtime = createDockerRuntime({ docker: client });
      expect(await runtime.ping()).toEqual({ version: 'injected', apiVersion: '1.44' });
      await expect(runtime.inspect({ id: 'gone' })).rejects.toMatchObject({ kind: 'not_found' });
    }
    expect(await client.version()).toMatchObject({ Version: 'injected' });
  });

  it('asks for container events with filters and a nanosecond since, and parses lines cut anywhere', async () => {
    const socketPath = await fakeEngine((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      // Cut the captured stream at awkward places, with pauses so each piece is its own chunk.
      const cuts = [0, 5, 200, 201, 777, 1500, eventLines.length];
      void (async () => {
        for (let index = 1; index < cuts.length; index += 1) {
          response.write(eventLines.subarray(cuts[index - 1], cuts[index]));
          await sleep(5);
        }
        response.end();
      })();
    });
    await using runtime = createDockerRuntime({ socketPath });
    const events: ContainerEvent[] = [];
    for await (const event of runtime.events({ since: 1795841859000, signal: new AbortController().signal }))
      events.push(event);

    expect(events.map((event) => event.action)).toEqual([
      'create',
      'start',
      'health_status',
      'kill',
      'die',
      'destroy',
    ]);
    expect(events[4]).toMatchObject({ exitCode: 137, timeNano: 1795841861302891843n });
    const url = new URL(`http://docker${requests[0]?.replace(/^GET /, '')}`);
    expect(url.pathname).toBe('/events');
    expect(url.searchParams.get('since')).toBe('1795841859.000000000');
    expect(JSON.parse(url.searchParams.get('filters') ?? '{}')).toEqual({
      type: ['container'],
      event: [
        'create',
        'start',
        'restart',
        'die',
        'oom',
        'kill',
        'stop',
        'pause',
        'unpause',
        'destroy',
        'health_status',
      ],
    });
  });

  it('keeps reading the socket while the consumer is slow', async () => {
    const total = 2000;
    let allWrittenAt = 0;
    const template =
      eventLines
        .toString('utf8')
        .split('\n')
        .find((line) => line.includes('"Action":"die"')) ?? '';
    const socketPath = await fakeEngine((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      const body = Array.from({ length: total }, () => `${template}\n`).join('');
      // A single ~1 MB write only completes once the client has taken it all off the socket.
      response.write(body, () => {
        allWrittenAt = performance.now();
      });
    });
    await using runtime = createDockerRuntime({ socketPath });
    const controller = new AbortController();
    let consumed = 0;
    const startedAt = performance.now();
    for await (const _event of runtime.events({ signal: controller.signal })) {
      consumed += 1;
      if (consumed === 1) await sleep(300);
      if (consumed === total) controller.abort();
    }
    expect(consumed).toBe(total);
    // Written in full while the consumer was still asleep on its first event.
    expect(allWrittenAt).toBeGreaterThan(0);
    expect(allWrittenAt - startedAt).toBeLessThan(300);
  });

  it('fails the stream when the unread queue is full, so the caller resyncs', async () => {
    const template =
      eventLines
        .toString('utf8')
        .split('\n')
        .find((line) => line.includes('"Action":"die"')) ?? '';
    const socketPath = await fakeEngine((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.write(Array.from({ length: 50 }, () => `${template}\n`).join(''));
    });
    await using runtime = createDockerRuntime({ socketPath, eventQueueCapacity: 10 });
    let consumed = 0;
    const reading = (async () => {
      for await (const _event of runtime.events({ signal: new AbortController().signal })) {
        consumed += 1;
        if (consumed === 1) await sleep(100);
      }
    })();
    await expect(reading).rejects.toMatchObject({ kind: 'api', isRetryable: true });
    expect(consumed).toBe(10);
  });

  it('throws unreachable when the engine drops the events connection', async () => {
    const socketPath = await fakeEngine((request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.write(eventLines.subarray(0, eventLines.indexOf(10) + 1));
      setTimeout(() => request.socket.destroy(), 20);
    });
    await using runtime = createDockerRuntime({ socketPath });
    const seen: string[] = [];
    const reading = (async () => {
      for await (const event of runtime.events({ signal: new AbortController().signal }))
        seen.push(event.action);
    })();
    await expect(reading).rejects.toMatchObject({ kind: 'unreachable' });
    expect(seen).toEqual(['create']);
  });

  it('ends the events iteration quietly on abort, even while waiting for the first event', async () => {
    const socketPath = await fakeEngine((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
    });
    await using runtime = createDockerRuntime({ socketPath });
    const controller = new AbortController();
    const iterator = runtime.events({ signal: controller.signal })[Symbol.asyncIterator]();
    const next = iterator.next();
    setTimeout(() => controller.abort(), 50);
    await expect(next).resolves.toEqual({ value: undefined, done: true });
  });

  it('maps 404 and 409 answers, and a silent engine to timeout', async () => {
    const socketPath = await fakeEngine((request, response) => {
      if (request.url?.startsWith('/containers/gone/'))
        return json(response, 404, { message: 'No such container: gone' });
      if (request.url?.startsWith('/containers/busy/restart'))
        return json(response, 409, { message: 'container is being removed' });
      // Never answers.
    });
    await using runtime = createDockerRuntime({ socketPath, requestTimeoutMs: 200 });
    await expect(runtime.inspect({ id: 'gone' })).rejects.toMatchObject({
      kind: 'not_found',
      container: 'gone',
    });
    await expect(runtime.restart({ id: 'busy', timeoutSeconds: 0 })).rejects.toMatchObject({
      kind: 'conflict',
      message: 'restart "busy": container is being removed',
    });
    const error = await runtime.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ContainerRuntimeError);
    expect(error).toMatchObject({ kind: 'timeout', isRetryable: true });
    expect((error as Error).message).toBe(`list: Docker did not answer within 200 ms (unix://${socketPath})`);
  });

  it('passes a caller’s abort through as the abort reason', async () => {
    const socketPath = await fakeEngine(() => {});
    await using runtime = createDockerRuntime({ socketPath });
    const controller = new AbortController();
    const reason = new Error('shutting down');
    setTimeout(() => controller.abort(reason), 20);
    await expect(runtime.list({ signal: controller.signal })).rejects.toBe(reason);
  });

  it('follows logs: inspects for TTY, asks from since, delivers lines as written, resolves at the end', async () => {
    const frame = (stream: 1 | 2, text: string) => {
      const header = Buffer.alloc(8);
      header.writeUInt8(stream, 0);
      header.writeUInt32BE(Buffer.byteLength(text), 4);
      return Buffer.concat([header, Buffer.from(text)]);
    };
    let finishStream = () => {};
    const socketPath = await fakeEngine((request, response) => {
      if (request.url?.startsWith('/containers/web/json'))
        return json(response, 200, { Config: { Tty: false } });
      response.writeHead(200, { 'Content-Type': 'application/vnd.docker.raw-stream' });
      response.write(frame(1, 'booting\n'));
      finishStream = () => response.end(frame(2, 'Error: listen EADDRINUSE :::8080\n'));
    });
    await using runtime = createDockerRuntime({ socketPath });
    const lines: string[] = [];
    const following = runtime.followLogs?.({
      id: 'web',
      since: 1795841859123,
      signal: new AbortController().signal,
      onLine: (line) => {
        lines.push(line);
        if (line === 'booting') finishStream();
      },
    });
    await following;
    expect(lines).toEqual(['booting', 'Error: listen EADDRINUSE :::8080']);
    expect([...requests].sort()).toEqual([
      'GET /containers/web/json',
      'GET /containers/web/logs?stdout=true&stderr=true&follow=true&timestamps=false&since=1795841859.123000000',
    ]);
  });

  it('follows a TTY container’s logs unframed, and only new lines without since', async () => {
    const socketPath = await fakeEngine((request, response) => {
      if (request.url?.startsWith('/containers/tty/json'))
        return json(response, 200, { Config: { Tty: true } });
      response.writeHead(200);
      response.end('\u0001 raw first byte\r\nsecond\r\n');
    });
    await using runtime = createDockerRuntime({ socketPath });
    const lines: string[] = [];
    await runtime.followLogs?.({
      id: 'tty',
      signal: new AbortController().signal,
      onLine: (l) => lines.push(l),
    });
    expect(lines).toEqual(['\u0001 raw first byte', 'second']);
    expect(requests).toContain(
      'GET /containers/tty/logs?stdout=true&stderr=true&follow=true&timestamps=false&tail=0',
    );
  });

  it('ends a log follow on abort: resolves, closes the connection, no line after', async () => {
    let closed = false;
    const socketPath = await fakeEngine((request, response) => {
      if (request.url?.includes('/json')) return json(response, 200, { Config: { Tty: true } });
      response.writeHead(200);
      response.write('tick\n');
      const timer = setInterval(() => response.write('tick\n'), 5);
      response.on('close', () => {
        closed = true;
        clearInterval(timer);
      });
    });
    await using runtime = createDockerRuntime({ socketPath });
    const controller = new AbortController();
    const lines: string[] = [];
    const following = runtime.followLogs?.({
      id: 'web',
      signal: controller.signal,
      onLine: (line) => {
        lines.push(line);
        if (lines.length === 3) controller.abort();
      },
    });
    await expect(following).resolves.toBeUndefined();
    expect(lines).toHaveLength(3);
    await sleep(30);
    expect(closed).toBe(true);
    expect(lines).toHaveLength(3);
  });

  it('maps a missing container, a cut connection and a silent engine when following logs', async () => {
    const socketPath = await fakeEngine((request, response) => {
      if (request.url?.startsWith('/containers/gone/'))
        return json(response, 404, { message: 'No such container: gone' });
      if (request.url?.startsWith('/containers/silent/')) return; // never answers
      if (request.url?.includes('/json')) return json(response, 200, { Config: { Tty: true } });
      response.writeHead(200);
      response.write('last words\n');
      setTimeout(() => request.socket.destroy(), 20);
    });
    await using runtime = createDockerRuntime({ socketPath, requestTimeoutMs: 200 });
    const signal = new AbortController().signal;
    await expect(runtime.followLogs?.({ id: 'gone', signal, onLine: () => {} })).rejects.toMatchObject({
      kind: 'not_found',
      container: 'gone',
    });
    const lines: string[] = [];
    await expect(
      runtime.followLogs?.({ id: 'cut', signal, onLine: (line) => lines.push(line) }),
    ).rejects.toMatchObject({ kind: 'unreachable', container: 'cut' });
    expect(lines).toEqual(['last words']);
    await expect(runtime.followLogs?.({ id: 'silent', signal, onLine: () => {} })).rejects.toMatchObject({
      kind: 'timeout',
    });
  });

  it('reads the restart timeout into t', async () => {
    const socketPath = await fakeEngine((_request, response) => {
      response.writeHead(204);
      response.end();
    });
    await using runtime = createDockerRuntime({ socketPath });
    await runtime.restart({ id: 'web', timeoutSeconds: 7 });
    expect(requests).toEqual(['POST /containers/web/restart?t=7']);
  });
});
