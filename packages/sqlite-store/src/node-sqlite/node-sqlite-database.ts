import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** node:sqlite binds numbers, strings, bigints, buffers and null; kysely also hands us booleans. */
function toSqliteValue(value: unknown): SQLInputValue {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.getTime();
  return value as SQLInputValue;
}

/** Whether a statement returns rows (a SELECT, a PRAGMA, an INSERT ... RETURNING). */
function returnsRows(statement: StatementSync, sql: string): boolean {
  // `columns()` arrived in Node 22.16; before that, recognise row-returning statements by their text.
  if (typeof statement.columns === 'function') return statement.columns().length > 0;
  return /^\s*(select|with|pragma|values)\b/i.test(sql) || /\breturning\b/i.test(sql);
}

/**
 * Prepared statements kept per SQL text. kysely asks for a statement on every query; compiling
 * one each time cost the idle agent's embedded store 6 % of its busy time (89 of 1,571 ms in a
 * profile of 500 watched containers). Reusing one is safe: kysely holds the connection (and so
 * the statement) for one query at a time, and SQLite re-prepares a statement by itself after a
 * schema change. Bounded, least recently used out: queries with a variable number of
 * parameters (`in (...)` lists) make new texts.
 */
export const statementCacheSize = 128;

/** `DatabaseSync` in the shape kysely's SqliteDialect expects (better-sqlite3's). */
export function nodeSqliteDatabase(database: DatabaseSync): SqliteDatabase {
  const cache = new Map<string, { readonly statement: StatementSync; readonly reader: boolean }>();
  const prepared = (sql: string) => {
    const known = cache.get(sql);
    if (known) {
      // Most recently used last: Map keeps insertion order.
      cache.delete(sql);
      cache.set(sql, known);
      return known;
    }
    const statement = database.prepare(sql);
    const entry = { statement, reader: returnsRows(statement, sql) };
    cache.set(sql, entry);
    if (cache.size > statementCacheSize) cache.delete(cache.keys().next().value!);
    return entry;
  };
  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare(sql: string): SqliteStatement {
      const { statement, reader } = prepared(sql);
      const bind = (parameters: readonly unknown[]) => parameters.map(toSqliteValue);
      return {
        reader,
        all: (parameters) => statement.all(...bind(parameters)),
        run: (parameters) => statement.run(...bind(parameters)),
        // A stream may be left open by its reader: it gets a statement of its own, so a cached
        // one is never reset under it.
        iterate: (parameters) =>
          database.prepare(sql).iterate(...bind(parameters)) as IterableIterator<unknown>,
      };
    },
  };
}
