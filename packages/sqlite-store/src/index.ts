export type { ContainerStats, SqlStore } from '@website-monitor/sql-store';
export type { CreateEngineLockFilesOptions, EngineLockFiles } from './engine-lock/engine-lock-files.js';
export { createEngineLockFiles } from './engine-lock/engine-lock-files.js';
export { loadNodeSqlite, withoutSqliteExperimentalWarning } from './node-sqlite/load-node-sqlite.js';
export { nodeSqliteDatabase } from './node-sqlite/node-sqlite-database.js';
export { NodeSqliteDialect } from './node-sqlite/node-sqlite-dialect.js';
export type { CreateSqliteStoreOptions, SqliteStore } from './sqlite-store/sqlite-store.js';
export { createSqliteStore } from './sqlite-store/sqlite-store.js';
