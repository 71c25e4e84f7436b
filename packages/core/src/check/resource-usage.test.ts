import { describe, expect, it } from 'vitest';
import type { ContainerStatsSample } from '../domain/container.js';
import { cpuPercent, memoryUsage } from './resource-usage.js';

function sample(overrides: {
  totalUsage?: number;
  systemUsage?: number | undefined;
  onlineCpus?: number;
  usage?: number;
  limit?: number;
  inactiveFile?: number;
  totalInactiveFile?: number;
}): ContainerStatsSample {
  return {
    readAt: 0,
    cpu: {
      totalUsage: overrides.totalUsage ?? 0,
      systemUsage: 'systemUsage' in overrides ? overrides.systemUsage : 0,
      onlineCpus: overrides.onlineCpus ?? 1,
    },
    memory: {
      usage: overrides.usage ?? 0,
      limit: overrides.limit ?? 0,
      inactiveFile: overrides.inactiveFile,
      totalInactiveFile: overrides.totalInactiveFile,
    },
  };
}

describe('cpuPercent', () => {
  it('scales the container share of host CPU time by the online CPUs', () => {
    // 0.5 s of container CPU over 4 s of host CPU time (1 s wall on 4 CPUs) = half a core.
    const previous = sample({ totalUsage: 1_000_000_000, systemUsage: 100_000_000_000, onlineCpus: 4 });
    const current = sample({ totalUsage: 1_500_000_000, systemUsage: 104_000_000_000, onlineCpus: 4 });
    expect(cpuPercent(previous, current)).toBeCloseTo(50, 10);
  });

  it('reads one fully busy core on a 2-CPU host as 100', () => {
    const previous = sample({ totalUsage: 0, systemUsage: 0, onlineCpus: 2 });
    const current = sample({ totalUsage: 1_000_000_000, systemUsage: 2_000_000_000, onlineCpus: 2 });
    expect(cpuPercent(previous, current)).toBeCloseTo(100, 10);
  });

  it.each([
    ['no previous reading', undefined, sample({ totalUsage: 5, systemUsage: 10 })],
    [
      'a container counter that went backwards (restart)',
      sample({ totalUsage: 900, systemUsage: 1000 }),
      sample({ totalUsage: 100, systemUsage: 2000 }),
    ],
    [
      'no CPU used in the interval',
      sample({ totalUsage: 100, systemUsage: 1000 }),
      sample({ totalUsage: 100, systemUsage: 2000 }),
    ],
    [
      'a host counter that did not move',
      sample({ totalUsage: 100, systemUsage: 1000 }),
      sample({ totalUsage: 200, systemUsage: 1000 }),
    ],
    [
      'no host counter on this platform',
      sample({ totalUsage: 100, systemUsage: undefined }),
      sample({ totalUsage: 200, systemUsage: undefined }),
    ],
  ])('is 0 with %s', (_case, previous, current) => {
    expect(cpuPercent(previous, current)).toBe(0);
  });
});

describe('memoryUsage', () => {
  const MiB = 1024 * 1024;

  it('subtracts cgroup v1 total_inactive_file from the usage', () => {
    // Figures shaped like a Debian docker.io 20.10 host (cgroup v1).
    const usage = memoryUsage(
      sample({ usage: 300 * MiB, limit: 512 * MiB, totalInactiveFile: 44 * MiB, inactiveFile: 40 * MiB }),
    );
    expect(usage).toEqual({ usedBytes: 256 * MiB, limitBytes: 512 * MiB, percent: 50 });
  });

  it('subtracts cgroup v2 inactive_file when there is no v1 counter', () => {
    const usage = memoryUsage(sample({ usage: 200 * MiB, limit: 1000 * MiB, inactiveFile: 50 * MiB }));
    expect(usage).toEqual({ usedBytes: 150 * MiB, limitBytes: 1000 * MiB, percent: 15 });
  });

  it('falls back to inactive_file when the v1 counter is not smaller than the usage, like the CLI', () => {
    const usage = memoryUsage(
      sample({ usage: 100 * MiB, limit: 400 * MiB, totalInactiveFile: 120 * MiB, inactiveFile: 20 * MiB }),
    );
    expect(usage.usedBytes).toBe(80 * MiB);
  });

  it('keeps the raw usage when the cache figure is not smaller than it', () => {
    const usage = memoryUsage(sample({ usage: 10 * MiB, limit: 100 * MiB, inactiveFile: 10 * MiB }));
    expect(usage).toEqual({ usedBytes: 10 * MiB, limitBytes: 100 * MiB, percent: 10 });
  });

  it('keeps the raw usage when no cache figure is reported', () => {
    expect(memoryUsage(sample({ usage: 64 * MiB, limit: 256 * MiB })).percent).toBe(25);
  });

  it('reports 0 percent rather than Infinity when the limit is unknown', () => {
    expect(memoryUsage(sample({ usage: 64 * MiB, limit: 0 })).percent).toBe(0);
  });
});
