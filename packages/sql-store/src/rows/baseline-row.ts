import type { BaselineMetric, ContainerBaseline } from '@website-monitor/core';
import type { Insertable, Selectable } from 'kysely';
import type { BaselinesTable } from '../database/database.js';
import type { SqlDialect } from '../dialect/sql-dialect.js';

export function baselineToRow(baseline: ContainerBaseline, dialect: SqlDialect): Insertable<BaselinesTable> {
  return {
    host: baseline.host,
    container_name: baseline.containerName,
    metric: baseline.metric,
    mean: baseline.mean,
    variance: baseline.variance,
    samples: baseline.samples,
    image: baseline.image,
    updated_at: dialect.toTime(baseline.updatedAt),
  };
}

export function baselineFromRow(row: Selectable<BaselinesTable>, dialect: SqlDialect): ContainerBaseline {
  return {
    host: row.host,
    containerName: row.container_name,
    image: row.image ?? '',
    metric: row.metric as BaselineMetric,
    mean: row.mean,
    variance: row.variance,
    samples: Number(row.samples),
    updatedAt: dialect.fromTime(row.updated_at),
  };
}
