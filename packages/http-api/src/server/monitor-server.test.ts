import { request as httpRequest } from 'node:http';
import type { Logger } from '@website-monitor/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from '../api/api-harness.test-helper.js';
import type { StaticRequestHandler } from '../api/monitor-api.js';

const harnesses: ApiHarness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((harness) => harness.close()));
});

async function harness(server: NonNullable<Parameters<typeof startApiHarness>[0]>['server']) {
  const started = await startApiHarness({ server });
  harnesses.push(started);
  return started;
}

interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One request with headers fetch will not send (Host); an event stream is read for 200 ms only. */
function raw(
  url: string,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}${path}`, { method, headers, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      const done = () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
      response.on('end', done);
      if (String(response.headers['content-type']).startsWith('text/event-stream')) {
        setTimeout(() => {
          done();
          response.destroy();
        }, 200);
      }
    });
    request.on('error', reject);
    request.end();
  });
}

const dashboard: StaticRequestHandler = (request, response) => {
  if (request.url !== '/') return false;
  response.writeHead(200, { 'content-type': 'text/html' });
  response.end('<!doctype html><title>website-monitor</title>');
  return true;
};

describe('the Host check (DNS rebinding)', () => {
  it('answers 421 with the JSON error naming the Host, on the API, the event stream and the dashboard', async () => {
    const { server } = await harness({ dashboard });
    for (const path of ['/monitor/status', '/monitor/events', '/', '/healthz', '/metrics']) {
      const answer = await raw(server.url, path, { host: 'attacker.example:9090' });
      expect(answer.status, path).toBe(421);
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      const body = JSON.parse(answer.body) as { error: { code: string; message: string; host: string } };
      expect(body.error.code).toBe('misdirected');
      expect(body.error.host).toBe('attacker.example:9090');
      expect(body.error.message).toContain('"attacker.example:9090"');
      expect(body.error.message).toContain('api.allowed_hosts');
    }
  });

  it('serves loopback names, the listen address and configured names', async () => {
    const { server } = await harness({ dashboard, allowedHosts: ['monitor.example.com', '*.lan.example'] });
    for (const host of [
      'localhost:9090',
      '127.0.0.1',
      '[::1]:9090',
      'app.localhost',
      'monitor.example.com',
      'nas.lan.example:9090',
    ]) {
      const status = await raw(server.url, '/monitor/status', { host });
      expect(status.status, host).toBe(200);
      const events = await raw(server.url, '/monitor/events', { host });
      expect(events.status, host).toBe(200);
      expect(events.headers['content-type']).toMatch(/^text\/event-stream/);
      const page = await raw(server.url, '/', { host });
      expect(page.status, host).toBe(200);
      expect(page.body).toContain('website-monitor');
    }
  });

  it('refuses an oversized Host without echoing all of it', async () => {
    const { server } = await harness({});
    const answer = await raw(server.url, '/monitor/status', { host: `${'a'.repeat(250)}.example` });
    expect(answer.status).toBe(421);
    expect(answer.body.length).toBeLessThan(1_000);
  });
});

describe('wrong tokens', () => {
  const token = 'correct-horse-battery-staple-42';

  it('after N wrong tokens: 429 with Retry-After, even for the right one; it passes again after the lockout', async () => {
    const { call } = await harness({
      token,
      authThrottle: { maxFailures: 3, windowMs: 60_000, lockMs: 600 },
    });
    // A correct token between wrong ones clears the count.
    for (const guess of ['nope-1', 'nope-2']) {
      expect((await call('/monitor/heal/web', { method: 'POST', auth: guess })).status).toBe(401);
    }
    expect((await call('/monitor/heal/web', { method: 'POST', auth: token })).status).not.toBe(401);
    for (const guess of ['nope-1', 'nope-2', 'nope-3']) {
      expect((await call('/monitor/heal/web', { method: 'POST', auth: guess })).status).toBe(401);
    }
    const locked = await call('/monitor/heal/web', { method: 'POST', auth: 'nope-4' });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await locked.json()) as { error: { code: string; retryAfterSeconds: number } };
    expect(body.error.code).toBe('too_many_requests');
    // Locked out: the right token is not even compared.
    expect((await call('/monitor/approvals', { auth: token })).status).toBe(429);
    // A loopback read without credentials is not a guess.
    expect((await call('/monitor/status')).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, 700));
    expect((await call('/monitor/approvals', { auth: token })).status).toBe(200);
  });

  it('logs a short token at start', async () => {
    const lines: { level: string; event: string; fields: Record<string, unknown> }[] = [];
    const logger: Logger = { log: (level, event, fields = {}) => lines.push({ level, event, fields }) };
    await harness({ token: 'short-token', logger });
    expect(lines).toContainEqual({
      level: 'warn',
      event: 'api_token_short',
      fields: expect.objectContaining({ length: 11, minimum: 16 }),
    });
    const quiet: typeof lines = [];
    await harness({
      token,
      logger: { log: (level, event, fields = {}) => quiet.push({ level, event, fields }) },
    });
    expect(quiet.filter((line) => line.event === 'api_token_short')).toEqual([]);
  });
});

describe('stopping', () => {
  it('answers requests in flight, refuses new ones with 503, then closes', async () => {
    let finishSlow: () => void = () => {};
    const slowPage: StaticRequestHandler = async (request, response) => {
      if (request.url !== '/slow') return false;
      await new Promise<void>((resolve) => {
        finishSlow = resolve;
      });
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('answered');
      return true;
    };
    const { server } = await harness({ dashboard: slowPage });
    const slow = raw(server.url, '/slow');
    await new Promise((resolve) => setTimeout(resolve, 50));
    server.drain();
    const refused = await raw(server.url, '/monitor/status');
    expect(refused.status).toBe(503);
    expect((JSON.parse(refused.body) as { error: { code: string } }).error.code).toBe('unavailable');
    expect(refused.headers['retry-after']).toBe('5');

    const closed = server.close({ timeoutMs: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    finishSlow();
    expect(await slow).toMatchObject({ status: 200, body: 'answered' });
    await closed;
  });

  it('cuts what is still running when the close timeout passes', async () => {
    const never: StaticRequestHandler = async (request) => {
      if (request.url !== '/never') return false;
      await new Promise(() => {});
      return true;
    };
    const { server } = await harness({ dashboard: never });
    const hanging = raw(server.url, '/never').catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await server.close({ timeoutMs: 200 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await hanging).toBeInstanceOf(Error);
  });
});
