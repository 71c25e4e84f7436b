import { parseMonitorConfig, WebsiteMonitorAgent } from '@website-monitor/core';
import {
  FakeClock,
  FakeContainerRuntime,
  FakeHttpProber,
  MemoryLogger,
  MemoryStore,
} from '@website-monitor/core/testing';

export interface RestartAfterCrash {
  readonly restarts: number;
  readonly trigger: string | undefined;
  readonly status: string | undefined;
}

/**
 * What a user of the published fakes does first: start an agent on a simulated engine, crash a
 * container, and see the agent restart it and resolve the incident.
 */
export async function restartAfterCrash(): Promise<RestartAfterCrash> {
  const clock = new FakeClock();
  const runtime = new FakeContainerRuntime({ clock });
  const store = new MemoryStore();
  runtime.addContainer({ name: 'web' });
  const agent = new WebsiteMonitorAgent({
    config: parseMonitorConfig({ text: 'monitoring:\n  containers:\n    - name: web\n', env: {} }),
    runtime,
    prober: new FakeHttpProber(),
    store,
    logger: new MemoryLogger(),
    clock,
    random: () => 0.5,
  });
  await agent.start();
  try {
    runtime.crash('web', { exitCode: 1 });
    await agent.idle();
    await clock.advance(30_000);
    await agent.idle();
    const [incident] = await store.listIncidents({ containerName: 'web' });
    return {
      restarts: runtime.callsOf('restart').length,
      trigger: incident?.trigger,
      status: incident?.status,
    };
  } finally {
    await agent.stop();
  }
}

/** Throws unless the agent restarted the crashed container once and resolved its incident. */
export function assertRestarted(result: RestartAfterCrash): void {
  if (result.restarts !== 1 || result.status !== 'resolved') {
    throw new Error(`expected one restart and a resolved incident, got ${JSON.stringify(result)}`);
  }
}
