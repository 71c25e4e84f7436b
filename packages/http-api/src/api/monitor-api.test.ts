import { createServer, request as httpRequest } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { MonitorError } from '@website-monitor/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startMonitorServer } from '../server/monitor-server.js';
import { type ApiHarness, configFrom, startApiHarness } from './api-harness.test-helper.js';
import { createMonitorApi } from './monitor-api.js';

const token = 'test-token-0123456789abcdef';
const harnesses: ApiHarness[] = [];
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((harness) => harness.close()));
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function harness(options: Parameters<typeof startApiHarness>[0] = {}): Promise<ApiHarness> {
  const started = await startApiHarness(options);
  harnesses.push(started);
  return started;
}

const approvalConfig = configFrom(`
healing:
  auto_fix_actions: [clear_cache]
  manual_approval_required: [restart_container]
`);

describe('createMonitorApi over a real HTTP server', () => {
  it('listens on 127.0.0.1 by default and refuses to listen beyond loopback without a token', async () => {
    const { server, agent } = await harness();
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
    await expect(startMonitorServer({ agent, port: 0, host: '0.0.0.0' })).rejects.toSatisfy(
      (error: unknown) =>
        MonitorError.isInstance(error) && /MONITOR_API_TOKEN/.test((error as Error).message),
    );
  });

  it('GET /monitor/status lists every container with state, health, last check and budget left', async () => {
    const { call, clock } = await harness({ containers: ['web', 'db'] });
    const response = await call('/monitor/status');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { host: string; containers: Record<string, unknown>[] };
    expect(body.host).toBe('local');
    expect(body.containers.map((line) => line.name)).toEqual(['db', 'web']);
    expect(body.containers[1]).toMatchObject({
      name: 'web',
      monitored: true,
      state: 'running',
      health: expect.any(String),
      lastCheckAt: clock.now(),
      incident: null,
      restartsLeft: 3,
    });
  });

  it('GET /monitor/status says which containers are critical (false when the agent does not say)', async () => {
    const { call, agent } = await harness({ containers: ['web', 'api'] });
    expect(
      ((await (await call('/monitor/status')).json()) as { containers: { critical: unknown }[] }).containers,
    ).toEqual([expect.objectContaining({ critical: false }), expect.objectContaining({ critical: false })]);
    const status = agent.status.bind(agent);
    agent.status = () => status().map((line) => ({ ...line, critical: line.name === 'api' }));
    const body = (await (await call('/monitor/status')).json()) as {
      containers: { name: string; critical: boolean }[];
    };
    expect(body.containers.map(({ name, critical }) => ({ name, critical }))).toEqual([
      { name: 'api', critical: true },
      { name: 'web', critical: false },
    ]);
  });

  describe('auth', () => {
    it('refuses every write with 403 when no token is configured, naming MONITOR_API_TOKEN', async () => {
      const { post, runtime } = await harness();
      const response = await post('/monitor/heal/web', { reason: 'slow' });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({
        error: { code: 'forbidden', message: expect.stringContaining('MONITOR_API_TOKEN') },
      });
      expect(runtime.callsOf('restart')).toHaveLength(0);
    });

    it('answers 401 to a missing or wrong token and runs the write with the right one', async () => {
      const { post, runtime, settle } = await harness({ server: { token, tokenOwner: 'ops-bot' } });
      const missing = await post('/monitor/heal/web', { reason: 'slow' });
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const wrong = await post('/monitor/heal/web', { reason: 'slow' }, `${token}x`);
      expect(wrong.status).toBe(401);
      expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
      const short = await post('/monitor/heal/web', { reason: 'slow' }, 'x');
      expect(short.status).toBe(401);
      expect(runtime.callsOf('restart')).toHaveLength(0);

      const right = await post('/monitor/heal/web', { reason: 'slow' }, token);
      expect(right.status).toBe(200);
      expect(await right.json()).toMatchObject({ kind: 'act', changed: true });
      await settle();
      expect(runtime.callsOf('restart')).toHaveLength(1);
      const [action] = await harnesses[0]!.store.listHealingActions({});
      expect(action).toMatchObject({ decidedBy: 'person', reason: 'requested by ops-bot: slow' });
    });

    it('needs no token for reads on loopback', async () => {
      const { call } = await harness({ server: { token } });
      expect((await call('/monitor/status')).status).toBe(200);
      expect((await call('/metrics')).status).toBe(200);
    });

    it('needs the token for reads when bound beyond loopback, but keeps /healthz open', async () => {
      const { agent, clock } = await harness();
      const serve = async (apiToken: string | undefined) => {
        const api = createMonitorApi({ agent, clock, token: apiToken, bindHost: '0.0.0.0' });
        // Bound to loopback for the test; the API behaves as configured for 0.0.0.0.
        const server = createServer(api.handler);
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        cleanups.push(async () => {
          api.close();
          server.closeAllConnections();
          await new Promise((resolve) => server.close(resolve));
        });
        return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      };
      const withToken = await serve(token);
      expect((await fetch(`${withToken}/monitor/status`)).status).toBe(401);
      expect((await fetch(`${withToken}/metrics`)).status).toBe(401);
      const authorized = await fetch(`${withToken}/monitor/status`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(authorized.status).toBe(200);
      expect((await fetch(`${withToken}/healthz`)).status).toBe(200);

      const withoutToken = await serve(undefined);
      const refused = await fetch(`${withoutToken}/monitor/status`);
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
        /MONITOR_API_TOKEN/,
      );
    });
  });

  describe('validation', () => {
    it('answers 400 to container names outside Docker grammar, before the agent sees them', async () => {
      const { call, post, runtime } = await harness({ server: { token } });
      const before = runtime.calls.length;
      for (const bad of ['..%2F..%2Fetc', '-web', 'a', 'web%00', 'we%20b', '%E0%A4%A']) {
        const read = await call(`/monitor/metrics/container/${bad}`);
        expect(read.status, bad).toBe(400);
        expect(((await read.json()) as { error: { code: string } }).error.code).toBe('bad_request');
        const write = await post(`/monitor/heal/${bad}`, { reason: 'x' }, token);
        expect(write.status, bad).toBe(400);
      }
      expect(runtime.calls.length).toBe(before);
    });

    it('answers 400 to a bad query, 422 to a body that misses its schema, 404 to an unknown container', async () => {
      const { call, post } = await harness({ server: { token } });
      expect((await call('/monitor/incidents?hours=abc')).status).toBe(400);
      expect((await call('/monitor/incidents?hours=-1')).status).toBe(400);
      const numericReason = await post('/monitor/heal/web', { reason: 5 }, token);
      expect(numericReason.status).toBe(422);
      expect(((await numericReason.json()) as { error: { message: string } }).error.message).toMatch(
        /^body\.reason: /,
      );
      expect((await post('/monitor/heal/web', { reason: 'x', extra: 1 }, token)).status).toBe(422);
      const unknownAction = await post('/monitor/heal/web', { reason: 'x', action: 'reboot_host' }, token);
      expect(unknownAction.status).toBe(422);
      expect(((await unknownAction.json()) as { error: { message: string } }).error.message).toMatch(
        /restart_container/,
      );
      const missing = await post('/monitor/heal/ghost', { reason: 'x' }, token);
      expect(missing.status).toBe(404);
      const malformed = await call('/monitor/heal/web', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"reason":',
        auth: token,
      });
      expect(malformed.status).toBe(400);
      expect((await call('/nowhere')).status).toBe(404);
      const wrongMethod = await call('/monitor/status', { method: 'DELETE' });
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.get('allow')).toBe('GET');
    });

    it('answers 413 to a body over the limit, declared or streamed', async () => {
      const { post, server, runtime } = await harness({ server: { token, maxBodyBytes: 256 } });
      const declared = await post('/monitor/heal/web', { reason: 'x'.repeat(1000) }, token);
      expect(declared.status).toBe(413);
      expect(((await declared.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');

      // Chunked, with no Content-Length: cut off while streaming.
      const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = httpRequest(
          `${server.url}/monitor/heal/web`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          },
          (response) => {
            let body = '';
            response.on('data', (chunk) => {
              body += chunk;
            });
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
          },
        );
        request.on('error', reject);
        request.write('{"reason":"');
        for (let index = 0; index < 10; index++) request.write('y'.repeat(100));
        request.end('"}');
      });
      expect(streamed.status).toBe(413);
      expect(JSON.parse(streamed.body).error.code).toBe('payload_too_large');
      expect(runtime.callsOf('restart')).toHaveLength(0);
    });
  });

  describe('413 reaches a client that writes its whole body before it reads', () => {
    // The hostile-input suite saw `write EPIPE` for a 1 MB body sent with `Connection: close`:
    // a server that answers and closes while body bytes are still unread makes the kernel reset
    // the connection, and the client loses the answer.
    it.each([
      ['declared in Content-Length', false],
      ['chunked', true],
    ])('%s: 16 clients at once, each answered 413', async (_shape, chunked) => {
      const { server, runtime } = await harness({ server: { token, maxBodyBytes: 256 } });
      const port = Number(new URL(server.url).port);
      const answers = await Promise.all(
        Array.from({ length: 16 }, (_, index) =>
          sendOversized({ port, chunked, pauseMs: index % 2 === 0 ? 0 : 200 }),
        ),
      );
      for (const answer of answers) {
        expect(answer).toMatch(/^HTTP\/1\.1 413 /);
        expect(answer).toContain('payload_too_large');
      }
      expect(runtime.callsOf('restart')).toHaveLength(0);
    });
  });

  describe("POST /monitor/heal without a reason (the seed's bare call)", () => {
    const bodies: [string, RequestInit][] = [
      ['no body at all', {}],
      ['an empty JSON body', { headers: { 'content-type': 'application/json' }, body: '' }],
      ['{}', { headers: { 'content-type': 'application/json' }, body: '{}' }],
      [
        'only an action',
        { headers: { 'content-type': 'application/json' }, body: '{"action":"restart_container"}' },
      ],
    ];
    it.each(bodies)('%s: restarts, recorded as "manual request via API"', async (_label, init) => {
      const { call, runtime, settle, store } = await harness({ server: { token } });
      const response = await call('/monitor/heal/web', { ...init, method: 'POST', auth: token });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ kind: 'act', changed: true });
      await settle();
      expect(runtime.callsOf('restart')).toHaveLength(1);
      const [action] = await store.listHealingActions({});
      expect(action).toMatchObject({
        action: 'restart_container',
        decidedBy: 'person',
        reason: 'requested by api: manual request via API',
      });
    });

    it('a malformed body still gets a 4xx naming what is wrong, and nothing runs', async () => {
      const { call, post, runtime } = await harness({ server: { token } });
      const cases: [unknown, RegExp][] = [
        [{ reason: '' }, /^body\.reason: /],
        [{ reason: '   ' }, /^body\.reason: /],
        [{ reason: ['slow'] }, /^body\.reason: /],
        [{ reason: 'x'.repeat(1001) }, /^body\.reason: /],
        [{ action: 7 }, /^body\.action: /],
        [{ action: '../reboot' }, /^body\.action: /],
        [{ reasons: 'typo' }, /reasons/],
        [null, /^body: /],
        [['restart'], /^body: /],
        ['restart', /^body: /],
      ];
      for (const [body, message] of cases) {
        const response = await post('/monitor/heal/web', body, token);
        const answer = (await response.json()) as { error: { code: string; message: string } };
        expect(response.status, JSON.stringify(body)).toBe(422);
        expect(answer.error, JSON.stringify(body)).toMatchObject({ code: 'unprocessable', message });
      }
      const notJson = await call('/monitor/heal/web', {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'please restart',
        auth: token,
      });
      expect(notJson.status).toBe(415);
      expect(runtime.callsOf('restart')).toHaveLength(0);
    });
  });

  it('POST /monitor/heal runs through the policy: a spent budget is a 409 with the policy reason', async () => {
    const config = configFrom(`
monitoring:
  containers:
    - name: web
      max_restarts_per_hour: 1
`);
    const { post, runtime, settle, call } = await harness({ config, server: { token } });
    runtime.crash('web');
    await settle();
    // The agent spent the one restart of this hour on the crash.
    expect(runtime.callsOf('restart')).toHaveLength(1);

    const response = await post('/monitor/heal/web', { reason: 'still slow' }, token);
    expect(response.status).toBe(409);
    const body = (await response.json()) as {
      error: { code: string; message: string; outcome: { kind: string; reason: string; changed: boolean } };
    };
    expect(body.error.code).toBe('conflict');
    expect(body.error.outcome).toMatchObject({ kind: 'escalate', changed: false });
    expect(body.error.message).toBe(body.error.outcome.reason);
    expect(body.error.message).toMatch(/used all 1 restart allowed in the last hour/);
    await settle();
    expect(runtime.callsOf('restart')).toHaveLength(1);
    const status = (await (await call('/monitor/status')).json()) as {
      containers: { restartsLeft: number; incident: { status: string } }[];
    };
    expect(status.containers[0]).toMatchObject({ restartsLeft: 0, incident: { status: 'escalated' } });
  });

  it("a person's request counts as the approval: an action in manual_approval_required runs at once", async () => {
    const { post, call, runtime, settle } = await harness({ config: approvalConfig, server: { token } });
    const response = await post('/monitor/heal/web', { reason: 'deploy stuck' }, token);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ kind: 'act', changed: true });
    await settle();
    expect(runtime.callsOf('restart')).toHaveLength(1);
    expect(((await (await call('/monitor/approvals')).json()) as { approvals: unknown[] }).approvals).toEqual(
      [],
    );
  });

  it('approves a pending action (which then runs), 409 when approved again, 404 for an unknown id', async () => {
    const { post, call, runtime, settle } = await harness({ config: approvalConfig, server: { token } });
    runtime.crash('web');
    await settle();
    const { approvals } = (await (await call('/monitor/approvals')).json()) as {
      approvals: { id: string }[];
    };
    expect(approvals).toHaveLength(1);
    const id = approvals[0]!.id;

    expect((await post('/monitor/approvals/no-such-id/approve', {}, token)).status).toBe(404);
    expect((await post(`/monitor/approvals/${id}/approve`, {})).status).toBe(401);

    const approved = await post(`/monitor/approvals/${id}/approve`, {}, token);
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ kind: 'act', changed: true });
    await settle();
    expect(runtime.callsOf('restart')).toHaveLength(1);

    const again = await post(`/monitor/approvals/${id}/approve`, {}, token);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { message: string } }).error.message).toMatch(
      /already approved/,
    );
    expect((await post(`/monitor/approvals/${id}/reject`, {}, token)).status).toBe(409);
  });

  it('rejects a pending action: the incident is escalated with the reason', async () => {
    const { post, call, runtime, settle, store } = await harness({
      config: approvalConfig,
      server: { token },
    });
    runtime.crash('web');
    await settle();
    const { approvals } = (await (await call('/monitor/approvals')).json()) as {
      approvals: { id: string }[];
    };
    const rejected = await post(
      `/monitor/approvals/${approvals[0]!.id}/reject`,
      { reason: 'maintenance window' },
      token,
    );
    expect(rejected.status).toBe(200);
    await settle();
    expect(runtime.callsOf('restart')).toHaveLength(0);
    expect((await store.listIncidents({}))[0]).toMatchObject({
      status: 'escalated',
      escalationReason: expect.stringContaining('maintenance window'),
    });
  });

  it('GET /monitor/incidents filters by hours and container', async () => {
    const { call, runtime, settle } = await harness({ containers: ['web', 'db'] });
    runtime.crash('web');
    // Restarted, past its start period (5 s), then healthy for resolve_after_seconds (10 s).
    await settle(20_000);
    const all = (await (await call('/monitor/incidents?hours=24')).json()) as {
      incidents: { containerName: string; status: string }[];
    };
    expect(all.incidents).toMatchObject([{ containerName: 'web', status: 'resolved' }]);
    const db = (await (await call('/monitor/incidents?container=db')).json()) as { incidents: unknown[] };
    expect(db.incidents).toEqual([]);
    // 0.001 h = 3.6 s: the crash was 20 s ago.
    const recent = (await (await call('/monitor/incidents?hours=0.001&container=web')).json()) as {
      incidents: unknown[];
    };
    expect(recent.incidents).toEqual([]);
  });

  it('GET /monitor/metrics/container/{name} returns recent samples and baselines, 404 for an unknown one', async () => {
    const { call, settle } = await harness();
    await settle(60_000);
    const response = await call('/monitor/metrics/container/web?hours=1');
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      container: string;
      samples: { containerName: string; checkedAt: number }[];
      baselines: unknown[];
    };
    expect(body.container).toBe('web');
    expect(body.samples.length).toBeGreaterThan(1);
    expect(body.samples.every((sample) => sample.containerName === 'web')).toBe(true);
    const times = body.samples.map((sample) => sample.checkedAt);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Array.isArray(body.baselines)).toBe(true);
    const limited = (await (await call('/monitor/metrics/container/web?limit=1')).json()) as {
      samples: { checkedAt: number }[];
    };
    expect(limited.samples).toEqual([expect.objectContaining({ checkedAt: Math.max(...times) })]);
    expect((await call('/monitor/metrics/container/ghost')).status).toBe(404);
  });

  it('GET /healthz is 200 while the engine is connected and 503 once it is lost', async () => {
    const { call, runtime, settle } = await harness();
    const healthy = await call('/healthz');
    expect(healthy.status).toBe(200);
    expect(await healthy.json()).toMatchObject({ ok: true, monitoredContainers: 1, problems: [] });
    runtime.setReachable(false);
    await settle();
    const down = await call('/healthz');
    expect(down.status).toBe(503);
    const body = (await down.json()) as { ok: boolean; engineConnected: boolean; problems: string[] };
    expect(body).toMatchObject({ ok: false, engineConnected: false });
    expect(body.problems[0]).toMatch(/engine unreachable/);
  });
});

/** A 1 MB body to POST /monitor/heal/web over a raw socket; resolves with everything read back. */
function sendOversized(options: { port: number; chunked: boolean; pauseMs: number }): Promise<string> {
  const size = 1024 * 1024;
  const part = Buffer.alloc(64 * 1024, 0x61);
  const frame = options.chunked
    ? Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n')])
    : part;
  const head = [
    'POST /monitor/heal/web HTTP/1.1',
    `Host: 127.0.0.1:${options.port}`,
    'Connection: close',
    `Authorization: Bearer ${token}`,
    'Content-Type: application/json',
    options.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${size}`,
    '',
    '',
  ].join('\r\n');
  return new Promise<string>((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: options.port });
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
    });
    socket.on('error', (error) =>
      reject(new Error(`${error.message}; received: "${received.slice(0, 40)}"`)),
    );
    socket.on('close', () => resolve(received));
    socket.on('connect', async () => {
      // Like a client that reads only once its request is out: nothing is read while writing.
      socket.pause();
      socket.write(head);
      socket.write(frame);
      // With a pause, an eager server has answered before the rest is written.
      if (options.pauseMs > 0) await new Promise((wait) => setTimeout(wait, options.pauseMs));
      for (let sent = part.length; sent < size && !socket.destroyed; sent += part.length) socket.write(frame);
      if (socket.destroyed) return;
      socket.end(options.chunked ? '0\r\n\r\n' : '', () => setTimeout(() => socket.resume(), 50));
    });
  });
}
