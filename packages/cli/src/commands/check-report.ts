import type { HealthMetrics, HealthStatus, Problem } from '@website-monitor/core';

export interface CheckReport {
  readonly name: string;
  readonly healthy: boolean;
  readonly status: HealthStatus;
  readonly metrics: HealthMetrics;
  readonly problems: readonly Problem[];
}

/** The terminal form of one check: a verdict line, then one aligned line per fact known. */
export function formatCheckReport(report: CheckReport): string {
  const { metrics } = report;
  const lines = [`${report.name}: ${report.healthy ? 'healthy' : 'unhealthy'} (${report.status})`];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(9)}${value}`);

  const stateFacts = [
    metrics.exitCode === null || metrics.state === 'running' ? undefined : `exit code ${metrics.exitCode}`,
    metrics.oomKilled ? 'OOM killed' : undefined,
    `${metrics.restartCount} ${metrics.restartCount === 1 ? 'restart' : 'restarts'}`,
    metrics.dockerHealth === 'none' ? undefined : `docker health ${metrics.dockerHealth}`,
  ].filter((fact) => fact !== undefined);
  row('state', `${metrics.state} (${stateFacts.join(', ')})`);
  if (metrics.httpStatus !== undefined || metrics.responseTimeMs !== undefined) {
    const status = metrics.httpStatus === undefined ? 'no response' : `HTTP ${metrics.httpStatus}`;
    const time = metrics.responseTimeMs === undefined ? '' : ` in ${Math.round(metrics.responseTimeMs)} ms`;
    row('http', `${status}${time}`);
  }
  if (metrics.memoryBytes !== undefined) {
    const limit =
      metrics.memoryLimitBytes === undefined ? '' : ` of ${binaryBytes(metrics.memoryLimitBytes)}`;
    const percent = metrics.memoryPercent === undefined ? '' : ` (${metrics.memoryPercent.toFixed(1)}%)`;
    row('memory', `${binaryBytes(metrics.memoryBytes)}${limit}${percent}`);
  }
  if (metrics.cpuPercent !== undefined) row('cpu', `${metrics.cpuPercent.toFixed(1)}%`);
  for (const problem of report.problems) row('problem', `${problem.kind}: ${problem.message}`);
  return `${lines.join('\n')}\n`;
}

function binaryBytes(bytes: number): string {
  const mib = bytes / 1024 / 1024;
  return mib >= 1024 ? `${(mib / 1024).toFixed(1)} GiB` : `${mib.toFixed(1)} MiB`;
}
