import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapStats } from './map-stats.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
const now = Date.parse('2030-01-01T00:00:00Z');

describe('mapStats', () => {
  it('maps a cgroup v1 one-shot answer captured from Docker 20.10 (API 1.41)', () => {
    const raw = fixture('stats-cgroup-v1.json') as { read: string };
    expect(mapStats(raw, now)).toEqual({
      readAt: Date.parse(raw.read),
      cpu: { totalUsage: 100910429, systemUsage: 876000000000, onlineCpus: 2 },
      memory: {
        usage: 880640,
        limit: expect.any(Number),
        inactiveFile: 0,
        totalInactiveFile: expect.any(Number),
      },
    });
    expect(mapStats(raw, now).memory.limit).toBeGreaterThan(0);
  });

  it('maps a cgroup v2 answer (API 1.52): inactive_file only, no per-CPU list', () => {
    expect(mapStats(fixture('stats-cgroup-v2-api-1.52.json'), now)).toEqual({
      readAt: Date.parse('2025-11-10T09:30:00.123Z'),
      cpu: { totalUsage: 1273562000, systemUsage: 498219300000000, onlineCpus: 4 },
      memory: { usage: 14942208, limit: 268435456, inactiveFile: 8118272, totalInactiveFile: undefined },
    });
  });

  it('gives zeros for a stopped container, whose answer has zero times and empty memory_stats', () => {
    expect(mapStats(fixture('stats-stopped-api-1.41.json'), now)).toEqual({
      readAt: now,
      cpu: { totalUsage: 0, systemUsage: undefined, onlineCpus: 1 },
      memory: { usage: 0, limit: 0, inactiveFile: undefined, totalInactiveFile: undefined },
    });
  });

  it('falls back from online_cpus to the per-CPU list length', () => {
    const sample = mapStats(
      { cpu_stats: { cpu_usage: { total_usage: 5, percpu_usage: [1, 2, 1, 1] }, online_cpus: 0 } },
      now,
    );
    expect(sample.cpu.onlineCpus).toBe(4);
  });
});
