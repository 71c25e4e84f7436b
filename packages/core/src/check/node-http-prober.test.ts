import { createServer, type Server } from 'node:http';
import {
  type AddressInfo,
  createServer as createTcpServer,
  type Socket,
  type Server as TcpServer,
} from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeHttpProber } from './node-http-prober.js';

const healthy = [200, 204];
let server: Server;
let base: string;
/** Whether the socket that served `/big` is still open. */
let bigBodySocketOpen = false;

beforeAll(async () => {
  server = createServer((request, response) => {
    switch (request.url) {
      case '/ok':
        response.end('ok');
        return;
      case '/fail':
        response.statusCode = 500;
        response.end('boom');
        return;
      case '/slow':
        setTimeout(() => response.end('late'), 300);
        return;
      case '/redirect':
        response.statusCode = 302;
        response.setHeader('location', '/ok');
        response.end();
        return;
      case '/big':
        // Headers now, then a body that never finishes: only a cancelled body frees the socket.
        bigBodySocketOpen = true;
        request.socket.once('close', () => {
          bigBodySocketOpen = false;
        });
        response.writeHead(200);
        response.write('x'.repeat(64 * 1024));
        return;
      default:
        // /hang: never answers.
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('createNodeHttpProber', () => {
  const prober = createNodeHttpProber();

  it('passes an expected status and measures the response time', async () => {
    const result = await prober.probe({ url: `${base}/ok`, timeoutMs: 2000, expectedStatus: healthy });
    expect(result).toMatchObject({ url: `${base}/ok`, ok: true, status: 200, error: undefined });
    expect(result.responseTimeMs).toBeGreaterThanOrEqual(0);
    expect(result.responseTimeMs).toBeLessThan(1000);
  });

  it('fails an unexpected status and names it', async () => {
    const result = await prober.probe({ url: `${base}/fail`, timeoutMs: 2000, expectedStatus: healthy });
    expect(result).toMatchObject({ ok: false, status: 500, error: 'unexpected status 500' });
  });

  it('gives up on a hanging endpoint after the timeout, not later', async () => {
    const startedAt = performance.now();
    const result = await prober.probe({ url: `${base}/hang`, timeoutMs: 200, expectedStatus: healthy });
    const elapsed = performance.now() - startedAt;
    expect(result).toMatchObject({
      ok: false,
      status: undefined,
      error: 'timeout after 200ms',
      timedOut: true,
    });
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(500);
    expect(result.responseTimeMs).toBeGreaterThanOrEqual(190);
  });

  it('measures a slow answer', async () => {
    const result = await prober.probe({ url: `${base}/slow`, timeoutMs: 2000, expectedStatus: healthy });
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(result.responseTimeMs).toBeGreaterThanOrEqual(290);
    expect(result.responseTimeMs).toBeLessThan(1500);
  });

  it('reports a refused connection by its code', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await prober.probe({
      url: `http://127.0.0.1:${port}/`,
      timeoutMs: 2000,
      expectedStatus: healthy,
    });
    expect(result).toMatchObject({ ok: false, status: undefined, error: 'ECONNREFUSED' });
  });

  it('does not follow redirects: the 3xx itself is judged', async () => {
    const strict = await prober.probe({ url: `${base}/redirect`, timeoutMs: 2000, expectedStatus: [200] });
    expect(strict).toMatchObject({ ok: false, status: 302, error: 'unexpected status 302' });
    const lenient = await prober.probe({
      url: `${base}/redirect`,
      timeoutMs: 2000,
      expectedStatus: [200, 302],
    });
    expect(lenient).toMatchObject({ ok: true, status: 302 });
  });

  describe("an endpoint that may reach only some addresses (a label's)", () => {
    let elsewhere: Server;
    let elsewhereUrl: string;
    let elsewhereRequests = 0;
    beforeAll(async () => {
      elsewhere = createServer((_request, response) => {
        elsewhereRequests++;
        response.end('secret');
      });
      await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
      elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      elsewhere.closeAllConnections();
      await new Promise((resolve) => elsewhere.close(resolve));
    });

    it('refuses an IP outside the list without connecting', async () => {
      const result = await prober.probe({
        url: `${elsewhereUrl}/`,
        timeoutMs: 2000,
        expectedStatus: healthy,
        allowedAddresses: ['172.20.0.3'],
      });
      expect(result).toMatchObject({
        ok: false,
        status: undefined,
        error: 'refused: 127.0.0.1 is not an address of the container',
      });
      expect(elsewhereRequests).toBe(0);
    });

    it('refuses the same IP spelt as IPv4-mapped IPv6', async () => {
      const port = (elsewhere.address() as AddressInfo).port;
      const result = await prober.probe({
        url: `http://[::ffff:127.0.0.1]:${port}/`,
        timeoutMs: 2000,
        expectedStatus: healthy,
        allowedAddresses: ['::1'],
      });
      expect(result.error).toBe('refused: ::ffff:7f00:1 is not an address of the container');
      expect(elsewhereRequests).toBe(0);
    });

    it('refuses a host name that resolves outside the list, naming what it resolved to', async () => {
      const port = (elsewhere.address() as AddressInfo).port;
      const result = await prober.probe({
        url: `http://localhost:${port}/`,
        timeoutMs: 2000,
        expectedStatus: healthy,
        allowedAddresses: ['172.20.0.3'],
      });
      expect(result.ok).toBe(false);
      expect(result.error).toMatch(
        /^refused: localhost resolves to .*127\.0\.0\.1.*, not an address of the container$/,
      );
      expect(elsewhereRequests).toBe(0);
    });

    it('connects when the name resolves to an allowed address', async () => {
      const result = await prober.probe({
        url: `${base.replace('127.0.0.1', 'localhost')}/ok`,
        timeoutMs: 2000,
        expectedStatus: healthy,
        allowedAddresses: ['127.0.0.1'],
      });
      expect(result).toMatchObject({ ok: true, status: 200 });
    });

    it('never follows a redirect to another host', async () => {
      const away = createServer((_request, response) => {
        response.statusCode = 302;
        response.setHeader('location', `${elsewhereUrl}/`);
        response.end();
      });
      await new Promise<void>((resolve) => away.listen(0, '127.0.0.1', resolve));
      try {
        const result = await prober.probe({
          url: `http://127.0.0.1:${(away.address() as AddressInfo).port}/`,
          timeoutMs: 2000,
          expectedStatus: [200],
          allowedAddresses: ['127.0.0.1'],
        });
        expect(result).toMatchObject({ ok: false, status: 302 });
        expect(elsewhereRequests).toBe(0);
      } finally {
        away.closeAllConnections();
        await new Promise((resolve) => away.close(resolve));
      }
    });
  });

  it('answers at once, without waiting for a body that never ends, and frees the socket', async () => {
    const startedAt = performance.now();
    const result = await prober.probe({ url: `${base}/big`, timeoutMs: 5000, expectedStatus: healthy });
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(performance.now() - startedAt).toBeLessThan(1000);
    await expect.poll(() => bigBodySocketOpen, { timeout: 2000 }).toBe(false);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    const pending = prober.probe({
      url: `${base}/hang`,
      timeoutMs: 5000,
      expectedStatus: healthy,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).resolves.toMatchObject({ ok: false, error: 'aborted' });
  });

  it('opens one connection per probe and leaves none open after it', async () => {
    const opened: Socket[] = [];
    const track = (socket: Socket) => opened.push(socket);
    server.on('connection', track);
    try {
      for (let index = 0; index < 3; index++) {
        expect(
          await prober.probe({ url: `${base}/ok`, timeoutMs: 2000, expectedStatus: healthy }),
        ).toMatchObject({ ok: true });
      }
    } finally {
      server.off('connection', track);
    }
    expect(opened).toHaveLength(3);
    await expect.poll(() => opened.filter((socket) => !socket.closed).length, { timeout: 2000 }).toBe(0);
  });

  it('names a server that does not speak HTTP by the parser error', async () => {
    const garbage = await listenTcp((socket) => socket.end('SSH-2.0-OpenSSH_9.2\r\n').unref());
    try {
      const result = await prober.probe({
        url: `http://127.0.0.1:${(garbage.address() as AddressInfo).port}/health`,
        timeoutMs: 2000,
        expectedStatus: healthy,
      });
      expect(result).toMatchObject({ ok: false, status: undefined, error: expect.stringMatching(/^HPE_/) });
    } finally {
      garbage.close();
    }
  });

  it('fails https against a server that is not TLS, by the error code', async () => {
    const result = await prober.probe({
      url: `${base.replace('http:', 'https:')}/ok`,
      timeoutMs: 2000,
      expectedStatus: healthy,
    });
    expect(result).toMatchObject({ ok: false, status: undefined, error: expect.stringMatching(/^[A-Z_]+$/) });
  });

  it('sends nothing when the signal is already aborted', async () => {
    const result = await prober.probe({
      url: `${base}/ok`,
      timeoutMs: 2000,
      expectedStatus: healthy,
      signal: AbortSignal.abort(),
    });
    expect(result).toMatchObject({ ok: false, error: 'aborted', responseTimeMs: 0 });
  });

  it.each([
    ['file:///etc/passwd', 'unsupported URL scheme "file:", expected http: or https:'],
    ['not a url', 'invalid URL "not a url"'],
  ])('refuses %s without sending anything', async (url, error) => {
    const result = await prober.probe({ url, timeoutMs: 100, expectedStatus: healthy });
    expect(result).toEqual({ url, ok: false, status: undefined, responseTimeMs: 0, error });
  });
});

async function listenTcp(onConnection: (socket: Socket) => void): Promise<TcpServer> {
  const tcp = createTcpServer(onConnection);
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  return tcp;
}
