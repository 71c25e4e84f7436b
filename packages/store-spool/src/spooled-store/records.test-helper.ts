import type {
  ApprovalRequest,
  BaselineMetric,
  ContainerBaseline,
  HealingActionRecord,
  HealthSample,
  Incident,
} from '@website-monitor/core';

export const host = 'host-a';

export function incident(id: string, at: number, overrides: Partial<Incident> = {}): Incident {
  return {
    id,
    host,
    containerId: `c-${id}`,
    containerName: 'web',
    trigger: 'container_stopped',
    problems: [{ kind: 'container_stopped', message: 'exited with code 1' }],
    status: 'open',
    openedAt: at,
    updatedAt: at,
    resolvedAt: null,
    exitCode: 1,
    oomKilled: false,
    diagnosis: null,
    actionsTaken: [],
    autoHealed: false,
    escalationReason: null,
    ...overrides,
  };
}

export function restartAction(
  id: string,
  at: number,
  overrides: Partial<HealingActionRecord> = {},
): HealingActionRecord {
  return {
    id,
    host,
    incidentId: 'inc-1',
    containerId: 'c-web',
    containerName: 'web',
    action: 'restart_container',
    reason: 'container_stopped',
    decidedBy: 'rule',
    result: 'succeeded',
    startedAt: at,
    durationMs: 300,
    detail: null,
    error: null,
    ...overrides,
  };
}

export function approval(id: string, at: number, overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    id,
    host,
    incidentId: 'inc-1',
    containerId: 'c-web',
    containerName: 'web',
    action: 'database_migration',
    reason: 'schema mismatch',
    status: 'pending',
    requestedAt: at,
    decidedAt: null,
    decidedBy: null,
    ...overrides,
  };
}

export function sample(id: string, at: number, containerName = 'web'): HealthSample {
  return {
    id,
    host,
    containerId: `c-${containerName}`,
    containerName,
    checkedAt: at,
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
      responseTimeMs: 12,
      memoryBytes: 50_000_000,
      memoryLimitBytes: 100_000_000,
      memoryPercent: 50,
      cpuPercent: 3,
    },
  };
}

export function samples(prefix: string, count: number, from: number): HealthSample[] {
  return Array.from({ length: count }, (_, i) => sample(`${prefix}-${i}`, from + i * 1000));
}

export function baseline(
  metric: BaselineMetric,
  mean: number,
  at: number,
  containerName = 'web',
): ContainerBaseline {
  return { host, containerName, image: 'app:1', metric, mean, variance: 4, samples: 100, updatedAt: at };
}
