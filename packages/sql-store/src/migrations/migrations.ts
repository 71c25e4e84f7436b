import type { Kysely } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import type { Database } from '../database/database.js';
import type { SqlDialect } from '../dialect/sql-dialect.js';
import { initMigration } from './0001-init.js';
import { incidentHistoryMigration } from './0002-incident-history.js';
import { engineLeaseMigration } from './0003-engine-lease.js';
import { healthRollupsMigration } from './0004-health-rollups.js';
import { approvalParamsMigration } from './0005-approval-params.js';
import { rollupWatermarkMigration } from './0006-rollup-watermark.js';
import { monitorHostsMigration } from './0007-monitor-hosts.js';

/**
 * Every migration, in code: bundlers and single-file builds break file-system discovery.
 * Names sort in the order they run; never rename or edit one that has shipped, add the next.
 * For running them with migration tooling of your own (kysely's `Migrator` and its tables).
 *
 * @example
 * ```ts
 * import { Migrator } from 'kysely/migration';
 * import { migrationLockTableName, migrationTableName, postgresDialect, sqlMigrations } from '@website-monitor/sql-store';
 *
 * const migrator = new Migrator({
 *   db,
 *   provider: { getMigrations: async () => ({ ...sqlMigrations(postgresDialect) }) },
 *   migrationTableName,
 *   migrationLockTableName,
 * });
 * await migrator.migrateToLatest();
 * ```
 */
export function sqlMigrations(dialect: SqlDialect): Readonly<Record<string, Migration>> {
  return {
    '0001_init': initMigration(dialect),
    '0002_incident_history': incidentHistoryMigration(dialect),
    '0003_engine_lease': engineLeaseMigration(dialect),
    '0004_health_rollups': healthRollupsMigration(dialect),
    '0005_approval_params': approvalParamsMigration(dialect),
    '0006_rollup_watermark': rollupWatermarkMigration(dialect),
    '0007_monitor_hosts': monitorHostsMigration(dialect),
  };
}

/** Our own bookkeeping tables, so a user's kysely migrations in the same database are left alone. */
export const migrationTableName = 'monitor_schema_migration';
/** The lock table kysely's migrator uses for our migrations. */
export const migrationLockTableName = 'monitor_schema_migration_lock';

/**
 * kysely's `Migrator` over `sqlMigrations`, with our own bookkeeping tables: what `SqlStore.migrate()`
 * runs. For a tool that wants to list or step through the migrations.
 *
 * @example
 * ```ts
 * import { createSqlMigrator, sqliteDialect } from '@website-monitor/sql-store';
 *
 * const pending = (await createSqlMigrator(db, sqliteDialect).getMigrations()).filter((migration) => !migration.executedAt);
 * ```
 */
export function createSqlMigrator(db: Kysely<Database>, dialect: SqlDialect): Migrator {
  const provider: MigrationProvider = { getMigrations: async () => ({ ...sqlMigrations(dialect) }) };
  return new Migrator({
    db,
    provider,
    migrationTableName,
    migrationLockTableName,
    // 0003 and 0004 were written side by side and 0004 landed first: a database already at 0004
    // must still get 0003. Each migration here touches only its own tables, so order between
    // them does not matter; shipped names are still never renamed or edited.
    allowUnorderedMigrations: true,
  });
}
