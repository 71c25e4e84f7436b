import type { ContainerStatsSample } from '../domain/container.js';

/**
 * CPU use between two one-shot stats readings, as `docker stats` shows it (docker CLI
 * `cli/command/container/stats_helpers.go`, `calculateCPUPercentUnix`): the container's share of
 * the host's CPU time over the interval, scaled by the online CPUs, so one busy core on a 4-core
 * host reads 100, not 25.
 *
 * One-shot stats leave `precpu_stats` empty, which is why the caller keeps the previous reading.
 * No previous reading, a missing host counter, or a delta that is not positive (the container
 * restarted and its counter began again) all give 0, like the CLI, rather than a wild figure.
 */
export function cpuPercent(
  previous: ContainerStatsSample | undefined,
  current: ContainerStatsSample,
): number {
  if (previous === undefined) return 0;
  const { systemUsage } = current.cpu;
  const previousSystemUsage = previous.cpu.systemUsage;
  if (systemUsage === undefined || previousSystemUsage === undefined) return 0;
  const cpuDelta = current.cpu.totalUsage - previous.cpu.totalUsage;
  const systemDelta = systemUsage - previousSystemUsage;
  if (cpuDelta <= 0 || systemDelta <= 0) return 0;
  return (cpuDelta / systemDelta) * current.cpu.onlineCpus * 100;
}

export interface MemoryUsage {
  /** The working set: usage without the reclaimable page cache. */
  readonly usedBytes: number;
  /** The container's limit, or the host's memory when it has none. */
  readonly limitBytes: number;
  /** 0 when the limit is unknown (0). */
  readonly percent: number;
}

/**
 * Memory in use as `docker stats` shows it (docker CLI `calculateMemUsageUnixNoCache`): the raw
 * cgroup usage counts page cache the kernel can drop at will, so a container that reads many files
 * would look "full" while being fine. The inactive file cache is subtracted: cgroup v1 reports it
 * as `total_inactive_file`, cgroup v2 as `inactive_file`. It is only subtracted when smaller than
 * the usage, as the CLI does, so a racy reading never yields a negative figure. cAdvisor calls the
 * result the working set, which is also what the kernel's OOM killer weighs.
 */
export function memoryUsage(sample: ContainerStatsSample): MemoryUsage {
  const { usage, limit, totalInactiveFile, inactiveFile } = sample.memory;
  let usedBytes = usage;
  if (totalInactiveFile !== undefined && totalInactiveFile < usage) {
    usedBytes = usage - totalInactiveFile;
  } else if (inactiveFile !== undefined && inactiveFile < usage) {
    usedBytes = usage - inactiveFile;
  }
  return { usedBytes, limitBytes: limit, percent: limit > 0 ? (usedBytes / limit) * 100 : 0 };
}
