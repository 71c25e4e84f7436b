import type { Logger, Store } from '@website-monitor/core';

/** A durable store: the `Store` port plus its schema migrations (idempotent, locked). */
export type MigratableStore = Store & { migrate(): Promise<void> };

/** The PostgreSQL store wrapped in the on-disk spool that holds writes while it is away. */
export type SpooledStore = Store & {
  /** Replays what the spool holds now; resolves when it is empty or the database failed again. */
  flush(): Promise<void>;
};

/** What the CLI uses of `@website-monitor/postgres-store`. */
export interface PostgresModule {
  createPostgresStore(options: { connectionString: string; host?: string; logger?: Logger }): MigratableStore;
  /** `postgres://user:***@host/db`: the only form a connection string is ever shown in. */
  redactConnectionString(url: string): string;
}

/** What the CLI uses of `@website-monitor/sqlite-store`. */
export interface SqliteModule {
  createSqliteStore(options: { path: string; host?: string; logger?: Logger }): MigratableStore;
}

/** What the CLI uses of `@website-monitor/store-spool`. */
export interface SpoolModule {
  createSpooledStore(options: { store: Store; path: string; maxBytes: number; logger: Logger }): SpooledStore;
}

/**
 * How the CLI reaches the store packages. Each loads on first use, so `website-monitor` with
 * SQLite never loads `pg`, and tests hand in their own (for example over `MemoryStore`).
 */
export interface StoreFactories {
  readonly postgres: () => Promise<PostgresModule>;
  readonly sqlite: () => Promise<SqliteModule>;
  readonly spool: () => Promise<SpoolModule>;
}

export const packageStoreFactories: StoreFactories = {
  postgres: async (): Promise<PostgresModule> => await import('@website-monitor/postgres-store'),
  sqlite: async (): Promise<SqliteModule> => await import('@website-monitor/sqlite-store'),
  spool: async (): Promise<SpoolModule> => await import('@website-monitor/store-spool'),
};
