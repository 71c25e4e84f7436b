export type { ContainerStats, SqlStore } from '@website-monitor/sql-store';
export type { AdvisoryLockKey, EngineLeaseKeys } from './engine-lease/engine-lease-keys.js';
export { engineLeaseKeys } from './engine-lease/engine-lease-keys.js';
export type { LeaseConnection } from './engine-lease/lease-session.js';
export { engineLeaseValidForMs } from './engine-lease/lease-session.js';
export type {
  CreatePostgresEngineLeasesOptions,
  PostgresEngineLeases,
} from './engine-lease/postgres-engine-leases.js';
export { createPostgresEngineLeases } from './engine-lease/postgres-engine-leases.js';
export type { CreatePostgresStoreOptions, PostgresStore } from './postgres-store/postgres-store.js';
export { createPostgresStore } from './postgres-store/postgres-store.js';
export { redactConnectionString } from './redact/redact-connection-string.js';
