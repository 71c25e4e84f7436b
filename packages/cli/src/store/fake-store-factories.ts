import type { Store } from '@website-monitor/core';
import { MemoryStore } from '@website-monitor/core/testing';
import type { MigratableStore, SpooledStore, StoreFactories } from './store-factories.js';

/** What a test can see of the stores the CLI opened through `fakeStoreFactories` (tests only). */
export interface FakeStores {
  readonly factories: StoreFactories;
  /** One `MemoryStore` per SQLite path or PostgreSQL URL, shared by every store opened on it. */
  readonly databases: Map<string, MemoryStore>;
  readonly opened: {
    kind: 'sqlite' | 'postgres' | 'spool';
    target: string;
    host?: string;
    maxBytes?: number;
  }[];
  /** Migration attempts per path or URL. */
  readonly migrations: Map<string, number>;
  /** Spool flushes, in order. */
  readonly flushes: string[];
  /** Failures the next migrations of a target throw, one per attempt. */
  failMigrations(target: string, errors: readonly unknown[]): void;
  /** From now on, migrations of `target` never settle (a host that drops packets). */
  hangMigrations(target: string): void;
  /** While set, every call on the PostgreSQL store for `target` throws it (the spool catches writes). */
  setUnreachable(target: string, error: unknown): void;
  readonly closed: string[];
}

/**
 * `StoreFactories` over `MemoryStore`, for tests of the CLI's store wiring that must not depend
 * on a database: the SQLite and PostgreSQL stores are memory stores keyed by path or URL, and
 * the spool buffers writes the inner store refused and replays them on `flush()`.
 */
export function fakeStoreFactories(): FakeStores {
  const databases = new Map<string, MemoryStore>();
  const opened: FakeStores['opened'] = [];
  const migrations = new Map<string, number>();
  const failures = new Map<string, unknown[]>();
  const unreachable = new Map<string, unknown>();
  const hanging = new Set<string>();
  const flushes: string[] = [];
  const closed: string[] = [];

  const database = (target: string) => {
    let store = databases.get(target);
    if (!store) {
      store = new MemoryStore();
      databases.set(target, store);
    }
    return store;
  };

  const open = (kind: 'sqlite' | 'postgres', target: string, host: string | undefined): MigratableStore => {
    opened.push({ kind, target, ...(host === undefined ? {} : { host }) });
    const shared = database(target);
    return new Proxy(shared, {
      get(store, property) {
        if (property === 'migrate') {
          return async () => {
            migrations.set(target, (migrations.get(target) ?? 0) + 1);
            if (hanging.has(target)) await new Promise<never>(() => {});
            const failure = failures.get(target)?.shift();
            if (failure !== undefined) throw failure;
          };
        }
        if (property === 'close') {
          return async () => {
            closed.push(target);
          };
        }
        const value: unknown = Reflect.get(store, property, store);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const error = kind === 'postgres' ? unreachable.get(target) : undefined;
          if (error !== undefined) return Promise.reject(error);
          return (value as (...args: unknown[]) => unknown).apply(store, args);
        };
      },
    }) as unknown as MigratableStore;
  };

  const factories: StoreFactories = {
    sqlite: async () => ({ createSqliteStore: ({ path, host }) => open('sqlite', path, host) }),
    postgres: async () => ({
      createPostgresStore: ({ connectionString, host }) => open('postgres', connectionString, host),
      redactConnectionString: (url) => {
        const parsed = new URL(url);
        if (parsed.password !== '') parsed.password = '***';
        return parsed.toString();
      },
    }),
    spool: async () => ({
      createSpooledStore: ({ store, path, maxBytes }) => {
        opened.push({ kind: 'spool', target: path, maxBytes });
        return spooled(store, path);
      },
    }),
  };

  // Every `save*` write the inner store refuses is buffered; every other call goes straight
  // through, so the fake keeps up with methods added to the Store port.
  const spooled = (inner: Store, path: string): SpooledStore => {
    const pending: (() => Promise<unknown>)[] = [];
    const flush = async () => {
      flushes.push(path);
      while (pending.length > 0) {
        await pending[0]?.();
        pending.shift();
      }
    };
    const close = async () => {
      closed.push(path);
      await inner.close();
    };
    return new Proxy(inner, {
      get(store, property) {
        if (property === 'flush') return flush;
        if (property === 'close') return close;
        const value: unknown = Reflect.get(store, property, store);
        if (typeof value !== 'function') return value;
        const call = (...args: unknown[]) =>
          (value as (...args: unknown[]) => Promise<unknown>).apply(store, args);
        if (typeof property !== 'string' || !property.startsWith('save')) return call;
        return async (...args: unknown[]) => {
          try {
            await call(...args);
          } catch {
            pending.push(() => call(...args));
          }
        };
      },
    }) as SpooledStore;
  };

  return {
    factories,
    databases,
    opened,
    migrations,
    flushes,
    closed,
    failMigrations: (target, errors) => failures.set(target, [...errors]),
    hangMigrations: (target) => hanging.add(target),
    setUnreachable: (target, error) => {
      if (error === undefined) unreachable.delete(target);
      else unreachable.set(target, error);
    },
  };
}
