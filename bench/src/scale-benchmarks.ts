import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchContainer } from './bench-containers.js';
import type { BenchSession } from './bench-session.js';
import { crashAllAndWait, crashOnSignal, type StormResult, setRestartPolicy } from './crash-storm.js';
import type { EventLog } from './event-log.js';
import { countLogLines } from './log-line-counter.js';
import { type ProcSample, readProcSample } from './proc-sampler.js';
import { formatRatio, formatSummary, type ResultRow } from './report.js';
import {
  commandLineOf,
  type ProcessUsage,
  runningChildren,
  startAgent,
  stopChild,
  usageOf,
  waitForReady,
} from './resource-usage.js';
import type { StagedCli } from './stage-cli.js';
import { summarize } from './summarize.js';
import { wallClockMs } from './wall-clock.js';

/** Targets of issue 12 (item 5) for one agent watching the large count. */
const idleRssTargetMb = 160;
const stormRssTargetMb = 200;
const idleCpuTargetPercent = 3;
const lastRunningTargetRatio = 1.1;
/** A queued container is logged when it is queued and when it runs: a handful of lines each. */
const logLinesPerContainerTarget = 10;
/** After the agents said they started: their first full pass and stats readings over N are startup. */
const idleSettleMs = 20_000;

/** The containers of 10-11: N running test apps that crash on a signal (`crashOnSignal`). */
export async function startScaleContainers(session: BenchSession, count: number): Promise<BenchContainer[]> {
  session.progress(`starting ${count} containers for the scale benchmarks`);
  const containers = await session.containers.startMany(
    Array.from({ length: count }, (_, index) => ({
      name: `${session.prefix}-scale-${index}`,
      behaviour: crashOnSignal,
    })),
  );
  // Docker 20.10 takes a while to settle after hundreds of starts (its own CPU): not the agent's.
  await sleep(10_000);
  return containers;
}

/**
 * Benchmarks 10-11: one agent process watching N running containers (the knob
 * `BENCH_SCALE_CONTAINERS`, 500 by default) beside one watching the first `smallCount` of them
 * (`BENCH_CONTAINERS`), idle; then every one of the N crashing at once, healed by the agent, and
 * the same containers crashing at once again under Docker's own `on-failure` policy with the agent
 * stopped. The containers have no HTTP endpoint: on this 2-core machine N test apps forking a
 * shell per probe would measure the containers, not the agent (see 4).
 */
export async function runScaleBenchmarks(options: {
  readonly session: BenchSession;
  readonly events: EventLog;
  /** From `startScaleContainers`. */
  readonly containers: readonly BenchContainer[];
  readonly smallCount: number;
  readonly watchSeconds: number;
  readonly launcher: StagedCli['launcher'];
  /** An earlier revision's agent, measured idle over all N beside today's (`BENCH_SCALE_BEFORE`). */
  readonly before?: { readonly launcher: string; readonly commit: string; readonly subject: string };
}): Promise<{ rows: ResultRow[]; notes: string[] }> {
  const { session, events, containers, watchSeconds } = options;
  const count = containers.length;
  const smallCount = Math.min(options.smallCount, count);
  const progress = session.progress;
  const rows: ResultRow[] = [];
  const notes: string[] = [];

  const folders: string[] = [];
  const configFor = (list: readonly BenchContainer[]) =>
    JSON.stringify({
      monitoring: {
        discovery: 'listed',
        containers: list.map((container) => ({ name: container.name })),
      },
    });
  const large = startAgent(
    { launcher: options.launcher, agentConfig: configFor(containers) },
    folders,
    undefined,
  );
  const small = startAgent(
    { launcher: options.launcher, agentConfig: configFor(containers.slice(0, smallCount)) },
    folders,
    undefined,
  );
  const before = options.before
    ? startAgent(
        { launcher: options.before.launcher, agentConfig: configFor(containers) },
        folders,
        undefined,
      )
    : undefined;
  const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  runningChildren.add(bare);
  const agents = before ? [large, small, before] : [large, small];
  try {
    // ---- 10: idle, side by side --------------------------------------------------------------
    await Promise.all(agents.map((agent) => waitForReady(agent, 120_000)));
    // Past the first full pass and stats readings of all N (startup, not idle).
    await sleep(idleSettleMs);
    const largeCommandLine = commandLineOf(large);
    progress(`scale: agents over ${count} and ${smallCount} containers, idle for ${watchSeconds} s`);
    const idle = await sampleTogether(
      [large, small, bare, ...(before ? [before] : [])],
      watchSeconds,
      (second) => {
        if (second > 0 && second % 10 === 0) progress(`scale idle ${second}/${watchSeconds} s`);
      },
    );
    await Promise.all([stopChild(small), stopChild(bare), ...(before ? [stopChild(before)] : [])]);
    const [largeIdle, smallIdle, bareIdle, beforeIdle] = idle.map(usageOf) as [
      ProcessUsage,
      ProcessUsage,
      ProcessUsage,
      ProcessUsage | undefined,
    ];
    rows.push(...idleRows({ count, smallCount, watchSeconds, largeIdle, smallIdle }));
    if (options.before && beforeIdle) {
      rows.push(...beforeRows({ count, watchSeconds, largeIdle, beforeIdle, commit: options.before.commit }));
      notes.push(
        `10: the earlier agent is ${options.before.commit.slice(0, 7)} ("${oneLine(options.before.subject)}"), staged from \`git archive\` with this checkout's dependencies, started the same way over the same ${count} containers and sampled in the same seconds`,
      );
    }
    const largeRss = summarize(largeIdle.rssMb);
    const smallRss = summarize(smallIdle.rssMb);
    const bareRss = summarize(bareIdle.rssMb);
    notes.push(
      `10: both agents ran as \`${largeCommandLine}\` (their /proc cmdline; the config lists ${count} or the first ${smallCount} containers, no endpoints, default intervals: a stats reading every 10 s, a full pass every 30 s, events), sampled together with a bare \`node\` (${bareRss.median.toFixed(1)} MB); RSS per container beyond the first ${smallCount}: ${perContainerKb(largeRss.median - smallRss.median, count - smallCount)} KB (median over median)`,
    );

    // ---- 11: the storm, the agent healing --------------------------------------------------
    progress(`scale: all ${count} crash at once, the agent heals`);
    const lines = countLogLines(large);
    const stormSamples: ProcSample[] = [];
    const sampler = sampleEverySecond(large, stormSamples);
    const budgetMs = 60_000 + count * 2_000;
    let agentStorm: StormResult;
    try {
      agentStorm = await crashAllAndWait({ containers, events, budgetMs, progress, label: 'agent storm' });
      // The incidents resolve once the containers stayed up a while: that work is the storm's too.
      await sleep(15_000);
    } finally {
      sampler.stop();
    }
    const logged = lines.stop();
    await stopChild(large);

    // ---- 11: the same containers, Docker's own restart policy ------------------------------
    progress(`scale: all ${count} crash at once, Docker's on-failure policy restarts them`);
    await setRestartPolicy(containers, 'on-failure');
    const dockerStorm = await crashAllAndWait({
      containers,
      events,
      budgetMs,
      progress,
      label: 'Docker policy storm',
    });
    await setRestartPolicy(containers, 'no');

    const stormUsage = usageOf(stormSamples);
    rows.push(...stormRows({ count, agentStorm, dockerStorm, stormUsage, largeIdle, logged }));
    const queued = logged.byEvent.get('healing_queued') ?? 0;
    const top = [...logged.byEvent]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([event, lines]) => `${event} ${lines}`)
      .join(', ');
    notes.push(
      `11: the containers crashed through \`kill -USR1 1\` in each (the test app's exit timer signal, so a \`die\` with code 1 and no \`kill\` event), 16 execs at a time: first to last \`die\` ${seconds(agentStorm.crashSpreadMs)} for the agent, ${seconds(dockerStorm.crashSpreadMs)} for Docker's policy; the agent (default \`max_concurrent_restarts\` 2 and \`storm_concurrent_restarts\` 16) ran first, then was stopped and the containers were updated to \`on-failure\`; agent CPU in the storm ${stormUsage.cpuSeconds.toFixed(1)} s over ${stormSamples.length} s; ${queued} \`healing_queued\` lines; lines by event: ${top}`,
    );
    return { rows, notes };
  } finally {
    await Promise.all([
      stopChild(large),
      stopChild(small),
      stopChild(bare),
      ...(before ? [stopChild(before)] : []),
    ]);
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  }
}

function idleRows(input: {
  readonly count: number;
  readonly smallCount: number;
  readonly watchSeconds: number;
  readonly largeIdle: ProcessUsage;
  readonly smallIdle: ProcessUsage;
}): ResultRow[] {
  const { count, smallCount, watchSeconds, largeIdle, smallIdle } = input;
  const largeRss = summarize(largeIdle.rssMb);
  const smallRss = summarize(smallIdle.rssMb);
  const largeCpu = (largeIdle.cpuSeconds / watchSeconds) * 100;
  const smallCpu = (smallIdle.cpuSeconds / watchSeconds) * 100;
  return [
    {
      measurement: `10. RSS watching ${count} running containers (no HTTP endpoint), median / max; baseline: the same agent over ${smallCount} of them, beside it`,
      agent: `${largeRss.median.toFixed(1)} / ${largeRss.max.toFixed(1)} MB`,
      baseline: `${smallRss.median.toFixed(1)} / ${smallRss.max.toFixed(1)} MB`,
      ratio: formatRatio(largeRss, smallRss),
      target: `max < ${idleRssTargetMb} MB`,
      met: largeRss.max < idleRssTargetMb,
    },
    {
      measurement: `10. CPU over those ${watchSeconds} s, % of one core (CPU seconds / window), ${count} containers; baseline: ${smallCount}`,
      agent: `${largeCpu.toFixed(2)} % (${largeIdle.cpuSeconds.toFixed(2)} s)`,
      baseline: `${smallCpu.toFixed(2)} % (${smallIdle.cpuSeconds.toFixed(2)} s)`,
      ratio: smallIdle.cpuSeconds > 0 ? `${(largeIdle.cpuSeconds / smallIdle.cpuSeconds).toFixed(2)}x` : '–',
      target: `< ${idleCpuTargetPercent} %`,
      met: largeCpu < idleCpuTargetPercent,
    },
  ];
}

function beforeRows(input: {
  readonly count: number;
  readonly watchSeconds: number;
  readonly largeIdle: ProcessUsage;
  readonly beforeIdle: ProcessUsage;
  readonly commit: string;
}): ResultRow[] {
  const { count, watchSeconds, largeIdle, beforeIdle } = input;
  const short = input.commit.slice(0, 7);
  const nowRss = summarize(largeIdle.rssMb);
  const thenRss = summarize(beforeIdle.rssMb);
  const nowCpu = (largeIdle.cpuSeconds / watchSeconds) * 100;
  const thenCpu = (beforeIdle.cpuSeconds / watchSeconds) * 100;
  return [
    {
      measurement: `10. RSS watching ${count} running containers, median / max; baseline: the agent of ${short}, beside it`,
      agent: `${nowRss.median.toFixed(1)} / ${nowRss.max.toFixed(1)} MB`,
      baseline: `${thenRss.median.toFixed(1)} / ${thenRss.max.toFixed(1)} MB`,
      ratio: formatRatio(nowRss, thenRss),
      target: '–',
      met: undefined,
    },
    {
      measurement: `10. CPU over those ${watchSeconds} s, % of one core, ${count} containers; baseline: the agent of ${short}`,
      agent: `${nowCpu.toFixed(2)} % (${largeIdle.cpuSeconds.toFixed(2)} s)`,
      baseline: `${thenCpu.toFixed(2)} % (${beforeIdle.cpuSeconds.toFixed(2)} s)`,
      ratio:
        beforeIdle.cpuSeconds > 0 ? `${(largeIdle.cpuSeconds / beforeIdle.cpuSeconds).toFixed(2)}x` : '–',
      target: '–',
      met: undefined,
    },
  ];
}

function oneLine(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function stormRows(input: {
  readonly count: number;
  readonly agentStorm: StormResult;
  readonly dockerStorm: StormResult;
  readonly stormUsage: ProcessUsage;
  readonly largeIdle: ProcessUsage;
  readonly logged: ReturnType<ReturnType<typeof countLogLines>['stop']>;
}): ResultRow[] {
  const { count, agentStorm, dockerStorm, stormUsage, largeIdle, logged } = input;
  const back = (storm: StormResult) =>
    storm.lastRunningMs === undefined
      ? `none of ${count} back`
      : `${seconds(storm.lastRunningMs)} (${storm.restarted}/${count} back)`;
  const ratio =
    agentStorm.lastRunningMs !== undefined && dockerStorm.lastRunningMs
      ? agentStorm.lastRunningMs / dockerStorm.lastRunningMs
      : undefined;
  const stormRss = summarize(stormUsage.rssMb);
  const idleRss = summarize(largeIdle.rssMb);
  const perContainer = logged.lines / count;
  return [
    {
      measurement: `11. all ${count} crash at once -> the last one running again (first \`die\` -> last \`start\`, daemon clock); baseline: Docker \`on-failure\` on the same containers`,
      agent: back(agentStorm),
      baseline: back(dockerStorm),
      ratio: ratio === undefined ? '–' : `${ratio.toFixed(2)}x`,
      target: `≤ ${lastRunningTargetRatio}x`,
      met: ratio !== undefined && ratio <= lastRunningTargetRatio && agentStorm.restarted === count,
    },
    {
      measurement: `11. each container's crash -> running again in that storm, median / p95; baseline: Docker \`on-failure\``,
      agent: formatSummary(summarize(agentStorm.perContainerMs), 'ms'),
      baseline: formatSummary(summarize(dockerStorm.perContainerMs), 'ms'),
      ratio: formatRatio(summarize(agentStorm.perContainerMs), summarize(dockerStorm.perContainerMs)),
      target: '–',
      met: undefined,
    },
    {
      measurement: `11. RSS during the storm and 15 s after, median / max; baseline: the same agent idle before it`,
      agent: `${stormRss.median.toFixed(1)} / ${stormRss.max.toFixed(1)} MB`,
      baseline: `${idleRss.median.toFixed(1)} / ${idleRss.max.toFixed(1)} MB`,
      ratio: formatRatio(stormRss, idleRss),
      target: `max < ${stormRssTargetMb} MB`,
      met: stormRss.max < stormRssTargetMb,
    },
    {
      measurement: `11. agent log lines in the storm (info and above), per container; \`healing_decision: wait\` lines`,
      agent: `${perContainer.toFixed(1)} (${logged.lines} lines); ${logged.waitDecisions} wait`,
      baseline: '–',
      ratio: '–',
      target: `≤ ${logLinesPerContainerTarget} per container`,
      met: perContainer <= logLinesPerContainerTarget,
    },
  ];
}

/** Samples the processes from /proc once a second, together, for `seconds` seconds. */
async function sampleTogether(
  children: readonly ChildProcess[],
  seconds: number,
  onSecond: (second: number) => void,
): Promise<ProcSample[][]> {
  const samples: ProcSample[][] = children.map(() => []);
  const startedAt = wallClockMs();
  for (let second = 0; second <= seconds; second++) {
    await sleep(Math.max(0, startedAt + second * 1000 - wallClockMs()));
    const at = wallClockMs();
    for (const [index, child] of children.entries()) {
      if (child.exitCode !== null) throw new Error(`a measured process exited with code ${child.exitCode}`);
      samples[index]!.push(readProcSample(child.pid!, at));
    }
    onSecond(second);
  }
  return samples;
}

/** Samples one process once a second into `samples` until stopped. */
function sampleEverySecond(child: ChildProcess, samples: ProcSample[]): { stop(): void } {
  const take = () => {
    if (child.exitCode === null) samples.push(readProcSample(child.pid!, wallClockMs()));
  };
  take();
  const timer = setInterval(take, 1000);
  return {
    stop() {
      clearInterval(timer);
      take();
    },
  };
}

function perContainerKb(mb: number, containers: number): string {
  return containers > 0 ? ((mb * 1024) / containers).toFixed(0) : '–';
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
