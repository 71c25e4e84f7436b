export type {
  ApprovalsTable,
  BaselinesTable,
  BigIntColumn,
  BooleanColumn,
  ContainerStatsTable,
  Database,
  HealingActionsTable,
  HealthMetricsTable,
  HealthRollupsTable,
  HealthRollupWatermarksTable,
  HostsTable,
  IncidentsTable,
  JsonColumn,
  TimestampColumn,
} from './database/database.js';
export { monitorTableNames } from './database/database.js';
export type { SqlDialect, SqlDialectName } from './dialect/sql-dialect.js';
export { postgresDialect, sqlDialect, sqliteDialect } from './dialect/sql-dialect.js';
export type { CreateSqlEngineLeasesOptions, EngineLeaseRow } from './lease/sql-engine-leases.js';
export { createSqlEngineLeases, engineLeaseFromRow } from './lease/sql-engine-leases.js';
export {
  createSqlMigrator,
  migrationLockTableName,
  migrationTableName,
  sqlMigrations,
} from './migrations/migrations.js';
export type { StatsContribution } from './stats/container-stats.js';
export type {
  ContainerStats,
  CreateSqlStoreOptions,
  SqlStore,
} from './store/sql-store.js';
export { createSqlStore } from './store/sql-store.js';
export { describeError } from './store/store-failure.js';
