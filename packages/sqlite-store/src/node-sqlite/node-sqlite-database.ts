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

/** `DatabaseSync` in the shape kysely's SqliteDialect expects (better-sqlite3's). */
export function nodeSqliteDatabase(database: DatabaseSync): SqliteDatabase {
  return {
    close: () => database.close(),
    prepare(sql: string): SqliteStatement {
      const statement = database.prepare(sql);
      const bind = (parameters: readonly unknown[]) => parameters.map(toSqliteValue);
      return {
        reader: returnsRows(statement, sql),
        all: (parameters) => statement.all(...bind(parameters)),
        run: (parameters) => statement.run(...bind(parameters)),
        iterate: (parameters) => statement.iterate(...bind(parameters)) as IterableIterator<unknown>,
      };
    },
  };
}
