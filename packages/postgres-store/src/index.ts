export type { ContainerStats, SqlStore } from '@website-monitor/sql-store';
export type { CreatePostgresStoreOptions, PostgresStore } from './postgres-store/postgres-store.js';
export { createPostgresStore } from './postgres-store/postgres-store.js';
export { connectionStringPassword, redactConnectionString } from './redact/redact-connection-string.js';
