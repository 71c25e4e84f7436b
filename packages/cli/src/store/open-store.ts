import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '@website-monitor/core';
import { DatabaseUnavailableError, describeDatabaseFailure, withoutPassword } from './database-failure.js';
import type { MigratableStore, StoreFactories } from './store-factories.js';
import type { StoreSelection } from './store-selection.js';

/** A store opened straight onto the database, for one-shot commands (`incidents`, `db migrate`). */
export interface DirectStore {
  readonly store: MigratableStore;
  /** Where it points, safe to print: the SQLite file, or the URL with its password masked. */
  readonly where: string;
  /**
   * Runs `work` against the store; a failure that is about the database (unreachable, refused,
   * not migrated) becomes one `DatabaseUnavailableError` line naming `where`, with any password
   * scrubbed from the reason. Anything else is rethrown as it is: a bug keeps its stack.
   */
  readonly use: <Result>(work: (store: MigratableStore) => Promise<Result>) => Promise<Result>;
  readonly close: () => Promise<void>;
}

export async function openDirectStore({
  selection,
  factories,
  logger,
}: {
  selection: StoreSelection;
  factories: StoreFactories;
  logger: Logger;
}): Promise<DirectStore> {
  let store: MigratableStore;
  let where: string;
  let url: string | undefined;
  if (selection.kind === 'postgres') {
    const postgres = await factories.postgres();
    url = selection.url;
    where = postgres.redactConnectionString(selection.url);
    store = postgres.createPostgresStore({ connectionString: selection.url, logger });
  } else {
    const sqlite = await factories.sqlite();
    where = selection.path;
    store = await attempt(where, undefined, async () => {
      await mkdir(dirname(selection.path), { recursive: true });
      return sqlite.createSqliteStore({ path: selection.path, logger });
    });
  }
  return {
    store,
    where,
    use: (work) => attempt(where, url, () => work(store)),
    close: () => store.close().catch(() => {}),
  };
}

/** `work()`, with database failures turned into one readable `DatabaseUnavailableError`. */
export async function attempt<Result>(
  where: string,
  url: string | undefined,
  work: () => Promise<Result>,
): Promise<Result> {
  try {
    return await work();
  } catch (error) {
    if (DatabaseUnavailableError.is(error)) throw error;
    const reason = describeDatabaseFailure(error);
    if (reason === undefined) throw error;
    throw new DatabaseUnavailableError(where, withoutPassword(reason, url), { cause: error });
  }
}
