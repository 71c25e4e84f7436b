export type { ContainerStats, SqlStore } from '@website-monitor/sql-store';
export type { CreatePostgresStoreOptions, PostgresStore } from './postgres-store/postgres-store.js';
export { createPostgresStore } from './postgres-store/postgres-store.js';
export { redactConnectionString } from './redact/redact-connection-string.js';
