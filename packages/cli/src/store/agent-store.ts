import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  type Clock,
  type EngineLeaseStore,
  type Logger,
  MonitorError,
  type Store,
} from '@website-monitor/core';
import { backoffDelayMs, isEngineLeaseStore } from '@website-monitor/core/internal';
import { DatabaseUnavailableError, describeDatabaseFailure, withoutPassword } from './database-failure.js';
import { attempt } from './open-store.js';
import { openSpoolSlot } from './spool-slots.js';
import type { StoreFactories } from './store-factories.js';
import type { StoreSelection } from './store-selection.js';

/** What `run` hands the agent, and how to let go of it once the agent has stopped. */
export interface AgentStore {
  readonly store: Store;
  /** Safe to print: the SQLite file, or the URL with its password masked. */
  readonly where: string;
  /** Resolves once the schema is in place (at once for SQLite); never rejects. */
  readonly migrated: Promise<void>;
  /** The store's engine leases (one agent per engine), straight from the database, never spooled. */
  readonly leases?: EngineLeaseStore;
  readonly close: () => Promise<void>;
}

export interface OpenAgentStoreOptions {
  readonly selection: StoreSelection;
  readonly factories: StoreFactories;
  readonly logger: Logger;
  /** The agent's host name: the store's retention only removes this host's rows. */
  readonly host: string;
  readonly clock: Clock;
  /** A line for a person (stderr), once per change between reachable and not. */
  readonly say: (line: string) => void;
  /** How long `run` waits for the first migration attempt before starting the agent anyway. */
  readonly startWaitMs?: number;
  /** For the retry jitter. */
  readonly random?: () => number;
}

/** Migration retries: 1 s doubling to one minute, equal jitter (see core's `backoffDelayMs`). */
const retryInitialMs = 1_000;
const retryMaxMs = 60_000;

/**
 * Opens the store `run` gives the agent.
 *
 * SQLite: the file (and its directory) is created and migrated before the agent starts; a file
 * that cannot be opened stops `run` with one line (`DatabaseUnavailableError`, exit 1).
 *
 * PostgreSQL: the store is wrapped in the on-disk spool, and the agent starts whether or not the
 * database answers. The migration runs first; if it fails ("Database not ready", wrong host, a
 * restart), the agent starts anyway after the first attempt (or `startWaitMs`), every write goes
 * to the spool, and the migration is retried with backoff in the background until it succeeds,
 * after which the spool is replayed. The URL is only ever shown redacted.
 */
export async function openAgentStore(options: OpenAgentStoreOptions): Promise<AgentStore> {
  const { selection, factories, logger } = options;
  if (selection.kind === 'sqlite') {
    const sqlite = await factories.sqlite();
    const store = await attempt(selection.path, undefined, async () => {
      await mkdir(dirname(selection.path), { recursive: true });
      const opened = sqlite.createSqliteStore({ path: selection.path, host: options.host, logger });
      try {
        await opened.migrate();
      } catch (error) {
        await opened.close().catch(() => {});
        throw error;
      }
      return opened;
    });
    logger.log('info', 'store_opened', { kind: 'sqlite', path: selection.path });
    return {
      store,
      where: selection.path,
      migrated: Promise.resolve(),
      ...(isEngineLeaseStore(store) ? { leases: store } : {}),
      close: () => store.close(),
    };
  }

  const [postgresModule, spoolModule] = await Promise.all([factories.postgres(), factories.spool()]);
  const where = postgresModule.redactConnectionString(selection.url);
  const postgres = postgresModule.createPostgresStore({
    connectionString: selection.url,
    host: options.host,
    logger,
  });
  // Another agent on this host (a standby beside its active agent) may hold the configured spool:
  // this one then takes the next free slot beside it.
  const { spool: spooled, path: spoolPath } = await openSpool(selection.spoolPath, () =>
    openSpoolSlot(selection.spoolPath, async (slotPath) => {
      await mkdir(dirname(slotPath), { recursive: true });
      return spoolModule.createSpooledStore({
        store: postgres,
        path: slotPath,
        maxBytes: selection.spoolMaxBytes,
        logger,
      });
    }),
  ).catch(async (error: unknown) => {
    await postgres.close().catch(ignore);
    throw error;
  });
  logger.log('info', 'store_opened', {
    kind: 'postgres',
    url: where,
    source: selection.source,
    spool_path: spoolPath,
    spool_max_bytes: selection.spoolMaxBytes,
    ...(spoolPath === selection.spoolPath ? {} : { configured_spool_path: selection.spoolPath }),
  });

  const stop = new AbortController();
  const migration = superviseMigration({
    ...options,
    where,
    url: selection.url,
    spoolPath,
    migrate: () => postgres.migrate(),
    afterMigrate: () => spooled.flush(),
    signal: stop.signal,
  });
  const waitForFirst = new AbortController();
  await Promise.race([
    migration.firstAttempt,
    options.clock.sleep(options.startWaitMs ?? 10_000, waitForFirst.signal).then(() => {
      options.say(
        `website-monitor: the database at ${where} has not answered within ${Math.round((options.startWaitMs ?? 10_000) / 1000)} s; starting anyway, writes are spooled to ${spoolPath}\n`,
      );
    }, ignore),
  ]);
  waitForFirst.abort();

  return {
    store: spooled,
    where,
    migrated: migration.done,
    ...(isEngineLeaseStore(postgres) ? { leases: postgres } : {}),
    close: async () => {
      stop.abort();
      // A migration stuck in connect() must not hold the agent's exit; the spool's close ends the pool.
      await spooled.close();
    },
  };
}

interface SuperviseOptions extends OpenAgentStoreOptions {
  readonly where: string;
  readonly url: string;
  readonly spoolPath: string;
  readonly migrate: () => Promise<void>;
  readonly afterMigrate: () => Promise<void>;
  readonly signal: AbortSignal;
}

/** Migrates, retrying with backoff until it works or `signal` aborts. Never rejects. */
function superviseMigration(options: SuperviseOptions): { firstAttempt: Promise<void>; done: Promise<void> } {
  const { logger, clock, signal, where, url } = options;
  const random = options.random ?? Math.random;
  let settleFirst: () => void = () => {};
  const firstAttempt = new Promise<void>((resolve) => {
    settleFirst = resolve;
  });

  const done = (async () => {
    for (let failures = 0; !signal.aborted; ) {
      try {
        await options.migrate();
        if (signal.aborted) return;
        logger.log('info', 'database_migrated', { url: where, attempts: failures + 1 });
        if (failures > 0)
          options.say(`website-monitor: the database at ${where} answers again; replaying the spool\n`);
        settleFirst();
        await options.afterMigrate().catch((error: unknown) => {
          logger.log('warn', 'spool_flush_failed', { url: where, error: reason(error, url) });
        });
        return;
      } catch (error) {
        if (signal.aborted) return;
        failures += 1;
        const delayMs = backoffDelayMs({
          attempt: failures,
          initialMs: retryInitialMs,
          maxMs: retryMaxMs,
          random,
        });
        const why = reason(error, url);
        logger.log(failures === 1 ? 'error' : 'warn', 'database_unavailable', {
          url: where,
          error: why,
          attempt: failures,
          retry_in_ms: delayMs,
        });
        if (failures === 1) {
          options.say(
            `website-monitor: cannot reach the database at ${where}: ${why}; writes are spooled to ${options.spoolPath} and the migration is retried with backoff (the agent keeps running)\n`,
          );
        }
        settleFirst();
        await clock.sleep(delayMs, signal).catch(ignore);
      }
    }
  })();
  return { firstAttempt, done };
}

/**
 * The spool refuses to open when another agent holds it, or it is not a spool file: a setup
 * problem for a person, said in one line (exit 1), like a file system error on its path.
 */
async function openSpool<Result>(path: string, open: () => Promise<Result>): Promise<Result> {
  try {
    return await open();
  } catch (error) {
    const fileProblem = describeDatabaseFailure(error);
    if (fileProblem === undefined && !(MonitorError.isInstance(error) && error.code === 'store')) throw error;
    throw new DatabaseUnavailableError(path, fileProblem ?? (error as Error).message, {
      cause: error,
      subject: 'spool',
    });
  }
}

function reason(error: unknown, url: string): string {
  const text = describeDatabaseFailure(error) ?? (error instanceof Error ? error.message : String(error));
  return withoutPassword(text, url);
}

function ignore(): void {}
