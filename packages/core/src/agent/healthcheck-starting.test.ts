import { afterEach, describe, expect, it } from 'vitest';
import { defaultMonitorConfig } from '../config/default-monitor-config.js';
import { FakeClock, FakeContainerRuntime, MemoryLogger, MemoryStore } from '../testing/index.js';
import { WebsiteMonitorAgent } from './website-monitor-agent.js';

const agents: WebsiteMonitorAgent[] = [];

afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
});

describe('a HEALTHCHECK still `starting` after our start period', () => {
  it('waits for its health_status event instead of checking again and again (a busy loop)', async () => {
    const clock = new FakeClock();
    const runtime = new FakeContainerRuntime({ clock });
    const store = new MemoryStore();
    const agent = new WebsiteMonitorAgent({
      config: defaultMonitorConfig(),
      runtime,
      store,
      logger: new MemoryLogger(),
      clock,
      random: () => 0.5,
    });
    agents.push(agent);
    let checks = 0;
    agent.on('check:completed', () => checks++);
    runtime.addContainer({ name: 'web' });
    await agent.start();
    await agent.idle();
    runtime.setDockerHealth('web', 'unhealthy');
    await agent.idle();
    // Restarted: Docker says `starting` until the HEALTHCHECK's first run, 30 s later by default,
    // while the start period (5 s) is long over.
    expect(runtime.callsOf('restart')).toHaveLength(1);
    checks = 0;
    for (let second = 0; second < 25; second++) {
      await clock.advance(1_000);
      await agent.idle();
    }
    // A check per resource reading (every 10 s) and the one at the start period's end: a handful.
    expect(checks).toBeLessThan(10);
    runtime.setDockerHealth('web', 'healthy');
    await agent.idle();
    await clock.advance(11_000);
    await agent.idle();
    // The event brought the check that resolves the incident.
    const [incident] = await store.listIncidents({ containerName: 'web' });
    expect(incident).toMatchObject({ status: 'resolved', autoHealed: true });
  });
});
