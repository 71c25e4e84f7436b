import type { ColumnType } from 'kysely';

/**
 * A point in time. PostgreSQL stores `timestamptz` (read back as a Date, so plain SQL like
 * `NOW() - INTERVAL '1 hour'` works); SQLite stores milliseconds since the epoch as an INTEGER.
 * The dialect's codec converts in both directions, so the store code never sees the difference.
 */
export type TimestampColumn = ColumnType<Date | number, Date | number, Date | number>;
/** `jsonb` in PostgreSQL, TEXT in SQLite; always written as a JSON string. */
export type JsonColumn = ColumnType<unknown, string, string>;
/** `boolean` in PostgreSQL, 0/1 INTEGER in SQLite. */
export type BooleanColumn = ColumnType<boolean | number, boolean, boolean>;
/** `bigint` in PostgreSQL, which pg returns as a string. */
export type BigIntColumn = ColumnType<number | string, number, number>;

/** `monitor_incidents`: one row per incident. */
export interface IncidentsTable {
  id: string;
  host: string;
  container_id: string;
  container_name: string;
  /** When the incident was opened. */
  timestamp: TimestampColumn;
  trigger: string;
  status: string;
  exit_code: number | null;
  oom_killed: BooleanColumn;
  problems: JsonColumn;
  diagnosis: ColumnType<unknown | null, string | null, string | null>;
  diagnosis_source: string | null;
  diagnosis_confidence: number | null;
  recommended_action: string | null;
  urgency: string | null;
  actions_taken: JsonColumn;
  auto_healed: BooleanColumn;
  escalation_reason: string | null;
  resolved_at: ColumnType<Date | number | null, Date | number | null, Date | number | null>;
  time_to_recover_ms: ColumnType<number | string | null, number | null, number | null>;
  updated_at: TimestampColumn;
  /** Since migration 0002; null on older rows. */
  history: ColumnType<unknown | null, string | null, string | null>;
  reopen_count: ColumnType<number, number | undefined, number>;
}

/** `monitor_health_metrics`: one row per check (a health sample). */
export interface HealthMetricsTable {
  id: string;
  host: string;
  container_id: string;
  container_name: string;
  /** When the check ran. */
  timestamp: TimestampColumn;
  healthy: BooleanColumn;
  status: string;
  problems: JsonColumn;
  http_status: number | null;
  response_time_ms: number | null;
  memory_bytes: ColumnType<number | string | null, number | null, number | null>;
  memory_limit_bytes: ColumnType<number | string | null, number | null, number | null>;
  memory_percent: number | null;
  cpu_percent: number | null;
  state: string;
  exit_code: number | null;
  oom_killed: BooleanColumn;
  docker_health: string;
  restart_count: number;
}

/** `monitor_healing_actions`: one row per healing attempt. */
export interface HealingActionsTable {
  id: string;
  host: string;
  incident_id: string;
  container_id: string;
  container_name: string;
  action: string;
  reason: string;
  /** `rule`, `model` or `person`. */
  decided_by: string;
  result: string;
  /** When the attempt started. */
  timestamp: TimestampColumn;
  duration_ms: ColumnType<number | string | null, number | null, number | null>;
  detail: string | null;
  error: string | null;
}

/** `monitor_approvals`: one row per request for a person's approval. */
export interface ApprovalsTable {
  id: string;
  host: string;
  incident_id: string;
  container_id: string;
  container_name: string;
  action: string;
  reason: string;
  status: string;
  requested_at: TimestampColumn;
  decided_at: ColumnType<Date | number | null, Date | number | null, Date | number | null>;
  decided_by: string | null;
  /** The step's settings as JSON (migration 0005); null for a bare step. */
  params: ColumnType<unknown | null, string | null | undefined, string | null>;
}

/** Lifetime aggregates per container, kept current by the store's own writes. */
export interface ContainerStatsTable {
  host: string;
  container_name: string;
  checks: BigIntColumn;
  failures: BigIntColumn;
  restarts: BigIntColumn;
  incidents: BigIntColumn;
  auto_healed_incidents: BigIntColumn;
  /** Generated: auto_healed_incidents / incidents * 100, NULL before the first incident. */
  auto_heal_success_rate: ColumnType<number | null, never, never>;
  last_seen: ColumnType<Date | number | null, Date | number | null, Date | number | null>;
}

/**
 * One container's health samples of one minute, summed (since migration 0004). Summaries of a
 * long window read these instead of the raw rows, so their cost follows the window's length in
 * minutes, whatever the check interval. `<metric>_count` counts the samples that carried the
 * metric; `_sum` is 0 and `_min`/`_max` NULL when none did.
 */
export interface HealthRollupsTable {
  host: string;
  container_name: string;
  /** Start of the minute, ms since the epoch (bigint in both dialects). */
  minute: BigIntColumn;
  samples: BigIntColumn;
  unhealthy: BigIntColumn;
  response_time_ms_count: BigIntColumn;
  response_time_ms_sum: number;
  response_time_ms_min: number | null;
  response_time_ms_max: number | null;
  cpu_percent_count: BigIntColumn;
  cpu_percent_sum: number;
  cpu_percent_min: number | null;
  cpu_percent_max: number | null;
  memory_percent_count: BigIntColumn;
  memory_percent_sum: number;
  memory_percent_min: number | null;
  memory_percent_max: number | null;
  memory_bytes_count: BigIntColumn;
  memory_bytes_sum: number;
  memory_bytes_min: number | null;
  memory_bytes_max: number | null;
}

/**
 * How far each host's rollups are complete (since migration 0006). Rollup rows of minutes before
 * `rolled_until` equal an aggregation of that host's raw rows; rows at or after it are read raw
 * by summaries and rolled later, in bulk. NULL, like a missing row, means every rollup row is
 * complete (as migration 0004 and `rebuildHealthRollups` leave them).
 */
export interface HealthRollupWatermarksTable {
  host: string;
  /** A minute boundary, ms since the epoch. */
  rolled_until: ColumnType<number | string | null, number | null, number | null>;
}

/** Learned per-container baselines (written by the anomaly detector). */
export interface BaselinesTable {
  host: string;
  container_name: string;
  metric: string;
  mean: number;
  variance: number;
  samples: BigIntColumn;
  image: string | null;
  updated_at: TimestampColumn;
}

/** `monitor_hosts` (since migration 0007): each host's latest agent report. */
export interface HostsTable {
  host: string;
  engine_id: string | null;
  engine_name: string | null;
  agent_version: string;
  role: string;
  started_at: TimestampColumn;
  last_seen_at: TimestampColumn;
  containers: number;
  unhealthy: number;
  open_incidents: number;
}

/**
 * The schema as kysely sees it: every table the store owns, by name. Type a `Kysely<Database>`
 * with it to hand to `createSqlStore`, or to query the tables yourself.
 */
export interface Database {
  monitor_incidents: IncidentsTable;
  monitor_health_metrics: HealthMetricsTable;
  monitor_healing_actions: HealingActionsTable;
  monitor_approvals: ApprovalsTable;
  monitor_container_stats: ContainerStatsTable;
  monitor_baselines: BaselinesTable;
  monitor_health_rollups: HealthRollupsTable;
  monitor_health_rollup_watermarks: HealthRollupWatermarksTable;
  monitor_hosts: HostsTable;
}

/** Every table the schema owns, for tests and tools that need to list or empty them. */
export const monitorTableNames = [
  'monitor_incidents',
  'monitor_health_metrics',
  'monitor_healing_actions',
  'monitor_approvals',
  'monitor_container_stats',
  'monitor_baselines',
  'monitor_health_rollups',
  'monitor_health_rollup_watermarks',
  'monitor_hosts',
] as const satisfies readonly (keyof Database)[];
