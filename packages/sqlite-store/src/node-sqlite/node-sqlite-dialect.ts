import {
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  SqliteAdapter,
  SqliteDialect,
  type SqliteDialectConfig,
  type TransactionSettings,
} from 'kysely';
import { FileMutex } from './file-mutex.js';

/** SQLite's DDL is transactional, so a migration that fails halfway leaves nothing behind. */
class NodeSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/**
 * kysely's SqliteDriver, with two changes: the connection is held under the file's in-process
 * lock, and transactions start with BEGIN IMMEDIATE, which takes SQLite's write lock at once
 * (waiting up to the busy timeout) instead of failing when a read lock must be upgraded. The
 * migrator runs inside such a transaction, so two processes migrating one file take turns.
 */
class LockedSqliteDriver implements Driver {
  readonly #driver: Driver;
  readonly #mutex: FileMutex;
  #release: (() => void) | undefined;

  constructor(driver: Driver, mutex: FileMutex) {
    this.#driver = driver;
    this.#mutex = mutex;
  }

  init(): Promise<void> {
    return this.#driver.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    this.#release = await this.#mutex.acquire();
    return this.#driver.acquireConnection();
  }

  async beginTransaction(connection: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#driver.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#driver.rollbackTransaction(connection);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await this.#driver.releaseConnection(connection);
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }

  destroy(): Promise<void> {
    return this.#driver.destroy();
  }
}

export class NodeSqliteDialect extends SqliteDialect {
  readonly #file: string;

  constructor(config: SqliteDialectConfig & { readonly file: string }) {
    super(config);
    this.#file = config.file;
  }

  override createDriver(): Driver {
    return new LockedSqliteDriver(super.createDriver(), FileMutex.forFile(this.#file));
  }

  override createAdapter(): DialectAdapter {
    return new NodeSqliteAdapter();
  }
}
