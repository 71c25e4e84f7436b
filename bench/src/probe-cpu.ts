import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ProcSample, readProcSample } from './proc-sampler.js';
import {
  commandLineOf,
  type ProcessUsage,
  runningChildren,
  startAgent,
  stopChild,
  usageOf,
  waitForReady,
} from './resource-usage.js';
import { wallClockMs } from './wall-clock.js';

export interface ProbeCpuResult {
  readonly seconds: number;
  /** The agent at the new defaults: probe every 3 s, inspect and stats every 10 s. */
  readonly agent: ProcessUsage;
  /** The agent at the old defaults: probe, inspect and stats together every 10 s. */
  readonly oldDefaults: ProcessUsage;
  readonly agentCommandLine: string;
}

/**
 * The CPU cost of the shorter probe period: two agent processes started the way a user starts
 * them (the staged CLI's launcher), over the same containers, at the same time, sampled from /proc
 * once a second over the same window: one at the new defaults, one with the old probe settings
 * (`probe_interval_seconds: 10`, `confirm_interval_seconds: 10`, i.e. one full check per 10 s).
 * Started together, they probe the same endpoints and share the machine's load.
 */
export async function measureProbeCpu(options: {
  readonly launcher: string;
  /** The config file's text for the new defaults, and for the old ones. */
  readonly agentConfig: string;
  readonly oldDefaultsConfig: string;
  readonly seconds: number;
  readonly progress: (line: string) => void;
}): Promise<ProbeCpuResult> {
  const folders: string[] = [];
  const agent = startAgent(
    { launcher: options.launcher, agentConfig: options.agentConfig },
    folders,
    undefined,
  );
  const oldDefaults = startAgent(
    { launcher: options.launcher, agentConfig: options.oldDefaultsConfig },
    folders,
    undefined,
  );
  try {
    await Promise.all([waitForReady(agent, 60_000), waitForReady(oldDefaults, 60_000)]);
    const agentCommandLine = commandLineOf(agent);
    const agentSamples: ProcSample[] = [];
    const oldSamples: ProcSample[] = [];
    const startedAt = wallClockMs();
    for (let second = 0; second <= options.seconds; second++) {
      await sleep(Math.max(0, startedAt + second * 1000 - wallClockMs()));
      const at = wallClockMs();
      for (const child of [agent, oldDefaults]) {
        if (child.exitCode !== null) throw new Error(`an agent process exited with code ${child.exitCode}`);
      }
      agentSamples.push(readProcSample(agent.pid!, at));
      oldSamples.push(readProcSample(oldDefaults.pid!, at));
      if (second > 0 && second % 10 === 0) options.progress(`probe CPU ${second}/${options.seconds} s`);
    }
    return {
      seconds: options.seconds,
      agent: usageOf(agentSamples),
      oldDefaults: usageOf(oldSamples),
      agentCommandLine,
    };
  } finally {
    await Promise.all([stopChild(agent), stopChild(oldDefaults)]);
    for (const child of [agent, oldDefaults]) runningChildren.delete(child);
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  }
}
