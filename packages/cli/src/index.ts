export { exitCodes } from './exit-codes.js';
export type { CliIo, StopSignal } from './io/cli-io.js';
export { processIo } from './io/cli-io.js';
export type { RuntimeFactory } from './io/runtime-factory.js';
export type { SwarmServicesFactory } from './io/swarm-services-factory.js';
export type { JsonLoggerOptions } from './logging/json-logger.js';
export { createJsonLogger } from './logging/json-logger.js';
export type { CliDeps } from './main.js';
export { runCli } from './main.js';
export type {
  MigratableStore,
  PostgresModule,
  SpooledStore,
  SpoolModule,
  SqliteModule,
  StoreFactories,
} from './store/store-factories.js';
