import { afterEach, describe, expect, it } from 'vitest';
import { parseMonitorConfig } from '../config/parse-monitor-config.js';
import { FakeClock } from '../testing/fake-clock.js';
import { FakeContainerRuntime } from '../testing/fake-container-runtime.js';
import { FakeHttpProber } from '../testing/fake-http-prober.js';
import { MemoryStore } from '../testing/memory-store.js';
import { WebsiteMonitorAgent } from './website-monitor-agent.js';

const agents: WebsiteMonitorAgent[] = [];
afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.stop();
});

describe("the agent's host report (issue 12, item 1)", () => {
  it('is written at start and every hosts.report_interval, with the engine, counts and last seen', async () => {
    const clock = new FakeClock({ start: Date.UTC(2026, 11, 4, 12) });
    const runtime = new FakeContainerRuntime({ clock });
    runtime.addContainer({ name: 'web' });
    runtime.addContainer({ name: 'db' });
    const store = new MemoryStore();
    const agent = new WebsiteMonitorAgent({
      config: parseMonitorConfig({
        text: 'hosts:\n  report_interval: 5\nhealing:\n  auto_heal_enabled: false\n',
        env: {},
      }),
      runtime,
      store,
      clock,
      prober: new FakeHttpProber(),
      host: 'web-1',
      engine: { id: 'ENGINE:1', name: 'docker-web-1', serverVersion: '20.10.24' },
      agentVersion: '1.2.3',
    });
    agents.push(agent);
    const startedAt = clock.now();
    await agent.start();
    await agent.idle();
    expect(await store.listHosts()).toEqual([
      {
        host: 'web-1',
        engineId: 'ENGINE:1',
        engineName: 'docker-web-1',
        agentVersion: '1.2.3',
        role: 'active',
        startedAt,
        lastSeenAt: startedAt,
        containers: 2,
        unhealthy: 0,
        openIncidents: 0,
      },
    ]);

    runtime.crash('db', { exitCode: 1 });
    await agent.idle();
    await clock.advance(5_000);
    await agent.idle();
    const [report] = await store.listHosts();
    expect(report).toMatchObject({
      startedAt,
      lastSeenAt: startedAt + 5_000,
      containers: 2,
      unhealthy: 1,
      openIncidents: 1,
    });
  });

  it('without an engine, records null engine fields and the version as unknown', async () => {
    const clock = new FakeClock();
    const runtime = new FakeContainerRuntime({ clock });
    const store = new MemoryStore();
    const agent = new WebsiteMonitorAgent({
      config: parseMonitorConfig({ text: '', env: {} }),
      runtime,
      store,
      clock,
      prober: new FakeHttpProber(),
    });
    agents.push(agent);
    await agent.start();
    await agent.idle();
    expect(await store.listHosts()).toMatchObject([
      { host: 'local', engineId: null, engineName: null, agentVersion: 'unknown', containers: 0 },
    ]);
  });
});
