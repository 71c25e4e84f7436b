// Shared by the built-in strategy tests: builds a real HealingContext over the core fakes.

import { defaultCheckSettings } from '../../config/default-monitor-config.js';
import type { StrategyStep } from '../../config/monitor-config.js';
import type { HealthMetrics, HealthVerdict, Problem } from '../../domain/health.js';
import { openIncident } from '../../incident/incident-lifecycle.js';
import type { Clock } from '../../ports/clock.js';
import type { ContainerRuntime } from '../../ports/container-runtime.js';
import type { Diagnoser, DiagnosisContext } from '../../ports/diagnoser.js';
import { silentLogger } from '../../ports/logger.js';
import type { HealingContext } from '../healing-strategy.js';

export const runningMetrics: HealthMetrics = {
  state: 'running',
  exitCode: 0,
  oomKilled: false,
  dockerHealth: 'none',
  restartCount: 0,
  httpStatus: 200,
  responseTimeMs: 20,
  memoryBytes: undefined,
  memoryLimitBytes: undefined,
  memoryPercent: undefined,
  cpuPercent: undefined,
};

export function makeVerdict(options: {
  readonly containerId?: string;
  readonly containerName?: string;
  readonly problems?: readonly Problem[];
  readonly metrics?: Partial<HealthMetrics>;
  readonly checkedAt?: number;
}): HealthVerdict {
  return {
    containerId: options.containerId ?? 'c1',
    containerName: options.containerName ?? 'web',
    checkedAt: options.checkedAt ?? 1_000,
    healthy: false,
    status: 'unhealthy',
    problems: options.problems ?? [
      { kind: 'http_failed', message: 'HTTP 500 from http://127.0.0.1:8080/health' },
    ],
    metrics: { ...runningMetrics, ...options.metrics },
  };
}

export function makeStep(step: Partial<StrategyStep> & Pick<StrategyStep, 'action'>): StrategyStep {
  return {
    maxAttempts: undefined,
    backoffSeconds: undefined,
    thresholdPercent: undefined,
    script: undefined,
    timeoutSeconds: undefined,
    ...step,
  };
}

const unusedDiagnoser: Diagnoser = {
  name: 'unused',
  diagnose: () => Promise.reject(new Error('this test does not diagnose')),
};

export async function makeHealingContext(options: {
  readonly runtime: ContainerRuntime;
  readonly clock: Clock;
  readonly containerName: string;
  readonly step?: StrategyStep;
  readonly diagnoser?: Diagnoser;
  readonly dependencies?: DiagnosisContext['dependencies'];
  readonly stopTimeoutSeconds?: number;
  readonly signal?: AbortSignal;
}): Promise<HealingContext> {
  const container = await options.runtime.inspect({ id: options.containerName });
  const verdict = makeVerdict({ containerId: container.id, containerName: container.name });
  const incident = openIncident({ id: 'incident-1', host: 'host-a', verdict, now: options.clock.now() });
  return {
    incident,
    container,
    settings: { ...defaultCheckSettings(), name: container.name, healthEndpoint: undefined, dependsOn: [] },
    step: options.step,
    runtime: options.runtime,
    diagnoser: options.diagnoser ?? unusedDiagnoser,
    diagnosisContext: {
      incident,
      container,
      verdict,
      dependencies: options.dependencies ?? {},
      recentRestarts: 0,
      logTail: [],
    },
    clock: options.clock,
    logger: silentLogger,
    stopTimeoutSeconds: options.stopTimeoutSeconds ?? 10,
    signal: options.signal ?? new AbortController().signal,
  };
}
