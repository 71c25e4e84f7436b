import { describe, expect, it } from 'vitest';
import type { ContainerBaseline } from '../domain/baseline.js';
import { assessAnomaly } from './assess-anomaly.js';

function baseline(overrides: Partial<ContainerBaseline> = {}): ContainerBaseline {
  return {
    host: 'h',
    containerName: 'web',
    image: 'web:1',
    metric: 'response_time_ms',
    mean: 20,
    variance: 9,
    samples: 100,
    updatedAt: 0,
    ...overrides,
  };
}

describe('assessAnomaly', () => {
  it('flags 400 ms on a service whose normal is 20 ms, and says what normal is', () => {
    const result = assessAnomaly({ baseline: baseline(), value: 400 });
    expect(result.anomalous).toBe(true);
    expect(result.zScore).toBeGreaterThan(50);
    expect(result.message).toBe('400 ms, normal for web is 20 ± 3 ms');
  });

  it('does not flag 400 ms on a service whose normal is 400 ms', () => {
    expect(assessAnomaly({ baseline: baseline({ mean: 400, variance: 1600 }), value: 400 }).anomalous).toBe(
      false,
    );
    expect(assessAnomaly({ baseline: baseline({ mean: 400, variance: 1600 }), value: 520 }).anomalous).toBe(
      false,
    );
  });

  it('does not flag 2 ms becoming 4 ms on a quiet service, however small its spread', () => {
    const quiet = baseline({ mean: 2, variance: 0.0001 });
    expect(assessAnomaly({ baseline: quiet, value: 4 }).anomalous).toBe(false);
    expect(assessAnomaly({ baseline: quiet, value: 40 }).anomalous).toBe(false);
  });

  it('is one-sided: a faster answer is never an anomaly', () => {
    const result = assessAnomaly({ baseline: baseline({ mean: 800, variance: 100 }), value: 5 });
    expect(result.anomalous).toBe(false);
    expect(result.zScore).toBeLessThan(0);
  });

  it('judges nothing before the warm-up', () => {
    const young = baseline({ samples: 5 });
    expect(assessAnomaly({ baseline: young, value: 4000 })).toMatchObject({
      anomalous: false,
      message: 'no warmed-up baseline yet (5 readings)',
    });
    expect(assessAnomaly({ baseline: young, value: 4000, minSamples: 5 }).anomalous).toBe(true);
    expect(assessAnomaly({ baseline: undefined, value: 4000 }).anomalous).toBe(false);
  });

  it('uses per-metric guards: memory must rise by at least 64 MiB', () => {
    const mib = 1024 * 1024;
    const memory = baseline({ metric: 'memory_bytes', mean: 20 * mib, variance: (0.1 * mib) ** 2 });
    expect(assessAnomaly({ baseline: memory, value: 60 * mib }).anomalous).toBe(false);
    expect(assessAnomaly({ baseline: memory, value: 120 * mib })).toMatchObject({
      anomalous: true,
      message: '120 MiB, normal for web is 20 ± 0 MiB',
    });
  });

  it('accepts other thresholds', () => {
    expect(
      assessAnomaly({ baseline: baseline(), value: 60, thresholds: { minDifference: 10 } }).anomalous,
    ).toBe(true);
  });
});
