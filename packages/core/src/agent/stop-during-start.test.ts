import { describe, expect, it } from 'vitest';
import { parseMonitorConfig } from '../config/parse-monitor-config.js';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import {
  FakeClock,
  FakeContainerRuntime,
  FakeHttpProber,
  MemoryLogger,
  MemoryStore,
} from '../testing/index.js';
import { WebsiteMonitorAgent } from './website-monitor-agent.js';

describe('stop during start', () => {
  it('ends the start as well when the engine has not answered yet (Ctrl-C right after launch)', async () => {
    const clock = new FakeClock();
    const fake = new FakeContainerRuntime({ clock });
    // An engine that has not answered its first ping yet; the ping fails when its signal aborts,
    // as the Docker adapter's does.
    const silentPing: ContainerRuntime['ping'] = (options) =>
      new Promise((_, reject) => {
        options?.signal?.addEventListener('abort', () => reject(new Error('This operation was aborted')), {
          once: true,
        });
      });
    const runtime = new Proxy(fake, {
      get(target, property) {
        if (property === 'ping') return silentPing;
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as ContainerRuntime;
    const logger = new MemoryLogger();
    const agent = new WebsiteMonitorAgent({
      config: parseMonitorConfig({ text: '', env: {} }),
      runtime,
      store: new MemoryStore(),
      logger,
      prober: new FakeHttpProber(),
      clock,
      random: () => 0.5,
    });
    let startSettled = false;
    const starting = agent.start().then(() => {
      startSettled = true;
    });
    while (logger.find('agent_started').length === 0) await new Promise((resolve) => setImmediate(resolve));

    await agent.stop({ timeoutMs: 100 });
    await Promise.race([starting, new Promise((resolve) => setTimeout(resolve, 1_000))]);

    expect(startSettled).toBe(true);
    expect(logger.events()).toContain('agent_stopped');
  });
});
