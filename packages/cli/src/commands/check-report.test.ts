import type { HealthMetrics } from '@website-monitor/core';
import { describe, expect, it } from 'vitest';
import { formatCheckReport } from './check-report.js';

const running: HealthMetrics = {
  state: 'running',
  exitCode: 0,
  oomKilled: false,
  dockerHealth: 'none',
  restartCount: 0,
  httpStatus: undefined,
  responseTimeMs: undefined,
  memoryBytes: undefined,
  memoryLimitBytes: undefined,
  memoryPercent: undefined,
  cpuPercent: undefined,
};

describe('formatCheckReport', () => {
  it('prints the verdict and every known figure, one per line', () => {
    const text = formatCheckReport({
      name: 'shop-web',
      healthy: false,
      status: 'unhealthy',
      metrics: {
        ...running,
        restartCount: 1,
        dockerHealth: 'unhealthy',
        httpStatus: 503,
        responseTimeMs: 41.6,
        memoryBytes: 300 * 1024 * 1024,
        memoryLimitBytes: 2 * 1024 * 1024 * 1024,
        memoryPercent: 14.648,
        cpuPercent: 3.25,
      },
      problems: [{ kind: 'http_failed', message: 'HTTP 503 from http://127.0.0.1:8080/health' }],
    });
    expect(text).toBe(
      [
        'shop-web: unhealthy (unhealthy)',
        '  state    running (1 restart, docker health unhealthy)',
        '  http     HTTP 503 in 42 ms',
        '  memory   300.0 MiB of 2.0 GiB (14.6%)',
        '  cpu      3.3%',
        '  problem  http_failed: HTTP 503 from http://127.0.0.1:8080/health',
        '',
      ].join('\n'),
    );
  });

  it('says how a stopped container ended and leaves out what was not measured', () => {
    const text = formatCheckReport({
      name: 'db',
      healthy: false,
      status: 'unhealthy',
      metrics: { ...running, state: 'exited', exitCode: 137, oomKilled: true, restartCount: 4 },
      problems: [{ kind: 'oom_killed', message: 'db was killed for using too much memory' }],
    });
    expect(text).toBe(
      [
        'db: unhealthy (unhealthy)',
        '  state    exited (exit code 137, OOM killed, 4 restarts)',
        '  problem  oom_killed: db was killed for using too much memory',
        '',
      ].join('\n'),
    );
  });

  it('reports a probe without an answer', () => {
    const text = formatCheckReport({
      name: 'api',
      healthy: false,
      status: 'unhealthy',
      metrics: { ...running, responseTimeMs: 3000 },
      problems: [],
    });
    expect(text).toContain('  http     no response in 3000 ms\n');
  });
});
