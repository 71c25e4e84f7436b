import type { BenchContainers } from './bench-containers.js';
import type { EventLog } from './event-log.js';
import type { HealingResults } from './healing-results.js';
import type { TimedRuntime } from './timed-runtime.js';
import { wallClockMs } from './wall-clock.js';

export interface CrashRecoveryResult {
  /** Restart call - `die` event yielded to the agent: the agent's own overhead. */
  readonly agentOverheadMs: number[];
  /** Restart call - the daemon's time of the `die` (event delivery included). */
  readonly daemonDieToRestartMs: number[];
  /** `die` -> next `start`, both daemon times, with the agent healing. */
  readonly agentRecoveryMs: number[];
  /** `die` -> next `start`, both daemon times, with Docker's `on-failure` policy healing. */
  readonly policyRecoveryMs: number[];
  readonly errors: string[];
}

const crash = { exitAfterSeconds: 1, exitCode: 1 } as const;
const timeoutMs = 20_000;

/**
 * Each sample is a fresh container that exits with code 1 one second after it starts (a crash:
 * no `docker kill`, which the agent rightly treats as an operator's stop). Agent and Docker's
 * restart policy alternate, one pair per sample, so both see the same machine load.
 */
export async function measureCrashRecovery(options: {
  readonly samples: number;
  readonly agentNames: readonly string[];
  readonly policyName: (index: number) => string;
  readonly containers: BenchContainers;
  readonly timed: TimedRuntime;
  readonly healing: HealingResults;
  readonly events: EventLog;
  readonly progress: (line: string) => void;
}): Promise<CrashRecoveryResult> {
  const result: CrashRecoveryResult = {
    agentOverheadMs: [],
    daemonDieToRestartMs: [],
    agentRecoveryMs: [],
    policyRecoveryMs: [],
    errors: [],
  };

  const agentSample = async (index: number) => {
    const startedAt = wallClockMs();
    const container = await options.containers.start({ name: options.agentNames[index]!, behaviour: crash });
    try {
      const die = await options.events.waitFor({
        containerId: container.id,
        after: startedAt - 1000,
        matches: (event) => event.action === 'die',
        timeoutMs,
        what: 'die',
      });
      const restart = await options.timed.nextRestart({
        containerId: container.id,
        after: startedAt,
        timeoutMs,
      });
      const received = options.timed.lastReceived({
        containerId: container.id,
        before: restart.calledAt,
        matches: (mark) => mark.action === 'die',
      });
      if (!received)
        throw new Error(`the agent restarted ${container.name} without having received its die event`);
      const restarted = await options.events.waitFor({
        containerId: container.id,
        after: die.daemonAt,
        matches: (event) => event.action === 'start',
        timeoutMs,
        what: 'start after the restart',
      });
      result.agentOverheadMs.push(restart.calledAt - received.receivedAt);
      result.daemonDieToRestartMs.push(restart.calledAt - received.daemonAt);
      result.agentRecoveryMs.push(restarted.daemonAt - die.daemonAt);
      await options.healing.settled(container.name);
    } finally {
      await options.containers.remove(container);
    }
  };

  const policySample = async (index: number) => {
    const startedAt = wallClockMs();
    const container = await options.containers.start({
      name: options.policyName(index),
      behaviour: crash,
      restartPolicy: 'on-failure',
      // Belt and braces: not in the agent's listed set, and opted out by label.
      labels: { 'website-monitor.enable': 'false' },
    });
    try {
      const die = await options.events.waitFor({
        containerId: container.id,
        after: startedAt - 1000,
        matches: (event) => event.action === 'die',
        timeoutMs,
        what: 'die',
      });
      const restarted = await options.events.waitFor({
        containerId: container.id,
        after: die.daemonAt,
        matches: (event) => event.action === 'start',
        timeoutMs,
        what: 'start by the restart policy',
      });
      result.policyRecoveryMs.push(restarted.daemonAt - die.daemonAt);
    } finally {
      await options.containers.remove(container);
    }
  };

  for (let index = 0; index < options.samples; index++) {
    // Alternate which goes first, so neither always runs right after a removal.
    const pair = index % 2 === 0 ? [agentSample, policySample] : [policySample, agentSample];
    for (const sample of pair) {
      try {
        await sample(index);
      } catch (error) {
        result.errors.push(error instanceof Error ? error.message : String(error));
      }
    }
    options.progress(`crash ${index + 1}/${options.samples}`);
  }
  return result;
}
