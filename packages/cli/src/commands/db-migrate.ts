import type { Logger } from '@website-monitor/core';
import { exitCodes } from '../exit-codes.js';
import type { CliIo } from '../io/cli-io.js';
import { loadConfiguredStore } from '../store/configured-store.js';
import { openDirectStore } from '../store/open-store.js';
import type { StoreFactories } from '../store/store-factories.js';

export interface DbMigrateOptions {
  readonly config?: string;
}

export interface DbMigrateDeps {
  readonly factories: StoreFactories;
  readonly logger: Logger;
}

/**
 * `website-monitor db migrate`: brings the configured database's schema up to date (the agent
 * does the same on start; this is for deploy pipelines and a database user with DDL rights).
 * Safe to run twice or beside a starting agent: the store takes a lock. Prints where, with the
 * password masked.
 */
export async function dbMigrateCommand(
  options: DbMigrateOptions,
  io: CliIo,
  deps: DbMigrateDeps,
): Promise<number> {
  const { selection } = await loadConfiguredStore({ configPath: options.config, io });
  const opened = await openDirectStore({ selection, factories: deps.factories, logger: deps.logger });
  try {
    await opened.use((store) => store.migrate());
    io.stdout(
      `migrated ${selection.kind === 'postgres' ? 'PostgreSQL' : 'SQLite'} database at ${opened.where}\n`,
    );
    return exitCodes.ok;
  } finally {
    await opened.close();
  }
}
