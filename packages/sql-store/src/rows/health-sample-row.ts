import type {
  ContainerState,
  DockerHealthStatus,
  HealthSample,
  HealthStatus,
  Problem,
} from '@website-monitor/core';
import type { Insertable, Selectable } from 'kysely';
import type { HealthMetricsTable } from '../database/database.js';
import { fromBoolean, fromJson, fromNumber, type SqlDialect } from '../dialect/sql-dialect.js';

export function healthSampleToRow(sample: HealthSample, dialect: SqlDialect): Insertable<HealthMetricsTable> {
  const m = sample.metrics;
  return {
    id: sample.id,
    host: sample.host,
    container_id: sample.containerId,
    container_name: sample.containerName,
    timestamp: dialect.toTime(sample.checkedAt),
    healthy: sample.healthy,
    status: sample.status,
    problems: JSON.stringify(sample.problems),
    http_status: m.httpStatus ?? null,
    response_time_ms: m.responseTimeMs ?? null,
    memory_bytes: m.memoryBytes ?? null,
    memory_limit_bytes: m.memoryLimitBytes ?? null,
    memory_percent: m.memoryPercent ?? null,
    cpu_percent: m.cpuPercent ?? null,
    state: m.state,
    exit_code: m.exitCode,
    oom_killed: m.oomKilled,
    docker_health: m.dockerHealth,
    restart_count: m.restartCount,
  };
}

export function healthSampleFromRow(row: Selectable<HealthMetricsTable>, dialect: SqlDialect): HealthSample {
  return {
    id: row.id,
    host: row.host,
    containerId: row.container_id,
    containerName: row.container_name,
    checkedAt: dialect.fromTime(row.timestamp),
    healthy: fromBoolean(row.healthy),
    status: row.status as HealthStatus,
    problems: fromJson<readonly Problem[]>(row.problems),
    metrics: {
      state: row.state as ContainerState,
      exitCode: row.exit_code,
      oomKilled: fromBoolean(row.oom_killed),
      dockerHealth: row.docker_health as DockerHealthStatus,
      restartCount: row.restart_count,
      httpStatus: row.http_status ?? undefined,
      responseTimeMs: row.response_time_ms ?? undefined,
      memoryBytes: fromNumber(row.memory_bytes) ?? undefined,
      memoryLimitBytes: fromNumber(row.memory_limit_bytes) ?? undefined,
      memoryPercent: row.memory_percent ?? undefined,
      cpuPercent: row.cpu_percent ?? undefined,
    },
  };
}
