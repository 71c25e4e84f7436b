import { parseMonitorConfig, WebsiteMonitorAgent } from '@website-monitor/core';
import { FakeClock, FakeContainerRuntime, FakeHttpProber, MemoryStore } from '@website-monitor/core/testing';
import { describe, expect, it } from 'vitest';
import { createReloadProcessStrategy } from './reload-process-strategy.js';

const config = (dryRun: boolean) =>
  parseMonitorConfig({
    env: {},
    knownActions: ['reload_process'],
    text: `
monitoring:
  defaults: { check_interval_seconds: 1, start_period_seconds: 0, failure_threshold: 2 }
  containers:
    - name: web
      health_endpoint: http://127.0.0.1:8080/health
healing:
  dry_run: ${dryRun}
  auto_fix_actions: [reload_process, restart_container]
  strategies:
    http_failed:
      - action: reload_process
      - action: restart_container
`,
  });

describe('the reload_process plugin', () => {
  it('is tried before a restart and, when it fixes the endpoint, no restart happens', async () => {
    const clock = new FakeClock();
    const runtime = new FakeContainerRuntime({ clock });
    const prober = new FakeHttpProber();
    const store = new MemoryStore();
    runtime.addContainer({ name: 'web' });
    let healthy = true;
    prober.respond('http://127.0.0.1:8080/health', () => ({ status: healthy ? 200 : 503 }));
    runtime.respond('exec', ({ argv }) => {
      healthy = true; // the reload fixed it
      return { exitCode: 0, output: argv.join(' ') };
    });
    const agent = new WebsiteMonitorAgent({
      config: config(false),
      runtime,
      prober,
      store,
      clock,
      strategies: [createReloadProcessStrategy()],
    });
    await agent.start();
    healthy = false;
    // Seen failing, reloaded, then healthy for 10 s (healing.resolve_after_seconds) before resolved.
    for (let second = 0; second < 15; second++) {
      await clock.advance(1_000);
      await agent.idle();
    }
    await agent.stop();

    expect(runtime.callsOf('exec').map((call) => (call.args as { argv: string[] }).argv)).toEqual([
      ['kill', '-HUP', '1'],
    ]);
    expect(runtime.callsOf('restart')).toHaveLength(0);
    const [incident] = await store.listIncidents({});
    expect(incident).toMatchObject({
      trigger: 'http_failed',
      status: 'resolved',
      autoHealed: true,
      actionsTaken: ['reload_process'],
    });
  });

  it('is refused by the config check unless the plugin name is made known', () => {
    expect(() =>
      parseMonitorConfig({ env: {}, text: 'healing:\n  auto_fix_actions: [reload_process]\n' }),
    ).toThrow(/reload_process/);
  });
});
