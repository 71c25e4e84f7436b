export type { ContainerStats, SqlStore } from '@website-monitor/sql-store';
export type { CreateEngineLockFilesOptions, EngineLockFiles } from './engine-lock/engine-lock-files.js';
export { createEngineLockFiles } from './engine-lock/engine-lock-files.js';
export type { CreateSqliteStoreOptions, SqliteStore } from './sqlite-store/sqlite-store.js';
export { createSqliteStore } from './sqlite-store/sqlite-store.js';
