import { describe, expect, it } from 'vitest';
import type { ContainerBaseline } from '../domain/baseline.js';
import type { HealthMetrics, HealthVerdict } from '../domain/health.js';
import { assessAnomaly } from './assess-anomaly.js';
import { createBaselineBook } from './baseline-book.js';

const mib = 1024 * 1024;

function verdict(
  metrics: Partial<HealthMetrics>,
  status: HealthVerdict['status'] = 'healthy',
): HealthVerdict {
  return {
    containerId: 'c1',
    containerName: 'web',
    checkedAt: 0,
    healthy: status === 'healthy',
    status,
    problems: [],
    metrics: {
      state: 'running',
      exitCode: null,
      oomKilled: false,
      dockerHealth: 'none',
      restartCount: 0,
      httpStatus: 200,
      responseTimeMs: 20,
      memoryBytes: 100 * mib,
      memoryLimitBytes: 512 * mib,
      memoryPercent: 19.5,
      cpuPercent: 5,
      ...metrics,
    },
  };
}

describe('createBaselineBook', () => {
  it('learns response time, memory and CPU, and shows them once warmed up', () => {
    const book = createBaselineBook({ host: 'h', minSamples: 3 });
    book.observe({ verdict: verdict({}), image: 'web:1', now: 1 });
    book.observe({ verdict: verdict({}), image: 'web:1', now: 2 });
    expect(book.snapshot('web').baselines).toEqual([]);
    book.observe({ verdict: verdict({}), image: 'web:1', now: 3 });
    const metrics = book.snapshot('web').baselines.map((b) => b.metric);
    expect(metrics.sort()).toEqual(['cpu_percent', 'memory_bytes', 'response_time_ms']);
    expect(book.snapshot('web').memoryWindow).toHaveLength(3);
    expect(book.snapshot('other')).toEqual({ baselines: [], memoryWindow: [], minSamples: 3 });
  });

  it('ignores a starting, paused or stopped container, and a response time with no answer', () => {
    const book = createBaselineBook({ host: 'h', minSamples: 1 });
    book.observe({ verdict: verdict({}, 'starting'), image: 'web:1', now: 1 });
    book.observe({ verdict: verdict({ state: 'exited' }, 'unhealthy'), image: 'web:1', now: 2 });
    expect(book.dirty()).toEqual([]);
    book.observe({
      verdict: verdict({ httpStatus: undefined, responseTimeMs: 1000 }, 'unhealthy'),
      image: 'web:1',
      now: 3,
    });
    expect(book.dirty().map((b) => b.metric)).not.toContain('response_time_ms');
  });

  it('lets an anomaly become normal only slowly', () => {
    const book = createBaselineBook({ host: 'h', minSamples: 30 });
    for (let i = 0; i < 100; i++) book.observe({ verdict: verdict({}), image: 'web:1', now: i });
    for (let i = 0; i < 20; i++) {
      book.observe({ verdict: verdict({ responseTimeMs: 400 }), image: 'web:1', now: 100 + i });
    }
    const responseTime = book.snapshot('web').baselines.find((b) => b.metric === 'response_time_ms');
    expect(responseTime?.mean).toBeLessThan(60);
    expect(assessAnomaly({ baseline: responseTime, value: 400 }).anomalous).toBe(true);
  });

  it('reports changed baselines once, for saving, and restores saved ones', () => {
    const book = createBaselineBook({ host: 'h', minSamples: 1 });
    book.observe({ verdict: verdict({}), image: 'web:1', now: 1 });
    const saved = book.dirty();
    expect(saved).toHaveLength(3);
    expect(book.dirty()).toEqual([]);

    const restarted = createBaselineBook({ host: 'h', minSamples: 1 });
    const foreign: ContainerBaseline = { ...saved[0]!, host: 'other-host', containerName: 'x' };
    restarted.restore([...saved, foreign]);
    expect(restarted.dirty()).toEqual([]);
    expect(restarted.snapshot('web').baselines).toEqual(saved);
    expect(restarted.snapshot('x').baselines).toEqual([]);
  });

  it('starts afresh on a new image, and the snapshot hides another image’s baselines', () => {
    const book = createBaselineBook({ host: 'h', minSamples: 2 });
    for (let i = 0; i < 5; i++) book.observe({ verdict: verdict({}), image: 'web:1', now: i });
    expect(book.snapshot('web', 'web:2').baselines).toEqual([]);
    expect(book.snapshot('web', 'web:1').baselines).toHaveLength(3);
    book.observe({ verdict: verdict({ responseTimeMs: 400 }), image: 'web:2', now: 9 });
    const responseTime = book.dirty().find((b) => b.metric === 'response_time_ms');
    expect(responseTime).toMatchObject({ image: 'web:2', mean: 400, samples: 1 });
    expect(book.snapshot('web').memoryWindow).toHaveLength(1);
  });

  it('learns the memory trend once the window spans the leak minimum, and forgets a container', () => {
    const book = createBaselineBook({ host: 'h', minSamples: 1 });
    for (let i = 0; i <= 120; i++) {
      book.observe({
        verdict: verdict({ memoryBytes: (100 + i) * mib }),
        image: 'web:1',
        now: i * 10_000,
      });
    }
    const trend = book.snapshot('web').baselines.find((b) => b.metric === 'memory_trend_bytes_per_hour');
    expect(trend?.mean).toBeGreaterThan(300 * mib);
    expect(book.snapshot('web').memoryWindow.length).toBeLessThanOrEqual(181);
    book.forget('web');
    expect(book.snapshot('web').baselines).toEqual([]);
  });
});
