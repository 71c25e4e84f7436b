import { describe, expect, it } from 'vitest';
import { parseMonitorConfig } from '../config/parse-monitor-config.js';
import {
  FakeClock,
  FakeContainerRuntime,
  FakeHttpProber,
  MemoryLogger,
  MemoryStore,
} from '../testing/index.js';
import { WebsiteMonitorAgent } from './website-monitor-agent.js';

describe('engine calls cut short by stop', () => {
  it('is no error: stopping while the engine lists containers logs no full_pass_failed', async () => {
    const clock = new FakeClock();
    const runtime = new FakeContainerRuntime({ clock });
    const logger = new MemoryLogger();
    runtime.addContainer({ name: 'web' });
    const agent = new WebsiteMonitorAgent({
      config: parseMonitorConfig({ text: 'monitoring:\n  interval_seconds: 10\n', env: {} }),
      runtime,
      store: new MemoryStore(),
      logger,
      prober: new FakeHttpProber(),
      clock,
      random: () => 0.5,
    });
    await agent.start();
    // The next list hangs, then fails the way the Docker adapter's does once stop aborts it.
    let failList: (error: Error) => void = () => {};
    runtime.respond('list', () => new Promise((_, reject) => (failList = reject)));
    await clock.advance(10_000);
    const stopping = agent.stop({ timeoutMs: 1_000 });
    failList(new Error('This operation was aborted'));
    await stopping;

    expect(logger.find('full_pass_failed')).toEqual([]);
    expect(logger.entries.filter((entry) => entry.level === 'error')).toEqual([]);
  });

  it('an inspect under way when the agent stops is no inspect_failed', async () => {
    const clock = new FakeClock();
    const runtime = new FakeContainerRuntime({ clock });
    const logger = new MemoryLogger();
    runtime.addContainer({ name: 'web' });
    const agent = new WebsiteMonitorAgent({
      config: parseMonitorConfig({ text: 'monitoring:\n  interval_seconds: 10\n', env: {} }),
      runtime,
      store: new MemoryStore(),
      logger,
      prober: new FakeHttpProber(),
      clock,
      random: () => 0.5,
    });
    await agent.start();
    let failInspect: (error: Error) => void = () => {};
    let inspecting = false;
    runtime.respond('inspect', () => {
      inspecting = true;
      return new Promise((_, reject) => (failInspect = reject));
    });
    await clock.advance(10_000);
    expect(inspecting).toBe(true);
    const stopping = agent.stop({ timeoutMs: 1_000 });
    failInspect(new Error('This operation was aborted'));
    await stopping;

    expect(logger.find('inspect_failed')).toEqual([]);
  });
});
