import type { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { withoutSqliteExperimentalWarning } from './load-node-sqlite.js';
import { nodeSqliteDatabase, statementCacheSize } from './node-sqlite-database.js';

async function openCounted() {
  const { DatabaseSync } = await withoutSqliteExperimentalWarning(() => import('node:sqlite'));
  const database: DatabaseSync = new DatabaseSync(':memory:');
  const prepares: string[] = [];
  const prepare = database.prepare.bind(database);
  database.prepare = ((sql: string) => {
    prepares.push(sql);
    return prepare(sql);
  }) as DatabaseSync['prepare'];
  return { sqlite: nodeSqliteDatabase(database), prepares };
}

describe('nodeSqliteDatabase', () => {
  it('compiles a query text once and reuses the statement', async () => {
    const { sqlite, prepares } = await openCounted();
    sqlite.prepare('create table t (a integer)').run([]);
    for (let index = 0; index < 100; index++) sqlite.prepare('insert into t (a) values (?)').run([index]);
    const select = sqlite.prepare('select count(*) as n, sum(a) as total from t where a >= ?');
    expect(select.reader).toBe(true);
    expect(select.all([50])).toEqual([{ n: 50, total: 3725 }]);
    expect(sqlite.prepare('select count(*) as n, sum(a) as total from t where a >= ?').all([0])).toEqual([
      { n: 100, total: 4950 },
    ]);
    expect(prepares.filter((sql) => sql.startsWith('insert'))).toHaveLength(1);
    expect(prepares.filter((sql) => sql.startsWith('select'))).toHaveLength(1);
    sqlite.close();
  });

  it('keeps a bounded number, the least recently used going first', async () => {
    const { sqlite, prepares } = await openCounted();
    const texts = Array.from({ length: statementCacheSize + 1 }, (_, index) => `select ${index} as v`);
    for (const text of texts) sqlite.prepare(text).all([]);
    // The first text was pushed out by the last one: it is compiled again, the second is not.
    sqlite.prepare(texts[1]!).all([]);
    sqlite.prepare(texts[0]!).all([]);
    expect(prepares.filter((sql) => sql === texts[0])).toHaveLength(2);
    expect(prepares.filter((sql) => sql === texts[1])).toHaveLength(1);
    sqlite.close();
  });

  it('answers correctly after the schema changes under a kept statement', async () => {
    const { sqlite } = await openCounted();
    sqlite.prepare('create table t (a integer)').run([]);
    sqlite.prepare('insert into t (a) values (?)').run([1]);
    expect(sqlite.prepare('select * from t').all([])).toEqual([{ a: 1 }]);
    sqlite.prepare('alter table t add column b text').run([]);
    sqlite.prepare('update t set b = ?').run(['x']);
    expect(sqlite.prepare('select * from t').all([])).toEqual([{ a: 1, b: 'x' }]);
    sqlite.close();
  });

  it('gives a stream its own statement, so a query in between does not reset it', async () => {
    const { sqlite } = await openCounted();
    sqlite.prepare('create table t (a integer)').run([]);
    for (let index = 0; index < 5; index++) sqlite.prepare('insert into t (a) values (?)').run([index]);
    const stream = sqlite.prepare('select a from t order by a').iterate([]);
    const seen: unknown[] = [stream.next().value];
    expect(sqlite.prepare('select a from t order by a').all([])).toHaveLength(5);
    for (let next = stream.next(); !next.done; next = stream.next()) seen.push(next.value);
    expect(seen).toEqual([0, 1, 2, 3, 4].map((a) => ({ a })));
    sqlite.close();
  });
});
