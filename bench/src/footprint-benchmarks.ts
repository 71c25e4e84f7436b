import {
  type ContainerRuntime,
  type Logger,
  parseMonitorConfig,
  WebsiteMonitorAgent,
} from '@website-monitor/core';
import type { BenchContainer } from './bench-containers.js';
import { measureFullPass } from './full-pass.js';
import { formatRatio, formatSummary, type ResultRow } from './report.js';
import { measureResourceUsage, v8DefaultSemiSpaceMb } from './resource-usage.js';
import type { StagedCli } from './stage-cli.js';
import { summarize } from './summarize.js';

/**
 * Benchmarks 4-5 over N running containers with HTTP endpoints: one full check pass beside a
 * sequential loop, then the CPU and memory of the agent process watching them at the default
 * intervals. Run by the full bench and by `BENCH_ONLY=footprint`.
 */
export async function runFootprintBenchmarks(options: {
  readonly samples: number;
  readonly watchSeconds: number;
  readonly containers: readonly BenchContainer[];
  readonly agentRuntime: ContainerRuntime;
  readonly logger: Logger;
  readonly launcher: StagedCli['launcher'];
  readonly progress: (line: string) => void;
}): Promise<{ rows: ResultRow[]; notes: string[] }> {
  const { samples, watchSeconds, agentRuntime, progress } = options;
  const web = options.containers;
  const rows: ResultRow[] = [];
  const notes: string[] = [];
  const webEntries = web.map((container) => ({
    name: container.name,
    health_endpoint: container.url('/health'),
  }));
  // No periodic work in between: every probe measured is one the pass itself made.
  const passAgent = new WebsiteMonitorAgent({
    config: configFor(
      webEntries.map((entry) => ({ ...entry, check_interval_seconds: 3600 })),
      { interval_seconds: 3600 },
    ),
    runtime: agentRuntime,
    logger: options.logger,
  });
  await passAgent.start();
  await passAgent.idle();
  const fullPass = await measureFullPass({
    samples,
    agent: passAgent,
    runtime: agentRuntime,
    web,
    budgetMs: 240_000,
    progress,
  });
  await passAgent.stop();
  const agentPass = summarize(fullPass.agentPassMs);
  const baselinePass = summarize(fullPass.baselinePassMs);
  rows.push({
    measurement: `4. full check pass over ${web.length} containers; baseline: sequential inspect + GET`,
    agent: formatSummary(agentPass, 'ms'),
    baseline: formatSummary(baselinePass, 'ms'),
    ratio: formatRatio(agentPass, baselinePass),
    target: 'agent < 1000 ms',
    met: agentPass.n > 0 && agentPass.median < 1000,
  });
  for (const error of fullPass.errors) notes.push(`failed sample: ${error}`);
  if (fullPass.cutShort) {
    notes.push(`the full-pass samples stopped at the 240 s budget: n=${agentPass.n} instead of ${samples}`);
  }

  // ---- 5: CPU and memory of the agent process watching them -------------------------------------
  progress(`agent process watching ${web.length} containers for ${watchSeconds} s`);
  const resources = await measureResourceUsage({
    launcher: options.launcher,
    agentConfig: JSON.stringify(configObject(webEntries)),
    seconds: watchSeconds,
    progress,
  });
  const agentCpu = summarize(resources.agent.cpuPercent);
  const baselineCpu = summarize(resources.baseline.cpuPercent);
  const agentRss = summarize(resources.agent.rssMb);
  const baselineRss = summarize(resources.baseline.rssMb);
  const defaultHeapRss = summarize(resources.defaultHeapAgent.rssMb);
  rows.push(
    {
      measurement: `5. CPU, % of one core, per second over ${watchSeconds} s; baseline: bare node`,
      agent: formatSummary(agentCpu, '%', 1),
      baseline: formatSummary(baselineCpu, '%', 1),
      ratio: '–',
      target: '–',
      met: undefined,
    },
    {
      measurement: `5. CPU seconds used in those ${watchSeconds} s`,
      agent: `${resources.agent.cpuSeconds.toFixed(2)} s`,
      baseline: `${resources.baseline.cpuSeconds.toFixed(2)} s`,
      ratio: '–',
      target: '–',
      met: undefined,
    },
    {
      measurement: '5. RSS: median / max',
      agent: `${agentRss.median.toFixed(1)} / ${agentRss.max.toFixed(1)} MB`,
      baseline: `${baselineRss.median.toFixed(1)} / ${baselineRss.max.toFixed(1)} MB`,
      ratio: formatRatio(agentRss, baselineRss),
      target: 'max < 120 MB',
      met: agentRss.max < 120,
    },
    {
      measurement: `5. RSS: median / max; baseline: the same agent beside it with V8's default young generation (\`--max-semi-space-size=${v8DefaultSemiSpaceMb}\`)`,
      agent: `${agentRss.median.toFixed(1)} / ${agentRss.max.toFixed(1)} MB`,
      baseline: `${defaultHeapRss.median.toFixed(1)} / ${defaultHeapRss.max.toFixed(1)} MB`,
      ratio: formatRatio(agentRss, defaultHeapRss),
      target: '–',
      met: undefined,
    },
    {
      measurement: '5. CPU seconds, the same pair (the cost of more frequent scavenges)',
      agent: `${resources.agent.cpuSeconds.toFixed(2)} s`,
      baseline: `${resources.defaultHeapAgent.cpuSeconds.toFixed(2)} s`,
      ratio:
        resources.defaultHeapAgent.cpuSeconds > 0
          ? `${(resources.agent.cpuSeconds / resources.defaultHeapAgent.cpuSeconds).toFixed(2)}x`
          : '–',
      target: '–',
      met: undefined,
    },
  );
  notes.push(
    `the agent process ran as \`${resources.agentCommandLine}\` (its /proc cmdline) and logged \`agent_started\` ${resources.agentStartMs} ms after it was spawned; sampling began 5 s later; the default-heap agent beside it ran as \`${resources.defaultHeapCommandLine}\``,
  );
  return { rows, notes };
}

/** A config scoped to the named containers only: other containers on the engine are never touched. */
function configObject(entries: readonly object[], monitoring: object = {}) {
  return { monitoring: { discovery: 'listed', ...monitoring, containers: entries } };
}

function configFor(entries: readonly object[], monitoring: object = {}) {
  return parseMonitorConfig({
    text: JSON.stringify(configObject(entries, monitoring)),
    file: 'bench config',
  });
}
