import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  /** The agent's command line as the kernel has it (after the launcher re-executed itself, if it did). */
  readonly agentCommandLine: string;
  readonly agent: ProcessUsage;
  /** The same agent, same launcher, with the semi-space size V8 picks by itself here. */
  readonly defaultHeapAgent: ProcessUsage;
  readonly defaultHeapCommandLine: string;
  readonly baseline: ProcessUsage;
}

/** Children still running, for the bench's SIGINT handler. */
export const runningChildren = new Set<ChildProcess>();

/**
 * V8's own maximum semi-space on this machine (Node 24, 23 GiB RAM: measured, the young
 * generation grew to 2 x 64 MB without a flag). Passed explicitly through NODE_OPTIONS, which also
 * makes the launcher leave the choice to the user.
 */
export const v8DefaultSemiSpaceMb = 64;

/**
 * The agent in its own process, twice (as the launcher starts it, and with V8's default young
 * generation), next to a bare Node process (`setInterval` and nothing else), all sampled from
 * /proc once a second over the same window, after the agents' first passes. Running them side by
 * side puts them under the same load from the rest of the machine.
 */
export async function measureResourceUsage(options: {
  /** The CLI launcher (`bin/website-monitor.js`) of a staged, built CLI. */
  readonly launcher: string;
  /** The config file's text (JSON is YAML); its folder also holds the SQLite store. */
  readonly agentConfig: string;
  readonly seconds: number;
  readonly progress: (line: string) => void;
}): Promise<ResourceUsageResult> {
  const folders: string[] = [];
  const agent = startAgent(options, folders, undefined);
  const defaultHeapAgent = startAgent(options, folders, `--max-semi-space-size=${v8DefaultSemiSpaceMb}`);
  const baseline = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  runningChildren.add(baseline);
  try {
    const [agentStartMs] = await Promise.all([
      waitForReady(agent, 60_000),
      waitForReady(defaultHeapAgent, 60_000),
    ]);
    const agentCommandLine = commandLineOf(agent);
    const defaultHeapCommandLine = commandLineOf(defaultHeapAgent);
    const agentSamples: ProcSample[] = [];
    const defaultHeapSamples: ProcSample[] = [];
    const baselineSamples: ProcSample[] = [];
    const startedAt = wallClockMs();
    for (let second = 0; second <= options.seconds; second++) {
      // Sleep to the next whole second of the window, so sampling drift does not add up.
      await sleep(Math.max(0, startedAt + second * 1000 - wallClockMs()));
      const at = wallClockMs();
      for (const child of [agent, defaultHeapAgent]) {
        if (child.exitCode !== null) throw new Error(`an agent process exited with code ${child.exitCode}`);
      }
      agentSamples.push(readProcSample(agent.pid!, at));
      defaultHeapSamples.push(readProcSample(defaultHeapAgent.pid!, at));
      baselineSamples.push(readProcSample(baseline.pid!, at));
      if (second > 0 && second % 10 === 0) options.progress(`resources ${second}/${options.seconds} s`);
    }
    return {
      seconds: options.seconds,
      agentStartMs,
      agentCommandLine,
      agent: usageOf(agentSamples),
      defaultHeapAgent: usageOf(defaultHeapSamples),
      defaultHeapCommandLine,
      baseline: usageOf(baselineSamples),
    };
  } finally {
    await Promise.all([stopChild(agent), stopChild(defaultHeapAgent), stopChild(baseline)]);
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * As a user starts it: `website-monitor run --config FILE` (the shebang runs `node`), with the
 * default store (a SQLite file beside the config, one folder per agent). No REST API: a built
 * package ships the dashboard prebuilt, which this staged build does not, so serving it would
 * measure a dashboard build.
 */
export function startAgent(
  options: { readonly launcher: string; readonly agentConfig: string },
  folders: string[],
  nodeOptions: string | undefined,
): ChildProcess {
  const folder = mkdtempSync(join(tmpdir(), 'website-monitor-bench-agent-'));
  folders.push(folder);
  const configPath = join(folder, 'website-monitor.json');
  writeFileSync(configPath, options.agentConfig);
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.NODE_OPTIONS;
  // Each measured agent stands for a host of its own: two on one engine sharing the host's lock
  // directory would have the second refuse to run (one agent acts per engine).
  env.WEBSITE_MONITOR_LOCK_DIR = join(folder, 'engine-locks');
  if (nodeOptions !== undefined) env.NODE_OPTIONS = nodeOptions;
  const child = spawn(process.execPath, [options.launcher, 'run', '--config', configPath, '--no-listen'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  runningChildren.add(child);
  return child;
}

export function commandLineOf(child: ChildProcess): string {
  const argv = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  const nodeOptions = /(?:^|\0)NODE_OPTIONS=([^\0]*)/.exec(
    readFileSync(`/proc/${child.pid}/environ`, 'utf8'),
  );
  return nodeOptions ? `NODE_OPTIONS=${nodeOptions[1]} ${argv}` : argv;
}

export function usageOf(samples: readonly ProcSample[]): ProcessUsage {
  return {
    cpuPercent: cpuPercentPerInterval(samples),
    cpuSeconds: samples.at(-1)!.cpuSeconds - samples[0]!.cpuSeconds,
    rssMb: samples.map((sample) => sample.rssMb),
  };
}

/**
 * Milliseconds from spawn to the agent's `agent_started` log line, plus a settle time in which its
 * first full pass runs. The JSON log on stdout is drained for the whole run (a full pipe would
 * block the agent).
 */
export async function waitForReady(child: ChildProcess, timeoutMs: number): Promise<number> {
  const startedAt = performance.now();
  await new Promise<void>((resolve, reject) => {
    let output: string | undefined = '';
    const timer = setTimeout(
      () => reject(new Error(`the agent process was not ready within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      if (output === undefined) return;
      output += chunk;
      if (output.includes('"event":"agent_started"')) {
        output = undefined;
        clearTimeout(timer);
        resolve();
      } else if (output.length > 1_000_000) {
        output = output.slice(-10_000);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the agent process exited with code ${code} before it was ready`));
    });
  });
  const readyMs = Math.round(performance.now() - startedAt);
  await sleep(settleMs);
  return readyMs;
}

const settleMs = 5_000;

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
