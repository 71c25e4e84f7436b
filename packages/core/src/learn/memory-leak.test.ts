import { describe, expect, it } from 'vitest';
import { assessMemoryLeak, type MemoryReading, memoryTrend } from './memory-leak.js';

const mib = 1024 * 1024;
const minute = 60_000;

/** One reading every 10 s for `minutes`, from a function of the elapsed minutes. */
function series(minutes: number, bytesAt: (minutesIn: number) => number): MemoryReading[] {
  return Array.from({ length: minutes * 6 + 1 }, (_, i) => ({
    at: 1_000_000 + i * 10_000,
    bytes: Math.round(bytesAt(i / 6)),
  }));
}

// Deterministic noise of about ±2 MiB.
const noise = (t: number) => Math.sin(t * 7.3) * 2 * mib;

describe('memoryTrend', () => {
  it('fits a line through the readings', () => {
    const trend = memoryTrend(series(60, (t) => 100 * mib + t * mib));
    expect(trend?.bytesPerHour).toBeCloseTo(60 * mib, -3);
    expect(trend?.fit).toBeCloseTo(1);
    expect(trend?.largestDropBytes).toBe(0);
  });

  it('cannot fit fewer than two readings or no elapsed time', () => {
    expect(memoryTrend([])).toBeUndefined();
    expect(
      memoryTrend([
        { at: 1, bytes: 1 },
        { at: 1, bytes: 2 },
      ]),
    ).toBeUndefined();
  });
});

describe('assessMemoryLeak', () => {
  const limit = 512 * mib;

  it('flags steady growth long before the 90 % rule', () => {
    // 200 MiB growing 2 MiB a minute reaches 90 % of 512 MiB after about 130 minutes.
    const readings = series(20, (t) => 200 * mib + t * 2 * mib + noise(t));
    const result = assessMemoryLeak({ readings, limitBytes: limit });
    expect(result.leaking).toBe(true);
    const last = readings.at(-1)!;
    expect(last.bytes / limit).toBeLessThan(0.5);
    expect(result.message).toMatch(
      /^memory grew steadily by 120 MiB\/h over 20 min; at this rate it reaches its limit in 2\.\d h$/,
    );
    expect(result.reachesLimitAt).toBeGreaterThan(last.at + 2 * 60 * minute);
  });

  it('does not flag a flat series with noise', () => {
    const result = assessMemoryLeak({ readings: series(30, (t) => 300 * mib + noise(t)), limitBytes: limit });
    expect(result.leaking).toBe(false);
    expect(result.message).toMatch(/steady/);
  });

  it('does not flag a garbage collector sawtooth', () => {
    // Climbs 40 MiB over 8 minutes, then the collector gives it all back.
    const sawtooth = (t: number) => 200 * mib + ((t % 8) / 8) * 40 * mib;
    const result = assessMemoryLeak({ readings: series(30, sawtooth), limitBytes: limit });
    expect(result.leaking).toBe(false);
  });

  it('does not flag a sawtooth that creeps up slightly', () => {
    const creeping = (t: number) => 200 * mib + ((t % 6) / 6) * 60 * mib + t * 0.2 * mib;
    expect(assessMemoryLeak({ readings: series(30, creeping) }).leaking).toBe(false);
  });

  it('waits for enough history: a few minutes of growth after a start is normal', () => {
    const result = assessMemoryLeak({ readings: series(10, (t) => 200 * mib + t * 4 * mib) });
    expect(result.leaking).toBe(false);
    expect(result.message).toBe('memory readings cover 10 min, less than 15 min');
  });

  it('does not flag growth too small to matter', () => {
    const result = assessMemoryLeak({ readings: series(20, (t) => 2000 * mib + t * 0.5 * mib) });
    expect(result.leaking).toBe(false);
  });
});
