import type { HttpDetectionResult } from './http-detection.js';
import type { ProbeCpuResult } from './probe-cpu.js';
import { formatRatio, formatSummary, type ResultRow } from './report.js';
import { summarize } from './summarize.js';

/** The configured HTTP timeout the hang rows are held to (the default `health_check_timeout`). */
const configuredTimeoutSeconds = 10;

/** Rows 8 (switch -> incident) and 9 (CPU of the probe cadence), with their notes. */
export function detectionRows(options: {
  readonly detection: HttpDetectionResult;
  readonly cpu: ProbeCpuResult;
  readonly endpoints: number;
}): { rows: ResultRow[]; notes: string[] } {
  const { detection, cpu } = options;
  const seconds = (values: readonly number[]) => summarize(values.map((ms) => ms / 1000));
  const rows: ResultRow[] = [];
  const baselineName = 'baseline: old defaults (a probe every 10 s, no confirmation)';
  for (const kind of ['500', '429'] as const) {
    const agent = seconds(detection.byKind[kind].agentMs);
    const old = seconds(detection.byKind[kind].oldDefaultsMs);
    rows.push({
      measurement: `8. \`/health\` switched to ${kind} -> incident opened; ${baselineName}`,
      agent: formatSummary(agent, 's', 2),
      baseline: formatSummary(old, 's', 1),
      ratio: formatRatio(agent, old),
      target: 'p95 < 5 s',
      met: agent.n > 0 && agent.p95 < 5,
    });
  }
  const limit = configuredTimeoutSeconds + 2;
  const hang = seconds(detection.byKind.hang.agentMs);
  const oldHang = seconds(detection.byKind.hang.oldDefaultsMs);
  rows.push({
    measurement: `8. \`/health\` switched to hang -> incident opened, endpoint's response time learned; ${baselineName}`,
    agent: formatSummary(hang, 's', 2),
    baseline: formatSummary(oldHang, 's', 1),
    ratio: formatRatio(hang, oldHang),
    target: `p95 ≤ ${limit} s (timeout + 2 s)`,
    met: hang.n > 0 && hang.p95 <= limit,
  });
  const cold = seconds(detection.coldHang.fromFirstSilentProbeMs);
  const coldFromSwitch = seconds(detection.coldHang.fromSwitchMs);
  rows.push({
    measurement: `8. hang on an endpoint not learned yet: first probe without an answer -> incident opened (from the switch: ${formatSummary(coldFromSwitch, 's', 2)})`,
    agent: formatSummary(cold, 's', 2),
    baseline: '–',
    ratio: '–',
    target: `max ≤ ${limit} s (timeout + 2 s)`,
    met: cold.n > 0 && cold.max <= limit,
  });

  const agentCpu = summarize(cpu.agent.cpuPercent);
  const oldCpu = summarize(cpu.oldDefaults.cpuPercent);
  const extraPercent = ((cpu.agent.cpuSeconds - cpu.oldDefaults.cpuSeconds) / cpu.seconds) * 100;
  rows.push(
    {
      measurement: `9. CPU, % of one core, per second, probing ${options.endpoints} endpoints for ${cpu.seconds} s at the new defaults (probe every 3 s, stats at most 10 s apart); baseline: the old defaults beside it`,
      agent: formatSummary(agentCpu, '%', 1),
      baseline: formatSummary(oldCpu, '%', 1),
      ratio: '–',
      target: '–',
      met: undefined,
    },
    {
      measurement: `9. CPU seconds used in those ${cpu.seconds} s (difference: ${extraPercent >= 0 ? '+' : ''}${extraPercent.toFixed(2)} % of one core)`,
      agent: `${cpu.agent.cpuSeconds.toFixed(2)} s`,
      baseline: `${cpu.oldDefaults.cpuSeconds.toFixed(2)} s`,
      ratio:
        cpu.oldDefaults.cpuSeconds > 0
          ? `${(cpu.agent.cpuSeconds / cpu.oldDefaults.cpuSeconds).toFixed(2)}x`
          : '–',
      target: '< 2 % of one core more',
      met: extraPercent < 2,
    },
  );

  const notes = [
    `8: the new-default agent watched its endpoints ${detection.warmUpSeconds} s before the hangs (its response-time baselines warm up in 30 readings); the old-default agent, probing every 10 s, had not learned them, and at its settings every probe waits the whole 10 s timeout, as kubelet's do${detection.hangMessage ? `; a hang incident read: "${detection.hangMessage}"` : ''}`,
    `9: both agents ran as \`${cpu.agentCommandLine}\` (the old-default one with \`probe_interval_seconds: 10, confirm_interval_seconds: 10\`), over the same ${options.endpoints} containers, sampled together`,
    ...detection.errors.map((error) => `8: failed sample: ${error}`),
  ];
  return { rows, notes };
}
