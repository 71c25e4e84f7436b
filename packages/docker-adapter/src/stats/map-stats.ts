import type { ContainerStatsSample } from '@website-monitor/core';
import { dockerTime } from '../inspect/map-inspect.js';
import { arrayAt, numberAt, recordAt, stringAt } from '../json/read-json.js';

/**
 * One `GET /containers/{id}/stats?stream=false&one-shot=true` answer in our words. A stopped
 * container answers with zero times and empty `memory_stats`, so every figure falls back to 0.
 * `now` is used when Docker's own `read` time is missing or zero.
 */
export function mapStats(raw: unknown, now: number): ContainerStatsSample {
  const cpuStats = recordAt(raw, 'cpu_stats');
  const cpuUsage = recordAt(cpuStats, 'cpu_usage');
  const memoryStats = recordAt(raw, 'memory_stats');
  const memoryDetails = recordAt(memoryStats, 'stats');
  const read = dockerTime(stringAt(raw, 'read'));
  const readAt = read === null ? Number.NaN : Date.parse(read);
  return {
    readAt: Number.isFinite(readAt) ? readAt : now,
    cpu: {
      totalUsage: numberAt(cpuUsage, 'total_usage') ?? 0,
      systemUsage: numberAt(cpuStats, 'system_cpu_usage'),
      onlineCpus: onlineCpus(cpuStats, cpuUsage),
    },
    memory: {
      usage: numberAt(memoryStats, 'usage') ?? 0,
      limit: numberAt(memoryStats, 'limit') ?? 0,
      inactiveFile: numberAt(memoryDetails, 'inactive_file'),
      totalInactiveFile: numberAt(memoryDetails, 'total_inactive_file'),
    },
  };
}

/** The docker CLI's rule: `online_cpus`, else the per-CPU list (cgroup v1 only), else 1. */
function onlineCpus(
  cpuStats: Readonly<Record<string, unknown>> | undefined,
  cpuUsage: Readonly<Record<string, unknown>> | undefined,
): number {
  const online = numberAt(cpuStats, 'online_cpus');
  if (online !== undefined && online > 0) return online;
  const perCpu = arrayAt(cpuUsage, 'percpu_usage');
  if (perCpu !== undefined && perCpu.length > 0) return perCpu.length;
  return 1;
}
