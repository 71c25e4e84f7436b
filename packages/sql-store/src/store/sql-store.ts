import {
  type HealingActionRecord,
  type HealthSample,
  healthSummaryQueryProblem,
  type Logger,
  type Store,
  StoreError,
  silentLogger,
} from '@website-monitor/core';
import { startOfMinute } from '@website-monitor/core/internal';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../database/database.js';
import { fromBoolean, fromNumber, type SqlDialectName, sqlDialect } from '../dialect/sql-dialect.js';
import { createSqlMigrator } from '../migrations/migrations.js';
import {
  addToRollups,
  pruneRollups,
  type RollupSpan,
  rebuildRollups,
  recomputeRollups,
  spansOf,
  summarizeRollups,
} from '../rollups/health-rollups.js';
import {
  isRolled,
  lockWatermarksForWrite,
  rollHealthRollups,
  type Watermark,
} from '../rollups/rollup-watermarks.js';
import { approvalFromRow, approvalToRow } from '../rows/approval-row.js';
import { baselineFromRow, baselineToRow } from '../rows/baseline-row.js';
import { healingActionFromRow, healingActionToRow } from '../rows/healing-action-row.js';
import { healthSampleFromRow, healthSampleToRow } from '../rows/health-sample-row.js';
import { hostReportFromRow, hostReportToRow } from '../rows/host-row.js';
import { incidentFromRow, incidentToRow } from '../rows/incident-row.js';
import {
  actionContribution,
  applyStatsContributions,
  incidentContribution,
  negate,
  type StatsContribution,
  sampleContribution,
} from '../stats/container-stats.js';
import { insertNewHealthRows } from './insert-new-health-samples.js';
import { toStoreError } from './store-failure.js';

/** Your kysely instance, its dialect, and the host the store writes for. */
export interface CreateSqlStoreOptions {
  readonly db: Kysely<Database>;
  readonly dialect: SqlDialectName;
  /**
   * The agent's host name. When set, retention (`pruneHealthSamples`, `pruneIncidents`) only
   * removes this host's rows, so agents sharing one database each apply their own settings.
   * Reads are not scoped: pass `host` to a list method for that.
   */
  readonly host?: string;
  readonly logger?: Logger;
  /** Removes secrets (a password in a connection string) from error messages. */
  readonly redact?: (text: string) => string;
  /** Called once by `close()`; defaults to `db.destroy()`. */
  readonly onClose?: () => Promise<void>;
  /** Runs the migrator; a dialect may wrap it in its own lock. Defaults to kysely's Migrator alone. */
  readonly runMigrations?: (migrate: () => Promise<void>) => Promise<void>;
  /**
   * At most how often (ms of wall time, default 10,000) a sample write also rolls the minutes
   * older than its newest sample less two minutes into `monitor_health_rollups`; summaries read
   * the raw rows of the minutes not rolled yet. 0 rolls after every write (tests).
   */
  readonly healthRollupIntervalMs?: number;
}

/** Lifetime aggregates of one container (never reduced by retention). */
export interface ContainerStats {
  readonly host: string;
  readonly containerName: string;
  readonly checks: number;
  readonly failures: number;
  readonly restarts: number;
  readonly incidents: number;
  readonly autoHealedIncidents: number;
  /** 0 to 100; null before the first incident. */
  readonly autoHealSuccessRate: number | null;
  readonly lastSeen: number | null;
}

/** The Store port plus what only a SQL database offers. */
export interface SqlStore extends Store {
  /** Creates or upgrades the schema; safe to call from several agents at once. */
  migrate(): Promise<void>;
  /**
   * Retention for `storage.incident_retention_days`: removes resolved and escalated incidents
   * opened before `before`, with their healing actions and approvals, `batchSize` incidents
   * (default 1000) per short transaction. Open incidents are never removed. Resolves with the
   * number of incidents removed.
   */
  pruneIncidents(options: { readonly before: number; readonly batchSize?: number }): Promise<number>;
  listContainerStats(options: {
    readonly host?: string;
    readonly containerName?: string;
  }): Promise<readonly ContainerStats[]>;
  /**
   * Computes `monitor_health_rollups` (what `summarizeHealthSamples` reads) again from the raw
   * health rows, of one host or all: needed only after rows were written or removed behind the
   * store's back (by hand, a bulk import, a partial restore). One transaction; resolves with the
   * number of rollup rows (container-minutes) written.
   */
  rebuildHealthRollups(options?: { readonly host?: string }): Promise<number>;
  [Symbol.asyncDispose](): Promise<void>;
}

const defaultPruneBatchSize = 1000;
const defaultHealthRollupIntervalMs = 10_000;
/** Minutes this close to a host's newest sample may still get samples in order: not rolled yet. */
const rollupLagMs = 2 * 60_000;
/** Sample time rolled per transaction: bounds one statement's rows (SQLite runs on the event loop). */
const rollupStepMs = 30 * 60_000;
const closedIncidentStatuses = ['resolved', 'escalated'];

// biome-ignore lint/suspicious/noExplicitAny: `excluded.<column>` refs are built from column names at run time
type AnySet = any;

/** `SET col = excluded.col` for every column but the key: an upsert where the latest write wins. */
function latestWins(row: object): AnySet {
  return Object.fromEntries(
    Object.keys(row)
      .filter((column) => column !== 'id')
      .map((column) => [column, sql.ref(`excluded.${column}`)]),
  );
}

/** The parts of `spans` in minutes a host has rolled already (before its watermark). */
function rolledParts(spans: readonly RollupSpan[], watermarks: ReadonlyMap<string, Watermark>): RollupSpan[] {
  return spans.flatMap((span) => {
    const watermark = watermarks.get(span.host) ?? null;
    const to = watermark === null ? span.to : Math.min(span.to, watermark);
    return to > span.from ? [{ ...span, to }] : [];
  });
}

/**
 * Every Store method written once with kysely, for PostgreSQL and SQLite alike. Each write is a
 * short transaction that also updates `monitor_container_stats` by the row's change.
 *
 * @example
 * ```ts
 * import { Kysely, PostgresDialect } from 'kysely';
 * import pg from 'pg';
 * import { createSqlStore, type Database } from '@website-monitor/sql-store';
 *
 * const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString }) }) });
 * const store = createSqlStore({ db, dialect: 'postgres', host: 'web-1' });
 * await store.migrate(); // before the first write
 * ```
 */
export function createSqlStore(options: CreateSqlStoreOptions): SqlStore {
  const { db } = options;
  const dialect = sqlDialect(options.dialect);
  const label = dialect.name === 'postgres' ? 'PostgreSQL' : 'SQLite';
  const logger = options.logger ?? silentLogger;
  const redact = options.redact ?? ((text: string) => text);
  let closed = false;
  let closing: Promise<void> | undefined;

  async function run<T>(operation: string, work: () => Promise<T>): Promise<T> {
    if (closed) throw new StoreError(`${label} store: ${operation} failed: the store is closed`);
    try {
      return await work();
    } catch (error) {
      throw toStoreError(label, operation, error, redact);
    }
  }

  /** A limit goes into the SQL as is: refuse anything but a whole number rather than read everything. */
  function checkedLimit(operation: string, limit: number | undefined): number | undefined {
    if (limit === undefined || (Number.isSafeInteger(limit) && limit >= 0)) return limit;
    throw new StoreError(
      `${label} store: ${operation}: limit must be a whole number of at least 0, got ${limit}`,
    );
  }

  /** Per host, the newest sample this store wrote: how far the next roll may go. */
  const newestSampleByHost = new Map<string, number>();
  const rollupIntervalMs = options.healthRollupIntervalMs ?? defaultHealthRollupIntervalMs;
  let lastRollAt = Number.NEGATIVE_INFINITY;

  /**
   * Rolls the minutes behind each host's newest sample, at most once per interval: one set-based
   * pass over a few seconds of samples instead of an upsert of ~400 container-minutes per batch.
   * A failure leaves the minutes raw (summaries stay exact) and is retried next time.
   */
  async function rollIfDue(): Promise<void> {
    const now = performance.now();
    if (now - lastRollAt < rollupIntervalMs) return;
    lastRollAt = now;
    for (const [host, newest] of newestSampleByHost) {
      try {
        await rollHealthRollups(db, dialect, {
          host,
          horizon: startOfMinute(newest - rollupLagMs),
          stepMs: rollupStepMs,
        });
      } catch (error) {
        logger.log('warn', 'health_rollups_roll_failed', {
          store: label,
          host,
          error: redact(error instanceof Error ? error.message : String(error)),
        });
      }
    }
  }

  async function saveSampleChunk(
    trx: Transaction<Database>,
    samples: readonly HealthSample[],
  ): Promise<void> {
    const watermarks = await lockWatermarksForWrite(
      trx,
      dialect,
      samples.map((sample) => sample.host),
    );
    const rows = samples.map((sample) => healthSampleToRow(sample, dialect));
    const inserted = await insertNewHealthRows(trx, dialect, rows);
    const insertedIds = new Set(inserted);
    // Only samples in minutes already rolled (late, replayed from the spool) touch the rollups.
    const lateIds = samples
      .filter(
        (sample) => insertedIds.has(sample.id) && isRolled(watermarks.get(sample.host), sample.checkedAt),
      )
      .map((sample) => sample.id);
    await addToRollups(trx, dialect, lateIds);
    const contributions: StatsContribution[] = samples
      .filter((sample) => insertedIds.has(sample.id))
      .map(sampleContribution);
    const replayed = samples.filter((sample) => !insertedIds.has(sample.id));
    if (replayed.length > 0) {
      const previous = await trx
        .selectFrom('monitor_health_metrics')
        .select(['id', 'host', 'container_name', 'healthy', 'timestamp'])
        .where(
          'id',
          'in',
          replayed.map((sample) => sample.id),
        )
        .$if(dialect.supportsForUpdate, (qb) => qb.forUpdate())
        .execute();
      for (const old of previous) {
        contributions.push(
          negate(
            sampleContribution({
              host: old.host,
              containerName: old.container_name,
              healthy: fromBoolean(old.healthy),
              checkedAt: dialect.fromTime(old.timestamp),
            }),
          ),
        );
      }
      contributions.push(...replayed.map(sampleContribution));
      const replayedRows = replayed.map((sample) => healthSampleToRow(sample, dialect));
      await trx
        .insertInto('monitor_health_metrics')
        .values(replayedRows)
        .onConflict((oc) => oc.column('id').doUpdateSet(latestWins(replayedRows[0] as object)))
        .execute();
      // A rewritten row may have moved to another minute or taken an extreme with it: compute
      // the rolled minutes of its old and new versions again from the raw rows.
      const previousHosts = previous.map((old) => old.host).filter((host) => !watermarks.has(host));
      const allWatermarks =
        previousHosts.length === 0
          ? watermarks
          : new Map([...watermarks, ...(await lockWatermarksForWrite(trx, dialect, previousHosts))]);
      await recomputeRollups(
        trx,
        dialect,
        rolledParts(
          spansOf([
            ...previous.map((old) => ({
              host: old.host,
              containerName: old.container_name,
              at: dialect.fromTime(old.timestamp),
            })),
            ...replayed.map((sample) => ({
              host: sample.host,
              containerName: sample.containerName,
              at: sample.checkedAt,
            })),
          ]),
          allWatermarks,
        ),
      );
    }
    await applyStatsContributions(trx, dialect, contributions);
  }

  async function pruneInBatches(
    deleteBatch: (batchSize: number) => Promise<number>,
    batchSize: number,
  ): Promise<number> {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new StoreError(`${label} store: batchSize must be a positive integer, got ${batchSize}`);
    }
    let total = 0;
    for (;;) {
      const removed = await deleteBatch(batchSize);
      total += removed;
      if (removed < batchSize) return total;
    }
  }

  const store: SqlStore = {
    async migrate() {
      await run('migrate', async () => {
        const migrate = async () => {
          const { error, results } = await createSqlMigrator(db, dialect).migrateToLatest();
          const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
          if (error !== undefined) {
            const failed = (results ?? []).find((r) => r.status === 'Error')?.migrationName;
            const what = failed === undefined ? 'migrate' : `migration ${failed}`;
            throw toStoreError(label, what, error, redact);
          }
          if (applied.length > 0) logger.log('info', 'store_migrated', { store: label, migrations: applied });
        };
        await (options.runMigrations ? options.runMigrations(migrate) : migrate());
      });
    },

    async saveHealthSamples({ samples }) {
      if (samples.length === 0) return;
      await run('saveHealthSamples', async () => {
        // One row per id; the last copy in a batch wins, as it would if written one by one.
        // Sorted by id so concurrent writers of overlapping batches lock rows in the same order.
        const unique = [...new Map(samples.map((sample) => [sample.id, sample])).values()].sort((a, b) =>
          a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
        );
        for (let start = 0; start < unique.length; start += dialect.maxRowsPerInsert) {
          const chunk = unique.slice(start, start + dialect.maxRowsPerInsert);
          await db.transaction().execute((trx) => saveSampleChunk(trx, chunk));
        }
        for (const sample of unique) {
          const newest = newestSampleByHost.get(sample.host);
          if (newest === undefined || sample.checkedAt > newest)
            newestSampleByHost.set(sample.host, sample.checkedAt);
        }
        await rollIfDue();
      });
    },

    async saveIncident({ incident }) {
      await run('saveIncident', () =>
        db.transaction().execute(async (trx) => {
          const row = incidentToRow(incident, dialect);
          const contributions = [incidentContribution(incident)];
          const inserted = await trx
            .insertInto('monitor_incidents')
            .values(row)
            .onConflict((oc) => oc.column('id').doNothing())
            .returning('id')
            .executeTakeFirst();
          if (inserted === undefined) {
            const old = await trx
              .selectFrom('monitor_incidents')
              .select(['host', 'container_name', 'auto_healed', 'updated_at'])
              .where('id', '=', incident.id)
              .$if(dialect.supportsForUpdate, (qb) => qb.forUpdate())
              .executeTakeFirstOrThrow();
            contributions.push(
              negate(
                incidentContribution({
                  host: old.host,
                  containerName: old.container_name,
                  autoHealed: fromBoolean(old.auto_healed),
                  updatedAt: dialect.fromTime(old.updated_at),
                }),
              ),
            );
            await trx.updateTable('monitor_incidents').set(row).where('id', '=', incident.id).execute();
          }
          await applyStatsContributions(trx, dialect, contributions);
        }),
      );
    },

    async saveHealingAction({ action }) {
      await run('saveHealingAction', () =>
        db.transaction().execute(async (trx) => {
          const row = healingActionToRow(action, dialect);
          const contributions = [actionContribution(action)];
          const inserted = await trx
            .insertInto('monitor_healing_actions')
            .values(row)
            .onConflict((oc) => oc.column('id').doNothing())
            .returning('id')
            .executeTakeFirst();
          if (inserted === undefined) {
            const old = await trx
              .selectFrom('monitor_healing_actions')
              .select(['host', 'container_name', 'action', 'result', 'timestamp'])
              .where('id', '=', action.id)
              .$if(dialect.supportsForUpdate, (qb) => qb.forUpdate())
              .executeTakeFirstOrThrow();
            contributions.push(
              negate(
                actionContribution({
                  host: old.host,
                  containerName: old.container_name,
                  action: old.action,
                  result: old.result as HealingActionRecord['result'],
                  startedAt: dialect.fromTime(old.timestamp),
                }),
              ),
            );
            await trx.updateTable('monitor_healing_actions').set(row).where('id', '=', action.id).execute();
          }
          await applyStatsContributions(trx, dialect, contributions);
        }),
      );
    },

    async saveApproval({ approval }) {
      await run('saveApproval', async () => {
        const row = approvalToRow(approval, dialect);
        await db
          .insertInto('monitor_approvals')
          .values(row)
          .onConflict((oc) => oc.column('id').doUpdateSet(latestWins(row)))
          .execute();
      });
    },

    async listIncidents(query) {
      return run('listIncidents', async () => {
        checkedLimit('listIncidents', query.limit);
        if (query.statuses?.length === 0) return [];
        const rows = await db
          .selectFrom('monitor_incidents')
          .selectAll()
          .$if(query.host !== undefined, (qb) => qb.where('host', '=', query.host as string))
          .$if(query.containerName !== undefined, (qb) =>
            qb.where('container_name', '=', query.containerName as string),
          )
          .$if(query.since !== undefined, (qb) =>
            qb.where('timestamp', '>=', dialect.toTime(query.since as number)),
          )
          .$if(query.statuses !== undefined, (qb) => qb.where('status', 'in', [...(query.statuses ?? [])]))
          .orderBy('timestamp', 'desc')
          .orderBy('id', 'desc')
          .$if(query.limit !== undefined, (qb) => qb.limit(query.limit as number))
          .execute();
        return rows.map((row) => incidentFromRow(row, dialect));
      });
    },

    async listHealingActions(query) {
      return run('listHealingActions', async () => {
        // With a limit: the newest `limit` actions, still returned oldest first.
        const limit = checkedLimit('listHealingActions', query.limit);
        const newestFirst = limit !== undefined;
        const rows = await db
          .selectFrom('monitor_healing_actions')
          .selectAll()
          .$if(query.host !== undefined, (qb) => qb.where('host', '=', query.host as string))
          .$if(query.incidentId !== undefined, (qb) =>
            qb.where('incident_id', '=', query.incidentId as string),
          )
          .$if(query.containerName !== undefined, (qb) =>
            qb.where('container_name', '=', query.containerName as string),
          )
          .$if(query.since !== undefined, (qb) =>
            qb.where('timestamp', '>=', dialect.toTime(query.since as number)),
          )
          .orderBy('timestamp', newestFirst ? 'desc' : 'asc')
          .orderBy('id', newestFirst ? 'desc' : 'asc')
          .$if(newestFirst, (qb) => qb.limit(limit as number))
          .execute();
        const actions = rows.map((row) => healingActionFromRow(row, dialect));
        return newestFirst ? actions.reverse() : actions;
      });
    },

    async listHealthSamples(query) {
      return run('listHealthSamples', async () => {
        // With a limit: the newest `limit` samples, still returned oldest first.
        const limit = checkedLimit('listHealthSamples', query.limit);
        const newestFirst = limit !== undefined;
        const rows = await db
          .selectFrom('monitor_health_metrics')
          .selectAll()
          .$if(query.host !== undefined, (qb) => qb.where('host', '=', query.host as string))
          .$if(query.containerName !== undefined, (qb) =>
            qb.where('container_name', '=', query.containerName as string),
          )
          .$if(query.since !== undefined, (qb) =>
            qb.where('timestamp', '>=', dialect.toTime(query.since as number)),
          )
          .orderBy('timestamp', newestFirst ? 'desc' : 'asc')
          .orderBy('id', newestFirst ? 'desc' : 'asc')
          .$if(newestFirst, (qb) => qb.limit(limit as number))
          .execute();
        const samples = rows.map((row) => healthSampleFromRow(row, dialect));
        return newestFirst ? samples.reverse() : samples;
      });
    },

    async summarizeHealthSamples(query) {
      return run('summarizeHealthSamples', async () => {
        const problem = healthSummaryQueryProblem(query);
        if (problem !== undefined) throw new StoreError(`${label} store: summarizeHealthSamples: ${problem}`);
        return summarizeRollups(db, dialect, query);
      });
    },

    async rebuildHealthRollups(query = {}) {
      return run('rebuildHealthRollups', () => rebuildRollups(db, dialect, query));
    },

    async listApprovals(query) {
      return run('listApprovals', async () => {
        if (query.statuses?.length === 0 || query.ids?.length === 0) return [];
        const rows = await db
          .selectFrom('monitor_approvals')
          .selectAll()
          .$if(query.host !== undefined, (qb) => qb.where('host', '=', query.host as string))
          .$if(query.ids !== undefined, (qb) => qb.where('id', 'in', [...(query.ids ?? [])]))
          .$if(query.statuses !== undefined, (qb) => qb.where('status', 'in', [...(query.statuses ?? [])]))
          .orderBy('requested_at', 'asc')
          .orderBy('id', 'asc')
          .execute();
        return rows.map((row) => approvalFromRow(row, dialect));
      });
    },

    async saveBaselines({ baselines }) {
      if (baselines.length === 0) return;
      await run('saveBaselines', async () => {
        // One row per key; the last copy in a batch wins (PostgreSQL refuses to upsert a row twice in one statement).
        const unique = [
          ...new Map(baselines.map((b) => [JSON.stringify([b.host, b.containerName, b.metric]), b])).values(),
        ];
        for (let start = 0; start < unique.length; start += dialect.maxRowsPerInsert) {
          const rows = unique
            .slice(start, start + dialect.maxRowsPerInsert)
            .map((b) => baselineToRow(b, dialect));
          await db
            .insertInto('monitor_baselines')
            .values(rows)
            .onConflict((oc) =>
              oc.columns(['host', 'container_name', 'metric']).doUpdateSet({
                mean: (eb) => eb.ref('excluded.mean'),
                variance: (eb) => eb.ref('excluded.variance'),
                samples: (eb) => eb.ref('excluded.samples'),
                image: (eb) => eb.ref('excluded.image'),
                updated_at: (eb) => eb.ref('excluded.updated_at'),
              }),
            )
            .execute();
        }
      });
    },

    async listBaselines(query = {}) {
      return run('listBaselines', async () => {
        const rows = await db
          .selectFrom('monitor_baselines')
          .selectAll()
          .$if(query.host !== undefined, (qb) => qb.where('host', '=', query.host as string))
          .$if(query.containerName !== undefined, (qb) =>
            qb.where('container_name', '=', query.containerName as string),
          )
          .orderBy('container_name')
          .orderBy('metric')
          .orderBy('host')
          .execute();
        return rows.map((row) => baselineFromRow(row, dialect));
      });
    },

    async saveHostReport({ report }) {
      await run('saveHostReport', async () => {
        const row = hostReportToRow(report, dialect);
        const { host: _host, ...update } = row;
        await db
          .insertInto('monitor_hosts')
          .values(row)
          .onConflict((oc) => oc.column('host').doUpdateSet(update))
          .execute();
      });
    },

    async listHosts() {
      return run('listHosts', async () => {
        const rows = await db.selectFrom('monitor_hosts').selectAll().orderBy('host').execute();
        return rows.map((row) => hostReportFromRow(row, dialect));
      });
    },

    async listContainerStats(query) {
      return run('listContainerStats', async () => {
        const rows = await db
          .selectFrom('monitor_container_stats')
          .selectAll()
          .$if(query.host !== undefined, (qb) => qb.where('host', '=', query.host as string))
          .$if(query.containerName !== undefined, (qb) =>
            qb.where('container_name', '=', query.containerName as string),
          )
          .orderBy('host')
          .orderBy('container_name')
          .execute();
        return rows.map((row) => ({
          host: row.host,
          containerName: row.container_name,
          checks: Number(row.checks),
          failures: Number(row.failures),
          restarts: Number(row.restarts),
          incidents: Number(row.incidents),
          autoHealedIncidents: Number(row.auto_healed_incidents),
          autoHealSuccessRate: fromNumber(row.auto_heal_success_rate),
          lastSeen: row.last_seen === null ? null : dialect.fromTime(row.last_seen),
        }));
      });
    },

    async pruneHealthSamples({ before, batchSize = defaultPruneBatchSize }) {
      return run('pruneHealthSamples', async () => {
        const removed = await pruneInBatches(async (limit) => {
          // Each batch is its own short statement: no lock is held across batches.
          const result = await db
            .deleteFrom('monitor_health_metrics')
            .where('id', 'in', (eb) =>
              eb
                .selectFrom('monitor_health_metrics')
                .select('id')
                .where('timestamp', '<', dialect.toTime(before))
                .$if(options.host !== undefined, (qb) => qb.where('host', '=', options.host as string))
                .limit(limit),
            )
            .executeTakeFirst();
          return Number(result.numDeletedRows);
        }, batchSize);
        await pruneRollups(db, dialect, { before, host: options.host, batchSize });
        return removed;
      });
    },

    async pruneIncidents({ before, batchSize = defaultPruneBatchSize }) {
      return run('pruneIncidents', () =>
        pruneInBatches(
          (limit) =>
            db.transaction().execute(async (trx) => {
              // One short transaction per batch: the incidents, their actions and approvals go together.
              const batch = await trx
                .selectFrom('monitor_incidents')
                .select('id')
                .where('status', 'in', closedIncidentStatuses)
                .where('timestamp', '<', dialect.toTime(before))
                .$if(options.host !== undefined, (qb) => qb.where('host', '=', options.host as string))
                .orderBy('timestamp')
                .limit(limit)
                .execute();
              const ids = batch.map((row) => row.id);
              if (ids.length === 0) return 0;
              await trx.deleteFrom('monitor_healing_actions').where('incident_id', 'in', ids).execute();
              await trx.deleteFrom('monitor_approvals').where('incident_id', 'in', ids).execute();
              await trx.deleteFrom('monitor_incidents').where('id', 'in', ids).execute();
              return ids.length;
            }),
          batchSize,
        ),
      );
    },

    async close() {
      if (closing === undefined) {
        closed = true;
        closing = (options.onClose ?? (() => db.destroy()))().catch((error: unknown) => {
          throw toStoreError(label, 'close', error, redact);
        });
      }
      await closing;
    },

    [Symbol.asyncDispose]() {
      return store.close();
    },
  };
  return store;
}
