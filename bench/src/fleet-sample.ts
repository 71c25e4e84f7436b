import type { HealthSample } from '@website-monitor/core';
import { contractHealthSample } from '@website-monitor/core/testing';

/**
 * One health sample of a simulated fleet agent: container `container` of `host`, the
 * `sequence`-th sample that host wrote (ids unique per host and sequence), with metrics that vary
 * from sample to sample as real ones do, so the database stores and indexes realistic values.
 */
export function fleetHealthSample(input: {
  readonly idPrefix: string;
  readonly host: string;
  readonly container: number;
  readonly sequence: number;
}): HealthSample {
  const { container, sequence } = input;
  const memoryBytes = 40_000_000 + ((sequence * 104_729) % 60_000_000);
  return contractHealthSample({
    id: `${input.idPrefix}-${input.host}-${sequence}`,
    host: input.host,
    containerId: `${input.host}-container-${container}`.padEnd(64, '0'),
    containerName: `web-${container}`,
    checkedAt: Date.now(),
    healthy: true,
    status: 'healthy',
    problems: [],
    metrics: {
      state: 'running',
      exitCode: null,
      oomKilled: false,
      dockerHealth: 'healthy',
      restartCount: 0,
      httpStatus: 200,
      responseTimeMs: 3 + ((sequence * 7919) % 400) / 10,
      memoryBytes,
      memoryLimitBytes: 536_870_912,
      memoryPercent: (memoryBytes / 536_870_912) * 100,
      cpuPercent: ((sequence * 31) % 1000) / 100,
    },
  });
}
