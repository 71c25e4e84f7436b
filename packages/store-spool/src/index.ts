export type { SpoolWriteFailureReason } from './spool-file/spool-write-failure.js';
export type { SpoolAlert, SpooledKind, SpoolWriteFailure } from './spooled-store/spool-health.js';
export type { SpooledStore, SpooledStoreOptions, SpoolStatus } from './spooled-store/spooled-store.js';
export { createSpooledStore } from './spooled-store/spooled-store.js';
