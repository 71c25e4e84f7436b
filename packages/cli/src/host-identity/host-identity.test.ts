import { type HostReport, MonitorError } from '@website-monitor/core';
import { FakeClock, FakeContainerRuntime, MemoryLogger, MemoryStore } from '@website-monitor/core/testing';
import { describe, expect, it } from 'vitest';
import { checkHostClaim, chooseHostName, needsEngineName, readEngineInfo } from './host-identity.js';

const engine = { id: 'AAAA:1111', name: 'docker-a', serverVersion: '20.10.24' };
const now = Date.UTC(2026, 11, 4, 12);

function report(overrides: Partial<HostReport> = {}): HostReport {
  return {
    host: 'web-1',
    engineId: 'BBBB:2222',
    engineName: 'docker-b',
    agentVersion: '1.0.0',
    role: 'active',
    startedAt: now - 3_600_000,
    lastSeenAt: now - 10_000,
    containers: 2,
    unhealthy: 0,
    openIncidents: 0,
    ...overrides,
  };
}

describe('chooseHostName: WEBSITE_MONITOR_HOST, then host:, then the engine name, then local', () => {
  it('takes each in precedence order', () => {
    expect(
      chooseHostName({ env: { WEBSITE_MONITOR_HOST: ' env-host ' }, config: { host: 'cfg' }, engine }),
    ).toEqual({
      host: 'env-host',
      source: 'env',
    });
    expect(chooseHostName({ env: { WEBSITE_MONITOR_HOST: '  ' }, config: { host: 'cfg' }, engine })).toEqual({
      host: 'cfg',
      source: 'config',
    });
    expect(chooseHostName({ env: {}, config: {}, engine })).toEqual({ host: 'docker-a', source: 'engine' });
    expect(chooseHostName({ env: {}, config: {}, engine: undefined })).toEqual({
      host: 'local',
      source: 'default',
    });
    expect(needsEngineName({}, {})).toBe(true);
    expect(needsEngineName({ WEBSITE_MONITOR_HOST: 'x' }, {})).toBe(false);
    expect(needsEngineName({}, { host: 'x' })).toBe(false);
  });

  it('refuses a bad WEBSITE_MONITOR_HOST as a usage error naming the variable', () => {
    for (const value of ['*', 'x'.repeat(254), 'a\u0001b']) {
      let caught: unknown;
      try {
        chooseHostName({ env: { WEBSITE_MONITOR_HOST: value }, config: {}, engine });
      } catch (error) {
        caught = error;
      }
      expect(MonitorError.isInstance(caught) && caught.code === 'usage', value).toBe(true);
      expect((caught as Error).message).toMatch(/^WEBSITE_MONITOR_HOST: /);
    }
  });
});

describe('readEngineInfo', () => {
  it('is undefined for a runtime that cannot name its engine', async () => {
    const clock = new FakeClock();
    const runtime = new FakeContainerRuntime({ clock });
    const info = await readEngineInfo({
      runtime,
      signal: new AbortController().signal,
      clock,
      logger: new MemoryLogger(),
    });
    expect(info).toBeUndefined();
  });

  it('asks the engine', async () => {
    const clock = new FakeClock();
    const runtime = Object.assign(new FakeContainerRuntime({ clock }), { info: async () => engine });
    expect(
      await readEngineInfo({
        runtime,
        signal: new AbortController().signal,
        clock,
        logger: new MemoryLogger(),
      }),
    ).toEqual(engine);
  });
});

describe('checkHostClaim: one engine per host name', () => {
  const claim = async (store: MemoryStore, overrides: { host?: string; intervalSeconds?: number } = {}) =>
    checkHostClaim({
      store,
      host: overrides.host ?? 'web-1',
      engine,
      now,
      intervalSeconds: overrides.intervalSeconds ?? 15,
    });

  it('refuses a name another engine reported under recently, naming both engine IDs', async () => {
    const store = new MemoryStore();
    await store.saveHostReport({ report: report() });
    const result = await claim(store);
    expect(result.kind).toBe('conflict');
    const message = result.kind === 'conflict' ? result.message : '';
    expect(message).toContain('BBBB:2222');
    expect(message).toContain('AAAA:1111');
    expect(message).toContain('host "web-1"');
    expect(message).toContain('WEBSITE_MONITOR_HOST');
  });

  it('accepts the same engine (a restart, a standby pair), a stale report, or a free name', async () => {
    const store = new MemoryStore();
    await store.saveHostReport({ report: report({ host: 'same', engineId: engine.id }) });
    await store.saveHostReport({ report: report({ host: 'stale', lastSeenAt: now - 46_000 }) });
    expect(await claim(store, { host: 'same' })).toEqual({ kind: 'ok' });
    // 46 s > 3 x 15 s: the other engine stopped reporting.
    expect(await claim(store, { host: 'stale' })).toEqual({ kind: 'ok' });
    // ... but not with a longer interval of this agent's.
    expect((await claim(store, { host: 'stale', intervalSeconds: 20 })).kind).toBe('conflict');
    expect(await claim(store, { host: 'free' })).toEqual({ kind: 'ok' });
  });

  it('says once that rows under "local" stay there when the agent now records under another name', async () => {
    const store = new MemoryStore();
    await store.saveIncident({
      incident: {
        id: 'old',
        host: 'local',
        containerId: 'c1',
        containerName: 'web',
        openedAt: now - 86_400_000,
        trigger: 'crash',
        status: 'resolved',
        problems: [],
        actionsTaken: [],
        autoHealed: true,
        updatedAt: now - 86_000_000,
      } as never,
    });
    const first = await claim(store, { host: 'docker-a' });
    expect(first.kind === 'ok' ? first.notice : undefined).toContain('host: local');
    // Once this host has reported, it is not said again.
    await store.saveHostReport({ report: report({ host: 'docker-a', engineId: engine.id }) });
    expect(await claim(store, { host: 'docker-a' })).toEqual({ kind: 'ok' });
    // Recording under local itself: nothing to say.
    expect(await claim(store, { host: 'local' })).toEqual({ kind: 'ok' });
  });

  it('is unknown (not a refusal) when the store does not answer', async () => {
    const store = new MemoryStore();
    await store.close();
    expect((await claim(store)).kind).toBe('unknown');
  });
});
