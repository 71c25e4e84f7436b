import { afterEach, describe, expect, it } from 'vitest';
import { parseMonitorConfig } from '../config/parse-monitor-config.js';
import {
  FakeClock,
  FakeContainerRuntime,
  FakeHttpProber,
  MemoryLogger,
  MemoryStore,
} from '../testing/index.js';
import { WebsiteMonitorAgent } from './website-monitor-agent.js';

const agents: WebsiteMonitorAgent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
});

const compose = (service: string, workingDir: string, dependsOn?: string) => ({
  'com.docker.compose.project': 'shop',
  'com.docker.compose.service': service,
  'com.docker.compose.project.working_dir': workingDir,
  'com.docker.compose.project.config_files': `${workingDir}/compose.yaml`,
  ...(dependsOn === undefined ? {} : { 'com.docker.compose.depends_on': dependsOn }),
});

describe("a stranger with a Compose project's labels (issue 10, item 2)", () => {
  it('does not hold the project\'s crashing app in "wait for dependency"', async () => {
    const clock = new FakeClock();
    const runtime = new FakeContainerRuntime({ clock });
    const logger = new MemoryLogger();
    const agent = new WebsiteMonitorAgent({
      config: parseMonitorConfig({ text: 'healing:\n  dependency_wait_seconds: 600\n', env: {} }),
      runtime,
      store: new MemoryStore(),
      logger,
      prober: new FakeHttpProber(),
      clock,
      random: () => 0.5,
    });
    agents.push(agent);
    runtime.addContainer({ name: 'shop-db-1', labels: compose('db', '/srv/shop') });
    runtime.addContainer({
      name: 'shop-web-1',
      labels: compose('web', '/srv/shop', 'db:service_healthy:false'),
    });
    // Never healthy, and never healed by us: were it taken for the db, the app would wait 600 s.
    runtime.addContainer({
      name: 'stranger',
      health: 'unhealthy',
      labels: { ...compose('db', '/home/mallory'), 'website-monitor.auto_restart': 'false' },
    });
    await agent.start();
    await agent.idle();
    // Past the start period: the real db is healthy.
    await clock.advance(10_000);
    await agent.idle();

    runtime.crash('shop-web-1', { exitCode: 1 });
    await agent.idle();
    await clock.advance(1_000);
    await agent.idle();

    const restarted = runtime.callsOf('restart').map((call) => (call.args as { id: string }).id);
    expect(restarted).toContain(runtime.idOf('shop-web-1'));
    const waits = logger
      .find('healing_decision')
      .filter((entry) => entry.fields.container === 'shop-web-1' && entry.fields.decision === 'wait');
    expect(waits).toEqual([]);
  });
});
