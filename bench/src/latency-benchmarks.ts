import type { ContainerRuntime, Logger, MonitorConfig } from '@website-monitor/core';
import { parseMonitorConfig, WebsiteMonitorAgent } from '@website-monitor/core';
import type { BenchContainers } from './bench-containers.js';
import { measureCrashRecovery } from './crash-recovery.js';
import type { EventLog } from './event-log.js';
import { healingResults } from './healing-results.js';
import { formatRatio, formatSummary, type ResultRow } from './report.js';
import { summarize } from './summarize.js';
import { createTimedRuntime } from './timed-runtime.js';
import { measureUnhealthyRestart } from './unhealthy-restart.js';

/**
 * Benchmarks 1-3, the agent's reaction times: `die` -> restart call, `unhealthy` -> restart call,
 * and crash -> running beside Docker's own `on-failure` policy. One in-process agent, scoped to
 * the containers it is told about. Run by the full bench and by `BENCH_ONLY=healing`.
 */
export async function runLatencyBenchmarks(options: {
  readonly samples: number;
  readonly prefix: string;
  readonly containers: BenchContainers;
  readonly agentRuntime: ContainerRuntime;
  readonly events: EventLog;
  readonly logger: Logger;
  readonly progress: (line: string) => void;
}): Promise<{ rows: ResultRow[]; notes: string[] }> {
  const { samples, prefix, containers, agentRuntime, events, progress } = options;
  const crashNames = Array.from({ length: samples }, (_, index) => `${prefix}-crash-${index}`);
  const unhealthyNames = Array.from({ length: samples }, (_, index) => `${prefix}-unhealthy-${index}`);
  const timed = createTimedRuntime(agentRuntime);
  const latencyAgent = new WebsiteMonitorAgent({
    config: listedConfig([...crashNames, ...unhealthyNames]),
    runtime: timed.runtime,
    logger: options.logger,
  });
  const healing = healingResults(latencyAgent);
  await latencyAgent.start();
  const crash = await measureCrashRecovery({
    samples,
    agentNames: crashNames,
    policyName: (index) => `${prefix}-policy-${index}`,
    containers,
    timed,
    healing,
    events,
    progress,
  });
  const unhealthy = await measureUnhealthyRestart({
    samples,
    names: unhealthyNames,
    containers,
    timed,
    healing,
    events,
    progress,
  });
  await latencyAgent.stop();

  const oneSecond = (summary: ReturnType<typeof summarize>) => summary.n > 0 && summary.p95 < 1000;
  const crashDaemon = summarize(crash.daemonDieToRestartMs);
  const unhealthyDaemon = summarize(unhealthy.daemonEventToRestartMs);
  const agentRecovery = summarize(crash.agentRecoveryMs);
  const policyRecovery = summarize(crash.policyRecoveryMs);
  const rows: ResultRow[] = [];
  const notes: string[] = [];
  rows.push(
    {
      measurement: '1. `die` received -> restart call (agent overhead)',
      agent: formatSummary(summarize(crash.agentOverheadMs), 'ms', 1),
      baseline: '–',
      ratio: '–',
      target: '–',
      met: undefined,
    },
    {
      measurement: '1. `die` (daemon time) -> restart call',
      agent: formatSummary(crashDaemon, 'ms', 1),
      baseline: '–',
      ratio: '–',
      target: 'p95 < 1000 ms',
      met: oneSecond(crashDaemon),
    },
    {
      measurement: '2. `unhealthy` received -> restart call (agent overhead)',
      agent: formatSummary(summarize(unhealthy.agentOverheadMs), 'ms', 1),
      baseline: '–',
      ratio: '–',
      target: '–',
      met: undefined,
    },
    {
      measurement: '2. `unhealthy` (daemon time) -> restart call',
      agent: formatSummary(unhealthyDaemon, 'ms', 1),
      baseline: '–',
      ratio: '–',
      target: 'p95 < 1000 ms',
      met: oneSecond(unhealthyDaemon),
    },
    {
      measurement: '2. app switched to failing -> restart call (includes the 500 ms healthcheck interval)',
      agent: formatSummary(summarize(unhealthy.flipToRestartMs), 'ms'),
      baseline: '–',
      ratio: '–',
      target: '–',
      met: undefined,
    },
    {
      measurement: '3. crash (`die`) -> running (`start`); baseline: Docker `on-failure`',
      agent: formatSummary(agentRecovery, 'ms'),
      baseline: formatSummary(policyRecovery, 'ms'),
      ratio: formatRatio(agentRecovery, policyRecovery),
      target: '≤ 1.5x',
      met: agentRecovery.n > 0 && policyRecovery.n > 0 && agentRecovery.median <= 1.5 * policyRecovery.median,
    },
  );
  for (const error of [...crash.errors, ...unhealthy.errors]) notes.push(`failed sample: ${error}`);
  return { rows, notes };
}

/** A config scoped to the named containers only: other containers on the engine are never touched. */
function listedConfig(names: readonly string[]): MonitorConfig {
  return parseMonitorConfig({
    text: JSON.stringify({
      monitoring: { discovery: 'listed', containers: names.map((name) => ({ name })) },
    }),
    file: 'bench config',
  });
}
