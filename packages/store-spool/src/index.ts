export { spoolFormatVersion } from './spool-file/spool-file.js';
export type { SpooledStore, SpooledStoreOptions, SpoolStatus } from './spooled-store/spooled-store.js';
export { createSpooledStore } from './spooled-store/spooled-store.js';
