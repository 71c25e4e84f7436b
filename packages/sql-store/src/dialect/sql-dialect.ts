import { type RawBuilder, sql } from 'kysely';

/**
 * The only places where PostgreSQL and SQLite differ for this schema: column types and how a
 * time, a boolean, a JSON document and a big integer come back from the driver. Everything
 * else (queries, upserts, migrations' shape) is written once against kysely.
 */
export type SqlDialectName = 'postgres' | 'sqlite';

/** One dialect's column types and value codecs (`postgresDialect`, `sqliteDialect`). */
export interface SqlDialect {
  readonly name: SqlDialectName;
  /** Column types used by the migrations. */
  readonly types: {
    readonly timestamp: 'timestamptz' | 'integer';
    readonly json: 'jsonb' | 'text';
    readonly boolean: 'boolean' | 'integer';
    readonly double: 'double precision' | 'real';
    readonly bigint: 'bigint' | 'integer';
  };
  /** How many rows one multi-row INSERT may carry (bound parameters are limited per statement). */
  readonly maxRowsPerInsert: number;
  /** `SELECT ... FOR UPDATE` exists in PostgreSQL; SQLite serialises writers instead. */
  readonly supportsForUpdate: boolean;
  toTime(ms: number): Date | number;
  fromTime(value: Date | number | string): number;
  /** The start of the minute a time column falls in, as ms since the epoch (a bigint). */
  startOfMinute(column: string): RawBuilder<number>;
  /** A time column's value for an expression of ms since the epoch (compared with a time column). */
  timeOfMs(ms: RawBuilder<unknown>): RawBuilder<Date | number>;
  /**
   * A text column that the planner must not look up through an index: both planners otherwise
   * prefer an index whose first column is compared for equality (`host = ?`, every row of one
   * agent) over the time range that selects a few seconds of rows (PostgreSQL measured so on
   * a table not analyzed yet).
   */
  unindexed(column: string): RawBuilder<unknown>;
}

function fromAnyTime(value: Date | number | string): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  const asNumber = Number(value);
  return Number.isFinite(asNumber) ? asNumber : new Date(value).getTime();
}

/** PostgreSQL: `timestamptz`, `jsonb`, `boolean`, `bigint`. */
export const postgresDialect: SqlDialect = {
  name: 'postgres',
  types: {
    timestamp: 'timestamptz',
    json: 'jsonb',
    boolean: 'boolean',
    double: 'double precision',
    bigint: 'bigint',
  },
  // Health rows go in as one array per column (any size); other tables' multi-row inserts
  // stay well under 65535 bind parameters.
  maxRowsPerInsert: 2000,
  supportsForUpdate: true,
  toTime: (ms) => new Date(ms),
  fromTime: fromAnyTime,
  // Exact: timestamptz keeps microseconds, and epoch is numeric (not a float) since PostgreSQL 14.
  startOfMinute: (column) =>
    sql<number>`(floor(extract(epoch from ${sql.ref(column)}) * 1000 / 60000) * 60000)::bigint`,
  // Exact for whole milliseconds (numeric division, then double seconds to microseconds).
  timeOfMs: (ms) => sql<Date>`to_timestamp(${ms} / 1000.0)`,
  unindexed: (column) => sql`(${sql.ref(column)} || '')`,
};

/** SQLite: times as ms INTEGER, JSON as TEXT, booleans as 0/1. */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  // Milliseconds since the epoch: exact, compact, sorts correctly, and needs no parsing.
  types: { timestamp: 'integer', json: 'text', boolean: 'integer', double: 'real', bigint: 'integer' },
  // SQLite's default limit is 32766 bound parameters per statement.
  maxRowsPerInsert: 500,
  supportsForUpdate: false,
  toTime: (ms) => ms,
  fromTime: fromAnyTime,
  // Integer division: the column holds whole milliseconds.
  startOfMinute: (column) => sql<number>`((cast(${sql.ref(column)} as integer) / 60000) * 60000)`,
  timeOfMs: (ms) => sql<number>`${ms}`,
  // SQLite's documented way: a unary + makes the term unusable by an index.
  unindexed: (column) => sql`+${sql.ref(column)}`,
};

/**
 * The dialect of a name.
 *
 * @example
 * ```ts
 * import { sqlDialect, sqlMigrations } from '@website-monitor/sql-store';
 *
 * Object.keys(sqlMigrations(sqlDialect('sqlite'))); // ['0001_init', '0002_incident_history', ...]
 * ```
 */
export function sqlDialect(name: SqlDialectName): SqlDialect {
  return name === 'postgres' ? postgresDialect : sqliteDialect;
}

/** pg returns booleans, SQLite 0/1. */
export function fromBoolean(value: boolean | number | string): boolean {
  return value === true || value === 1 || value === '1' || value === 't';
}

/** pg returns jsonb parsed and `bigint` as a string; SQLite returns TEXT and numbers. */
export function fromJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export function fromNumber(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}
