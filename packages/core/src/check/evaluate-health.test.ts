import { describe, expect, it } from 'vitest';
import type { ContainerDetails, ContainerStatsSample } from '../domain/container.js';
import type { HttpCheckResult, ProblemKind } from '../domain/health.js';
import type { BaselineSnapshot } from '../learn/baseline-book.js';
import type { MemoryReading } from '../learn/memory-leak.js';
import { type EvaluateHealthInput, evaluateHealth, type HealthThresholds } from './evaluate-health.js';
import type { ProbeCounters } from './probe-counter.js';

const startedAt = '2026-11-28T05:00:00.000Z';
const start = Date.parse(startedAt);
const afterStart = start + 600_000;

function details(overrides: Partial<ContainerDetails> = {}): ContainerDetails {
  return {
    id: 'c0ffee',
    name: 'web',
    image: 'web:1',
    state: 'running',
    labels: {},
    imageId: 'sha256:1',
    exitCode: 0,
    oomKilled: false,
    restartCount: 0,
    startedAt,
    finishedAt: null,
    error: '',
    health: { status: 'none', failingStreak: 0, log: [] },
    restartPolicy: { name: 'no', maximumRetryCount: 0 },
    networkMode: 'bridge',
    ports: [],
    env: [],
    ...overrides,
  };
}

const settings: HealthThresholds = {
  failureThreshold: 3,
  successThreshold: 1,
  startPeriodSeconds: 30,
  memoryPercentThreshold: undefined,
  cpuPercentThreshold: undefined,
  responseTimeMsThreshold: undefined,
};

const url = 'http://127.0.0.1:8080/health';
const ok: HttpCheckResult = { url, ok: true, status: 200, responseTimeMs: 12, error: undefined };
const http500: HttpCheckResult = {
  url,
  ok: false,
  status: 500,
  responseTimeMs: 8,
  error: 'unexpected status 500',
};
const timeout: HttpCheckResult = {
  url,
  ok: false,
  status: undefined,
  responseTimeMs: 1000,
  error: 'timeout after 1000ms',
};
const slow: HttpCheckResult = { ...ok, responseTimeMs: 900 };

function stats(readAt: number, memory: { usage: number; limit: number }, cpuNs = 0, systemNs = 0) {
  return {
    readAt,
    cpu: { totalUsage: cpuNs, systemUsage: systemNs, onlineCpus: 1 },
    memory: { ...memory, inactiveFile: undefined, totalInactiveFile: undefined },
  } satisfies ContainerStatsSample;
}

type Round = Omit<EvaluateHealthInput, 'counters' | 'settings' | 'details' | 'now'> & {
  details?: ContainerDetails;
  now?: number;
};

/** Runs evaluations in sequence, carrying counters like the agent does; returns each verdict. */
function rounds(list: readonly Round[], thresholds: Partial<HealthThresholds> = {}) {
  let counters: ProbeCounters | undefined;
  return list.map((round, index) => {
    const result = evaluateHealth({
      details: details(),
      now: afterStart + index * 10_000,
      ...round,
      settings: { ...settings, ...thresholds },
      counters,
    });
    counters = result.counters;
    return result.verdict;
  });
}

const kinds = (verdict: { problems: readonly { kind: ProblemKind }[] }) =>
  verdict.problems.map((p) => p.kind);

describe('evaluateHealth: Docker state is definitive and immediate', () => {
  it.each<[string, Partial<ContainerDetails>, ProblemKind[], RegExp]>([
    ['exited', { state: 'exited', exitCode: 1 }, ['container_stopped'], /exited with code 1/],
    [
      'exited with an engine error',
      { state: 'exited', exitCode: 127, error: 'exec: "app": not found' },
      ['container_stopped'],
      /code 127: exec: "app": not found/,
    ],
    ['dead', { state: 'dead', exitCode: null }, ['container_stopped'], /dead/],
    ['created, never started', { state: 'created', startedAt: null }, ['container_stopped'], /never started/],
    ['removing', { state: 'removing' }, ['container_stopped'], /being removed/],
    [
      'OOM-killed',
      { state: 'exited', exitCode: 137, oomKilled: true },
      ['oom_killed'],
      /out of memory \(exit code 137\)/,
    ],
    [
      'killed with 137 but not by the OOM killer',
      { state: 'exited', exitCode: 137 },
      ['container_stopped'],
      /137/,
    ],
    [
      'restarting',
      { state: 'restarting', exitCode: 1, restartCount: 4 },
      ['crash_loop'],
      /code 1 \(4 restarts/,
    ],
    [
      'restarting after an OOM kill',
      { state: 'restarting', exitCode: 137, oomKilled: true, restartCount: 2 },
      ['crash_loop', 'oom_killed'],
      /restarting/,
    ],
    [
      'running with Docker HEALTHCHECK unhealthy',
      {
        health: {
          status: 'unhealthy',
          failingStreak: 3,
          log: [{ exitCode: 1, output: 'curl: (7) Failed\n to connect\n', startedAt, endedAt: startedAt }],
        },
      },
      ['docker_unhealthy'],
      /after 3 failed runs: curl: \(7\) Failed to connect$/,
    ],
  ])('%s → unhealthy on the first check, with failureThreshold 3', (_name, overrides, expected, message) => {
    const [verdict] = rounds([{ details: details(overrides) }]);
    expect(verdict).toMatchObject({ healthy: false, status: 'unhealthy' });
    expect(kinds(verdict!)).toEqual(expected);
    expect(verdict!.problems[0]!.message).toMatch(message);
  });

  it('Docker HEALTHCHECK unhealthy counts even inside our start period', () => {
    const unhealthy = details({ health: { status: 'unhealthy', failingStreak: 3, log: [] } });
    const [verdict] = rounds([{ details: unhealthy, now: start + 1000 }]);
    expect(kinds(verdict!)).toEqual(['docker_unhealthy']);
  });

  it('paused is its own status with no problem, and counters survive it', () => {
    const result = rounds([
      { http: http500 },
      { http: http500 },
      { details: details({ state: 'paused' }), http: http500 },
      { http: http500 },
    ]);
    expect(result[2]).toMatchObject({ healthy: false, status: 'paused', problems: [] });
    // The two failures before the pause still count: the third after it reaches the threshold.
    expect(kinds(result[3]!)).toEqual(['http_failed']);
  });

  it('Docker HEALTHCHECK starting is status starting, not a failure', () => {
    const [verdict] = rounds([
      { details: details({ health: { status: 'starting', failingStreak: 0, log: [] } }) },
    ]);
    expect(verdict).toMatchObject({ healthy: false, status: 'starting', problems: [] });
  });

  it('a running container with nothing wrong is healthy', () => {
    const [verdict] = rounds([{ http: ok }]);
    expect(verdict).toMatchObject({ healthy: true, status: 'healthy', problems: [] });
  });
});

describe('evaluateHealth: HTTP probe', () => {
  it('needs failureThreshold failures in a row', () => {
    const result = rounds([{ http: http500 }, { http: http500 }, { http: http500 }]);
    expect(result.map((v) => v.status)).toEqual(['healthy', 'healthy', 'unhealthy']);
    expect(result[2]!.problems).toEqual([
      { kind: 'http_failed', message: `HTTP 500 from ${url} (3 checks in a row)` },
    ]);
  });

  it('names the error when no response came', () => {
    const [verdict] = rounds([{ http: timeout }], { failureThreshold: 1 });
    expect(verdict!.problems[0]!.message).toBe(`no response from ${url}: timeout after 1000ms`);
  });

  it('a success in between restarts the count', () => {
    const result = rounds([
      { http: http500 },
      { http: http500 },
      { http: ok },
      { http: http500 },
      { http: http500 },
    ]);
    expect(result.every((v) => v.healthy)).toBe(true);
  });

  it('recovers only after successThreshold successes in a row', () => {
    const result = rounds([{ http: timeout }, { http: ok }, { http: ok }, { http: ok }], {
      failureThreshold: 1,
      successThreshold: 3,
    });
    expect(result.map((v) => v.status)).toEqual(['unhealthy', 'unhealthy', 'unhealthy', 'healthy']);
    expect(result[2]!.problems[0]!.message).toBe(
      `HTTP check of ${url} recovering: 2 of 3 good checks in a row`,
    );
  });

  it('keeps a failing result in a round without a probe', () => {
    const result = rounds([{ http: http500 }, {}], { failureThreshold: 1 });
    expect(kinds(result[1]!)).toEqual(['http_failed']);
    expect(result[1]!.problems[0]!.message).toMatch(/still failing/);
  });

  it('does not count failures inside the start period and reports starting', () => {
    const result = rounds(
      [
        { http: timeout, now: start + 1000 },
        { http: timeout, now: start + 10_000 },
        { http: timeout, now: start + 29_000 },
        { http: timeout, now: start + 31_000 },
      ],
      { failureThreshold: 1 },
    );
    expect(result.map((v) => v.status)).toEqual(['starting', 'starting', 'starting', 'unhealthy']);
  });

  it('reports starting inside the start period even without a probe', () => {
    const [verdict] = rounds([{ now: start + 5000 }]);
    expect(verdict).toMatchObject({ status: 'starting', problems: [] });
  });

  it('a success ends the start period early, so later failures count (Docker start_period)', () => {
    const result = rounds(
      [
        { http: ok, now: start + 1000 },
        { http: http500, now: start + 2000 },
      ],
      { failureThreshold: 1 },
    );
    expect(result.map((v) => v.status)).toEqual(['healthy', 'unhealthy']);
  });

  it('starts fresh counters for a new run of the container', () => {
    const restartedAt = '2026-11-28T06:00:00.000Z';
    const restarted = details({ startedAt: restartedAt });
    const result = rounds([
      { http: http500 },
      { http: http500 },
      { details: restarted, http: http500, now: Date.parse(restartedAt) + 60_000 },
    ]);
    expect(result[2]!.healthy).toBe(true);
  });

  it('a stop clears the counters, so the next run is judged afresh', () => {
    const result = rounds(
      [{ http: http500 }, { details: details({ state: 'exited', exitCode: 1 }) }, { http: http500 }],
      { failureThreshold: 2 },
    );
    expect(result.map((v) => v.status)).toEqual(['healthy', 'unhealthy', 'healthy']);
  });
});

describe('evaluateHealth: response time, memory and CPU thresholds', () => {
  it('counts slow responses separately from HTTP failures', () => {
    const result = rounds([{ http: slow }, { http: slow }, { http: slow }], { responseTimeMsThreshold: 500 });
    expect(result.map((v) => kinds(v))).toEqual([[], [], ['slow_response']]);
    expect(result[2]!.problems[0]!.message).toBe(
      `${url} answered in 900 ms, above the 500 ms threshold (3 checks in a row)`,
    );
  });

  it('a timeout is an HTTP failure, not a slow response', () => {
    const result = rounds([{ http: timeout }], { responseTimeMsThreshold: 500, failureThreshold: 1 });
    expect(kinds(result[0]!)).toEqual(['http_failed']);
  });

  it('ignores response time when no threshold is set', () => {
    const result = rounds([{ http: slow }], { failureThreshold: 1 });
    expect(result[0]!.healthy).toBe(true);
  });

  it('a single memory spike is not an incident; failureThreshold readings in a row are', () => {
    const high = stats(0, { usage: 950, limit: 1000 });
    const low = stats(0, { usage: 100, limit: 1000 });
    const result = rounds(
      [{ stats: high }, { stats: low }, { stats: high }, { stats: high }, { stats: high }],
      { memoryPercentThreshold: 90 },
    );
    expect(result.map((v) => kinds(v))).toEqual([[], [], [], [], ['high_memory_usage']]);
    expect(result[4]!.problems[0]!.message).toBe(
      'memory at 95.0% (0 of 0 MiB), threshold 90% (3 checks in a row)',
    );
  });

  it('memory at exactly the threshold counts', () => {
    const result = rounds([{ stats: stats(0, { usage: 900, limit: 1000 }) }], {
      memoryPercentThreshold: 90,
      failureThreshold: 1,
    });
    expect(kinds(result[0]!)).toEqual(['high_memory_usage']);
  });

  it('CPU needs two readings and failureThreshold high ones in a row', () => {
    // 0.95 s of a 1 s host interval on one CPU = 95 %.
    const reading = (n: number) => stats(n, { usage: 1, limit: 10 }, n * 950_000_000, n * 1_000_000_000);
    const result = rounds(
      [
        { stats: reading(1) },
        { stats: reading(2), previousStats: reading(1) },
        { stats: reading(3), previousStats: reading(2) },
      ],
      { cpuPercentThreshold: 80, failureThreshold: 2 },
    );
    expect(result.map((v) => v.metrics.cpuPercent)).toEqual([
      undefined,
      expect.closeTo(95),
      expect.closeTo(95),
    ]);
    expect(result.map((v) => kinds(v))).toEqual([[], [], ['high_cpu_usage']]);
    expect(result[2]!.problems[0]!.message).toBe('CPU at 95.0%, threshold 80% (2 checks in a row)');
  });

  it('does not count a CPU spike at start-up', () => {
    const reading = (n: number) => stats(n, { usage: 1, limit: 10 }, n * 1_000_000_000, n * 1_000_000_000);
    const [verdict] = rounds([{ stats: reading(2), previousStats: reading(1), now: start + 2000 }], {
      cpuPercentThreshold: 80,
      failureThreshold: 1,
    });
    expect(verdict).toMatchObject({ status: 'starting', problems: [] });
  });

  it('reports several problems at once', () => {
    const result = rounds(
      [{ http: { ...http500, responseTimeMs: 900 }, stats: stats(0, { usage: 99, limit: 100 }) }],
      {
        failureThreshold: 1,
        responseTimeMsThreshold: 500,
        memoryPercentThreshold: 90,
      },
    );
    expect(kinds(result[0]!)).toEqual(['http_failed', 'slow_response', 'high_memory_usage']);
  });
});

describe('evaluateHealth: metrics', () => {
  it('fills metrics from whatever inputs were given', () => {
    const MiB = 1024 * 1024;
    const [verdict] = rounds([
      {
        details: details({ restartCount: 2, health: { status: 'healthy', failingStreak: 0, log: [] } }),
        http: ok,
        stats: stats(0, { usage: 256 * MiB, limit: 1024 * MiB }),
      },
    ]);
    expect(verdict).toMatchObject({ containerId: 'c0ffee', containerName: 'web', checkedAt: afterStart });
    expect(verdict!.metrics).toEqual({
      state: 'running',
      exitCode: 0,
      oomKilled: false,
      dockerHealth: 'healthy',
      restartCount: 2,
      httpStatus: 200,
      responseTimeMs: 12,
      memoryBytes: 256 * MiB,
      memoryLimitBytes: 1024 * MiB,
      memoryPercent: 25,
      cpuPercent: undefined,
    });
  });

  it('leaves probe metrics undefined without probes', () => {
    const [verdict] = rounds([{ details: details({ state: 'exited', exitCode: 2 }) }]);
    expect(verdict!.metrics).toMatchObject({
      state: 'exited',
      exitCode: 2,
      httpStatus: undefined,
      responseTimeMs: undefined,
      memoryPercent: undefined,
      cpuPercent: undefined,
    });
  });
});

describe('evaluateHealth: learned baselines (NESTED inner layer)', () => {
  const mib = 1024 * 1024;
  const responseBaseline = (mean: number, spread: number) => ({
    host: 'h',
    containerName: 'web',
    image: 'web:1',
    metric: 'response_time_ms' as const,
    mean,
    variance: spread * spread,
    samples: 200,
    updatedAt: 0,
  });
  const learned = (mean: number, spread: number): BaselineSnapshot => ({
    baselines: [responseBaseline(mean, spread)],
    memoryWindow: [],
    minSamples: 30,
  });
  const answeredIn = (ms: number): HttpCheckResult => ({ ...ok, responseTimeMs: ms });

  it('flags a container whose normal is 20 ms and now answers in 400 ms, after failureThreshold readings', () => {
    const verdicts = rounds(
      [1, 2, 3].map(() => ({ http: answeredIn(400), baselines: learned(20, 3) })),
      { responseTimeMsThreshold: 10_000 },
    );
    expect(kinds(verdicts[1]!)).toEqual([]);
    expect(kinds(verdicts[2]!)).toEqual(['response_time_anomaly']);
    expect(verdicts[2]!.problems[0]!.message).toBe(
      `${url} answered in 400 ms, normal for web is 20 ± 3 ms (3 checks in a row)`,
    );
  });

  it('does not flag 400 ms on a container whose normal is 400 ms', () => {
    const verdicts = rounds([1, 2, 3, 4].map(() => ({ http: answeredIn(400), baselines: learned(400, 40) })));
    expect(verdicts.every((verdict) => verdict.healthy)).toBe(true);
  });

  it('flags an anomaly even when no response-time threshold is configured', () => {
    const verdicts = rounds([1, 2, 3].map(() => ({ http: answeredIn(400), baselines: learned(20, 3) })));
    expect(kinds(verdicts[2]!)).toEqual(['response_time_anomaly']);
  });

  it('the general 10 s rule still applies whatever was learned', () => {
    const verdicts = rounds(
      [1, 2, 3].map(() => ({ http: answeredIn(12_000), baselines: learned(11_000, 500) })),
      { responseTimeMsThreshold: 10_000 },
    );
    expect(kinds(verdicts[2]!)).toEqual(['slow_response']);
  });

  it('ignores a baseline that is not warmed up', () => {
    const young: BaselineSnapshot = {
      ...learned(20, 3),
      baselines: [{ ...responseBaseline(20, 3), samples: 3 }],
    };
    const verdicts = rounds([1, 2, 3].map(() => ({ http: answeredIn(400), baselines: young })));
    expect(verdicts[2]!.healthy).toBe(true);
  });

  it('flags a steadily growing memory series as a leak before it reaches the 90 % rule', () => {
    const limit = 512 * mib;
    const interval = 10_000;
    // 200 MiB growing 2 MiB a minute with a little noise; 90 % of 512 MiB is two hours away.
    const bytesAt = (i: number) => Math.round(200 * mib + (i / 6) * 2 * mib + Math.sin(i * 1.7) * mib);
    const window: MemoryReading[] = [];
    let counters: ProbeCounters | undefined;
    let firstLeak: { index: number; percent: number; message: string } | undefined;
    for (let i = 0; i < 240 && firstLeak === undefined; i++) {
      const now = afterStart + i * interval;
      const result = evaluateHealth({
        details: details(),
        stats: stats(now, { usage: bytesAt(i), limit }),
        settings: { ...settings, memoryPercentThreshold: 90 },
        counters,
        now,
        baselines: { baselines: [], memoryWindow: [...window], minSamples: 30 },
      });
      counters = result.counters;
      window.push({ at: now, bytes: bytesAt(i) });
      const leak = result.verdict.problems.find((problem) => problem.kind === 'memory_leak');
      if (leak)
        firstLeak = { index: i, percent: result.verdict.metrics.memoryPercent!, message: leak.message };
    }
    expect(firstLeak).toBeDefined();
    expect(firstLeak!.percent).toBeLessThan(60);
    expect(firstLeak!.index * interval).toBeLessThan(20 * 60_000);
    expect(firstLeak!.message).toMatch(
      /^memory grew steadily by 120 MiB\/h over 15 min; .*\(3 checks in a row\)$/,
    );
  });

  it('does not call a flat memory series a leak', () => {
    const limit = 512 * mib;
    const window: MemoryReading[] = Array.from({ length: 180 }, (_, i) => ({
      at: afterStart - (180 - i) * 10_000,
      bytes: 300 * mib + (i % 3) * mib,
    }));
    const [verdict] = rounds(
      [
        {
          stats: stats(afterStart, { usage: 300 * mib, limit }),
          baselines: { baselines: [], memoryWindow: window, minSamples: 30 },
        },
      ],
      {
        failureThreshold: 1,
      },
    );
    expect(verdict!.healthy).toBe(true);
  });
});

describe('evaluateHealth: leak detection waits out the start-up', () => {
  it('does not call the growth of the first ten minutes after a start a leak', () => {
    const mib = 1024 * 1024;
    const limit = 1024 * mib;
    // Steady growth from the very start: 20 min of it, all but the last 10 min inside the settle time.
    const window: MemoryReading[] = Array.from({ length: 120 }, (_, i) => ({
      at: start + i * 10_000,
      bytes: 200 * mib + i * mib,
    }));
    const now = start + 120 * 10_000;
    const result = evaluateHealth({
      details: details(),
      stats: stats(now, { usage: 320 * mib, limit }),
      settings: { ...settings, failureThreshold: 1 },
      now,
      baselines: { baselines: [], memoryWindow: window, minSamples: 30 },
    });
    expect(result.verdict.healthy).toBe(true);
  });
});

describe('evaluateHealth: a probe between two checks (no stats reading)', () => {
  const high = { memoryBytes: 950, memoryLimitBytes: 1000, memoryPercent: 95, cpuPercent: 12 };

  it('shows the last resource figures but neither counts nor learns them again', () => {
    const thresholds = { ...settings, memoryPercentThreshold: 90 };
    let counters: ProbeCounters | undefined;
    const results = [1, 2, 3].map((round) => {
      const result = evaluateHealth({
        details: details(),
        http: ok,
        settings: thresholds,
        now: afterStart + round * 3_000,
        lastResources: high,
        ...(counters ? { counters } : {}),
      });
      counters = result.counters;
      return result;
    });
    // Three probes with the same old reading are not three high readings.
    expect(results.map((result) => result.verdict.status)).toEqual(['healthy', 'healthy', 'healthy']);
    expect(counters?.memory.consecutiveFailures).toBe(0);
    expect(results[0]!.verdict.metrics).toMatchObject(high);
    expect(results[0]!.readings).toMatchObject({
      memoryBytes: undefined,
      memoryPercent: undefined,
      cpuPercent: undefined,
      httpStatus: 200,
    });
  });

  it('keeps the reading in the message of a memory problem already failing', () => {
    const thresholds = { ...settings, memoryPercentThreshold: 90, failureThreshold: 1 };
    const reading = stats(afterStart, { usage: 950, limit: 1000 });
    const first = evaluateHealth({
      details: details(),
      http: ok,
      stats: reading,
      settings: thresholds,
      now: afterStart,
    });
    const between = evaluateHealth({
      details: details(),
      http: ok,
      settings: thresholds,
      now: afterStart + 3_000,
      counters: first.counters,
      lastResources: high,
    });
    expect(between.verdict.problems.map((problem) => problem.message)).toEqual([
      'memory at 95.0% (0 of 0 MiB), threshold 90%',
    ]);
  });

  it('does not carry figures into a verdict of a stopped container', () => {
    const result = evaluateHealth({
      details: details({ state: 'exited', exitCode: 1 }),
      settings,
      now: afterStart,
      lastResources: high,
    });
    expect(result.verdict.metrics.memoryPercent).toBeUndefined();
  });
});
