import type { HealingActionRecord, HealthSample, Incident } from '@website-monitor/core';
import { normalizeActionName } from '@website-monitor/core/internal';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../database/database.js';
import type { SqlDialect } from '../dialect/sql-dialect.js';

/**
 * What one stored row adds to its container's aggregates. The store keeps
 * `monitor_container_stats` equal to the sum of every row's contribution by applying
 * `contribution(new) - contribution(old)` in the transaction that writes the row: a replayed
 * write changes nothing, and a status change (an incident becoming auto-healed, a pending
 * restart finishing) is counted exactly once.
 */
export interface StatsContribution {
  readonly host: string;
  readonly containerName: string;
  readonly checks: number;
  readonly failures: number;
  readonly restarts: number;
  readonly incidents: number;
  readonly autoHealedIncidents: number;
  /** The latest time this row shows the container at; `last_seen` only moves forward. */
  readonly seenAt: number | null;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const zero = { checks: 0, failures: 0, restarts: 0, incidents: 0, autoHealedIncidents: 0 };

export function sampleContribution(
  sample: Pick<HealthSample, 'host' | 'containerName' | 'healthy' | 'checkedAt'>,
): StatsContribution {
  return {
    ...zero,
    host: sample.host,
    containerName: sample.containerName,
    checks: 1,
    failures: sample.healthy ? 0 : 1,
    seenAt: sample.checkedAt,
  };
}

export function incidentContribution(
  incident: Pick<Incident, 'host' | 'containerName' | 'autoHealed' | 'updatedAt'>,
): StatsContribution {
  return {
    ...zero,
    host: incident.host,
    containerName: incident.containerName,
    incidents: 1,
    autoHealedIncidents: incident.autoHealed ? 1 : 0,
    seenAt: incident.updatedAt,
  };
}

/** A restart counts once it was attempted: pending, skipped and dry runs restarted nothing. */
export function actionContribution(
  action: Pick<HealingActionRecord, 'host' | 'containerName' | 'action' | 'result' | 'startedAt'>,
): StatsContribution {
  const attemptedRestart =
    normalizeActionName(action.action) === 'restart_container' &&
    (action.result === 'succeeded' || action.result === 'failed');
  return {
    ...zero,
    host: action.host,
    containerName: action.containerName,
    restarts: attemptedRestart ? 1 : 0,
    seenAt: action.startedAt,
  };
}

export function negate(contribution: StatsContribution): StatsContribution {
  return {
    host: contribution.host,
    containerName: contribution.containerName,
    checks: -contribution.checks,
    failures: -contribution.failures,
    restarts: -contribution.restarts,
    incidents: -contribution.incidents,
    autoHealedIncidents: -contribution.autoHealedIncidents,
    seenAt: null,
  };
}

/** Sums contributions per container, so a batch of samples costs one statement per container. */
export function sumContributions(contributions: readonly StatsContribution[]): StatsContribution[] {
  const byContainer = new Map<string, StatsContribution>();
  for (const c of contributions) {
    const key = JSON.stringify([c.host, c.containerName]);
    const previous = byContainer.get(key);
    if (previous === undefined) {
      byContainer.set(key, c);
      continue;
    }
    byContainer.set(key, {
      host: c.host,
      containerName: c.containerName,
      checks: previous.checks + c.checks,
      failures: previous.failures + c.failures,
      restarts: previous.restarts + c.restarts,
      incidents: previous.incidents + c.incidents,
      autoHealedIncidents: previous.autoHealedIncidents + c.autoHealedIncidents,
      seenAt:
        previous.seenAt === null
          ? c.seenAt
          : c.seenAt === null
            ? previous.seenAt
            : Math.max(previous.seenAt, c.seenAt),
    });
  }
  // A fixed order, so two transactions touching the same containers lock their rows in the same order.
  return [...byContainer.values()].sort(
    (a, b) => compare(a.host, b.host) || compare(a.containerName, b.containerName),
  );
}

export async function applyStatsContributions(
  db: Kysely<Database> | Transaction<Database>,
  dialect: SqlDialect,
  contributions: readonly StatsContribution[],
): Promise<void> {
  const summed = sumContributions(contributions);
  if (summed.length === 0) return;
  // One statement for every container touched: sums are per container, so no key repeats.
  await db
    .insertInto('monitor_container_stats')
    .values(
      summed.map((c) => ({
        host: c.host,
        container_name: c.containerName,
        checks: c.checks,
        failures: c.failures,
        restarts: c.restarts,
        incidents: c.incidents,
        auto_healed_incidents: c.autoHealedIncidents,
        last_seen: c.seenAt === null ? null : dialect.toTime(c.seenAt),
      })),
    )
    .onConflict((oc) =>
      oc.columns(['host', 'container_name']).doUpdateSet({
        checks: sql`monitor_container_stats.checks + excluded.checks`,
        failures: sql`monitor_container_stats.failures + excluded.failures`,
        restarts: sql`monitor_container_stats.restarts + excluded.restarts`,
        incidents: sql`monitor_container_stats.incidents + excluded.incidents`,
        auto_healed_incidents: sql`monitor_container_stats.auto_healed_incidents + excluded.auto_healed_incidents`,
        // CASE rather than GREATEST/max: PostgreSQL's GREATEST skips NULLs, SQLite's max() returns NULL.
        last_seen: sql`CASE WHEN monitor_container_stats.last_seen IS NULL OR excluded.last_seen > monitor_container_stats.last_seen THEN excluded.last_seen ELSE monitor_container_stats.last_seen END`,
      }),
    )
    .execute();
}
