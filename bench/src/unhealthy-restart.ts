import type { BenchContainers } from './bench-containers.js';
import type { EventLog } from './event-log.js';
import type { HealingResults } from './healing-results.js';
import type { TimedRuntime } from './timed-runtime.js';
import { wallClockMs } from './wall-clock.js';

export interface UnhealthyRestartResult {
  /** Restart call - `health_status: unhealthy` yielded to the agent: the agent's own overhead. */
  readonly agentOverheadMs: number[];
  /** Restart call - the daemon's time of the `health_status: unhealthy` event. */
  readonly daemonEventToRestartMs: number[];
  /** Restart call - the moment the app was switched to failing (includes Docker's healthcheck interval). */
  readonly flipToRestartMs: number[];
  readonly errors: string[];
}

export const healthcheckIntervalMs = 500;
const timeoutMs = 20_000;

/**
 * Each sample is a fresh container with a Docker HEALTHCHECK (every 500 ms, unhealthy after one
 * failure). Once Docker says healthy, the app is switched to failing through its control endpoint
 * on 127.0.0.1, and the agent's restart call is timed against the `health_status` event.
 */
export async function measureUnhealthyRestart(options: {
  readonly samples: number;
  readonly names: readonly string[];
  readonly containers: BenchContainers;
  readonly timed: TimedRuntime;
  readonly healing: HealingResults;
  readonly events: EventLog;
  readonly progress: (line: string) => void;
}): Promise<UnhealthyRestartResult> {
  const result: UnhealthyRestartResult = {
    agentOverheadMs: [],
    daemonEventToRestartMs: [],
    flipToRestartMs: [],
    errors: [],
  };
  for (let index = 0; index < options.samples; index++) {
    try {
      const startedAt = wallClockMs();
      const container = await options.containers.start({
        name: options.names[index]!,
        healthcheckIntervalMs,
        publishHttp: true,
      });
      try {
        await options.events.waitFor({
          containerId: container.id,
          after: startedAt - 1000,
          matches: (event) => event.action === 'health_status' && event.healthStatus === 'healthy',
          timeoutMs,
          what: 'health_status: healthy',
        });
        const flippedAt = wallClockMs();
        const response = await fetch(container.url('/control/fail'), { signal: AbortSignal.timeout(5_000) });
        await response.body?.cancel();
        if (response.status !== 200) throw new Error(`/control/fail answered ${response.status}`);
        const restart = await options.timed.nextRestart({
          containerId: container.id,
          after: flippedAt,
          timeoutMs,
        });
        const received = options.timed.lastReceived({
          containerId: container.id,
          before: restart.calledAt,
          matches: (mark) => mark.action === 'health_status' && mark.healthStatus === 'unhealthy',
        });
        if (!received) throw new Error(`the agent restarted ${container.name} without an unhealthy event`);
        result.agentOverheadMs.push(restart.calledAt - received.receivedAt);
        result.daemonEventToRestartMs.push(restart.calledAt - received.daemonAt);
        result.flipToRestartMs.push(restart.calledAt - flippedAt);
        await options.healing.settled(container.name);
      } finally {
        await options.containers.remove(container);
      }
    } catch (error) {
      result.errors.push(error instanceof Error ? error.message : String(error));
    }
    options.progress(`unhealthy ${index + 1}/${options.samples}`);
  }
  return result;
}
