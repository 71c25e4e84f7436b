import { afterEach, describe, expect, it } from 'vitest';
import { parseMonitorConfig } from '../config/parse-monitor-config.js';
import { FakeClock, FakeContainerRuntime, MemoryLogger, MemoryStore } from '../testing/index.js';
import { WebsiteMonitorAgent } from './website-monitor-agent.js';

const agents: WebsiteMonitorAgent[] = [];

afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
});

async function restartTimeoutFor(labels: Record<string, string>, yaml = ''): Promise<unknown> {
  const clock = new FakeClock();
  const runtime = new FakeContainerRuntime({ clock });
  const store = new MemoryStore();
  const agent = new WebsiteMonitorAgent({
    config: parseMonitorConfig({ text: `healing:\n  stop_timeout_seconds: 10\n${yaml}`, env: {} }),
    runtime,
    store,
    logger: new MemoryLogger(),
    clock,
    random: () => 0.5,
  });
  agents.push(agent);
  runtime.addContainer({ name: 'app', labels });
  await agent.start();
  await agent.idle();
  runtime.setDockerHealth('app', 'unhealthy');
  await agent.idle();
  const [restart] = runtime.callsOf('restart');
  const [action] = await store.listHealingActions({ containerName: 'app' });
  return {
    timeoutSeconds: (restart?.args as { timeoutSeconds?: number } | undefined)?.timeoutSeconds,
    detail: action?.detail,
  };
}

describe("a container's own stop timeout", () => {
  it("is what its restart waits for, from autoheal's autoheal.stop.timeout label", async () => {
    expect(await restartTimeoutFor({ 'autoheal.stop.timeout': '3' })).toEqual({
      timeoutSeconds: 3,
      detail: expect.stringContaining('stop timeout 3 s'),
    });
  });

  it('is the label website-monitor.stop_timeout_seconds, then the entry, then healing.stop_timeout_seconds', async () => {
    expect(await restartTimeoutFor({ 'website-monitor.stop_timeout_seconds': '0' })).toMatchObject({
      timeoutSeconds: 0,
    });
    const entry = 'monitoring:\n  containers:\n    - name: app\n      stop_timeout_seconds: 25\n';
    expect(await restartTimeoutFor({}, entry)).toMatchObject({ timeoutSeconds: 25 });
    expect(await restartTimeoutFor({})).toMatchObject({ timeoutSeconds: 10 });
  });
});
