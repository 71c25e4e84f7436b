import { type MonitorConfig, parseMonitorConfig, WebsiteMonitorAgent } from '@website-monitor/core';
import {
  FakeClock,
  FakeContainerRuntime,
  FakeHttpProber,
  MemoryLogger,
  MemoryStore,
  RecordingNotifier,
} from '@website-monitor/core/testing';

/**
 * Everything a test needs to drive the agent without Docker: a simulated engine, a clock that
 * moves only when told, scripted HTTP answers, and stores/loggers that keep what happened.
 */
export function createHarness(yaml: string) {
  const clock = new FakeClock();
  const runtime = new FakeContainerRuntime({ clock });
  const prober = new FakeHttpProber();
  const store = new MemoryStore();
  const logger = new MemoryLogger();
  const notifier = new RecordingNotifier();
  const config: MonitorConfig = parseMonitorConfig({ text: yaml, env: {} });
  const agent = new WebsiteMonitorAgent({
    config,
    runtime,
    prober,
    store,
    logger,
    notifier,
    clock,
    random: () => 0.5,
  });

  return {
    clock,
    runtime,
    prober,
    store,
    logger,
    notifier,
    agent,
    /** Moves time forward and waits until the agent has acted on everything that happened. */
    async elapse(ms: number): Promise<void> {
      await agent.idle();
      await clock.advance(ms);
      await agent.idle();
    },
  };
}
