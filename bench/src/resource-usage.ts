import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuPercentPerInterval, type ProcSample, readProcSample } from './proc-sampler.js';
import { wallClockMs } from './wall-clock.js';

export interface ProcessUsage {
  /** CPU in percent of one core, one value per second. */
  readonly cpuPercent: number[];
  /** CPU seconds used over the whole window. */
  readonly cpuSeconds: number;
  readonly rssMb: number[];
}

export interface ResourceUsageResult {
  readonly seconds: number;
  readonly agentStartMs: number;
  readonly agent: ProcessUsage;
  readonly baseline: ProcessUsage;
}

/** Children still running, for the bench's SIGINT handler. */
export const runningChildren = new Set<ChildProcess>();

/**
 * The agent in its own process next to a bare Node process (`setInterval` and nothing else),
 * both sampled from /proc once a second over the same window, after the agent's first pass.
 */
export async function measureResourceUsage(options: {
  readonly agentScript: string;
  readonly agentConfig: string;
  readonly seconds: number;
  readonly progress: (line: string) => void;
}): Promise<ResourceUsageResult> {
  const agent = spawn(process.execPath, [options.agentScript], {
    env: { ...process.env, BENCH_AGENT_CONFIG: options.agentConfig },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const baseline = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  runningChildren.add(agent);
  runningChildren.add(baseline);
  try {
    const agentStartMs = await waitForReady(agent, 60_000);
    const agentSamples: ProcSample[] = [];
    const baselineSamples: ProcSample[] = [];
    const startedAt = wallClockMs();
    for (let second = 0; second <= options.seconds; second++) {
      // Sleep to the next whole second of the window, so sampling drift does not add up.
      await sleep(Math.max(0, startedAt + second * 1000 - wallClockMs()));
      const at = wallClockMs();
      if (agent.exitCode !== null) throw new Error(`the agent process exited with code ${agent.exitCode}`);
      agentSamples.push(readProcSample(agent.pid!, at));
      baselineSamples.push(readProcSample(baseline.pid!, at));
      if (second > 0 && second % 10 === 0) options.progress(`resources ${second}/${options.seconds} s`);
    }
    return {
      seconds: options.seconds,
      agentStartMs,
      agent: usageOf(agentSamples),
      baseline: usageOf(baselineSamples),
    };
  } finally {
    await stopChild(agent);
    await stopChild(baseline);
  }
}

function usageOf(samples: readonly ProcSample[]): ProcessUsage {
  return {
    cpuPercent: cpuPercentPerInterval(samples),
    cpuSeconds: samples.at(-1)!.cpuSeconds - samples[0]!.cpuSeconds,
    rssMb: samples.map((sample) => sample.rssMb),
  };
}

function waitForReady(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`the agent process was not ready within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      output += chunk;
      const ready = /^ready (\d+)$/m.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve(Number(ready[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the agent process exited with code ${code} before it was ready`));
    });
  });
}

/** SIGTERM, then SIGKILL if it has not exited within 5 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  runningChildren.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
