import type { EngineLeaseRole } from '@website-monitor/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from './api-harness.test-helper.js';

// Issue 12, item 2: of two agents on one engine, one acts and the other stands by. An operator
// (and Prometheus) must see which is which from either one.

const harnesses: ApiHarness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((harness) => harness.close()));
});

const token = 'a-token-long-enough-for-the-api';
const engineId = 'INCP:EH3Y:GPSX:NMX6';
const standby: EngineLeaseRole = {
  role: 'standby',
  engineId,
  activeAgent: {
    hostName: 'edge-1',
    pid: 4242,
    startedAt: Date.parse('2026-11-28T05:00:00Z'),
    where: 'the PostgreSQL database postgres://monitor:***@db/monitor',
  },
};

function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    if (line.slice(0, space) === series) return Number(line.slice(space + 1));
  }
  return undefined;
}

async function harness(role: () => EngineLeaseRole): Promise<ApiHarness> {
  const h = await startApiHarness({ server: { role, token } });
  harnesses.push(h);
  return h;
}

describe('the role of an agent in its engine’s lease', () => {
  it('/healthz and /metrics of the active agent say active, with the lease term', async () => {
    const h = await harness(() => ({ role: 'active', engineId, term: 3 }));
    const health = await h.call('/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      ok: true,
      role: 'active',
      engineId,
      leaseTerm: 3,
      activeAgent: null,
    });
    const metrics = await (await h.call('/metrics')).text();
    expect(sample(metrics, 'spartan_monitor_engine_role{role="active"}')).toBe(1);
    expect(sample(metrics, 'spartan_monitor_engine_role{role="standby"}')).toBe(0);
  });

  it('/healthz and /metrics of a standby say standby and name the agent it waits on; it is healthy', async () => {
    const h = await harness(() => standby);
    const health = await h.call('/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      ok: true,
      status: 'ok',
      role: 'standby',
      engineId,
      leaseTerm: null,
      activeAgent: standby.activeAgent,
    });
    const metrics = await (await h.call('/metrics')).text();
    expect(sample(metrics, 'spartan_monitor_engine_role{role="active"}')).toBe(0);
    expect(sample(metrics, 'spartan_monitor_engine_role{role="standby"}')).toBe(1);
  });

  it('the role is read on every request: a standby that takes over says active from then on', async () => {
    let role: EngineLeaseRole = standby;
    const h = await harness(() => role);
    expect(await (await h.call('/healthz')).json()).toMatchObject({ role: 'standby' });
    role = { role: 'active', engineId, term: 2 };
    expect(await (await h.call('/healthz')).json()).toMatchObject({ role: 'active', leaseTerm: 2 });
    const metrics = await (await h.call('/metrics')).text();
    expect(sample(metrics, 'spartan_monitor_engine_role{role="active"}')).toBe(1);
  });

  it('a standby answers reads but refuses writes with 503, naming the active agent', async () => {
    const h = await harness(() => standby);
    expect((await h.call('/monitor/status')).status).toBe(200);
    expect((await h.call('/monitor/incidents')).status).toBe(200);
    const heal = await h.post('/monitor/heal/web', { reason: 'try it' }, token);
    expect(heal.status).toBe(503);
    expect(await heal.json()).toMatchObject({
      error: {
        code: 'unavailable',
        message: 'this agent is a standby: pid 4242 on edge-1 acts on the Docker engine; send writes to it',
      },
    });
    expect(h.runtime.callsOf('restart')).toHaveLength(0);
  });

  it('without a role (an agent embedded with no lease) it is active', async () => {
    const h = await startApiHarness();
    harnesses.push(h);
    expect(await (await h.call('/healthz')).json()).toMatchObject({
      role: 'active',
      engineId: null,
      leaseTerm: null,
    });
  });
});
