import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerRuntime, WebsiteMonitorAgent } from '@website-monitor/core';
import type { BenchContainer } from './bench-containers.js';
import { wallClockMs } from './wall-clock.js';

export interface FullPassResult {
  /** `agent.checkAll()`: list, inspect and HTTP probe of every watched container, to all verdicts. */
  readonly agentPassMs: number[];
  /** A naive sequential loop: inspect + GET /health, one container after the other. */
  readonly baselinePassMs: number[];
  readonly errors: string[];
  /** Sampling stopped at the time budget before reaching the requested sample count. */
  cutShort: boolean;
}

/** Lets the stats readings a pass leaves in flight finish, so they do not load the next sample. */
const settleMs = 1000;

/**
 * Agent pass and baseline loop alternate over the same containers; one warm-up of each is not
 * counted. Every agent pass must come back with one healthy verdict per container, and every
 * baseline probe must answer 200, or the sample is an error, not a number.
 */
export async function measureFullPass(options: {
  readonly samples: number;
  readonly agent: WebsiteMonitorAgent;
  readonly runtime: ContainerRuntime;
  readonly web: readonly BenchContainer[];
  /** Stop taking samples after this long, so a slow agent cannot make the bench run for an hour. */
  readonly budgetMs: number;
  readonly progress: (line: string) => void;
}): Promise<FullPassResult> {
  const result: FullPassResult = { agentPassMs: [], baselinePassMs: [], errors: [], cutShort: false };
  const deadline = wallClockMs() + options.budgetMs;
  const names = new Set(options.web.map((container) => container.name));

  const agentPass = async (): Promise<number> => {
    const started = wallClockMs();
    const verdicts = await options.agent.checkAll();
    const elapsed = wallClockMs() - started;
    const healthy = verdicts.filter((verdict) => names.has(verdict.containerName) && verdict.healthy).length;
    if (healthy !== names.size) {
      const other = verdicts.find((verdict) => names.has(verdict.containerName) && !verdict.healthy);
      throw new Error(
        `agent pass: ${healthy}/${names.size} healthy verdicts${other ? ` (e.g. ${other.containerName}: ${other.status})` : ''}`,
      );
    }
    await options.agent.idle();
    return elapsed;
  };

  const baselinePass = async (): Promise<number> => {
    const started = wallClockMs();
    for (const container of options.web) {
      await options.runtime.inspect({ id: container.id });
      const response = await fetch(container.url('/health'), { signal: AbortSignal.timeout(10_000) });
      await response.text();
      if (response.status !== 200) throw new Error(`baseline: ${container.name} answered ${response.status}`);
    }
    return wallClockMs() - started;
  };

  await agentPass();
  await sleep(settleMs);
  await baselinePass();
  for (let index = 0; index < options.samples; index++) {
    if (wallClockMs() > deadline) {
      result.cutShort = true;
      break;
    }
    const pair =
      index % 2 === 0
        ? ([
            [agentPass, result.agentPassMs],
            [baselinePass, result.baselinePassMs],
          ] as const)
        : ([
            [baselinePass, result.baselinePassMs],
            [agentPass, result.agentPassMs],
          ] as const);
    for (const [pass, samples] of pair) {
      try {
        samples.push(await pass());
      } catch (error) {
        result.errors.push(error instanceof Error ? error.message : String(error));
      }
      await sleep(settleMs);
    }
    options.progress(`full pass ${index + 1}/${options.samples}`);
  }
  return result;
}
