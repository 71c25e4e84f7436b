import { StoreError } from '@website-monitor/core';
import { describe, expect, it } from 'vitest';
import { DatabaseUnavailableError, describeDatabaseFailure, withoutPassword } from './database-failure.js';
import { attempt } from './open-store.js';

function errorWith(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

describe('describeDatabaseFailure', () => {
  it('recognises a refused connection inside a store error', () => {
    const refused = errorWith('connect ECONNREFUSED 127.0.0.1:5433', { code: 'ECONNREFUSED' });
    const wrapped = new StoreError('postgres store: migrate failed: connect ECONNREFUSED', {
      cause: refused,
    });
    expect(describeDatabaseFailure(wrapped)).toBe('connect ECONNREFUSED 127.0.0.1:5433');
  });

  it('reads the addresses out of an empty AggregateError (every address refused)', () => {
    const error = Object.assign(
      new AggregateError([
        errorWith('connect ECONNREFUSED ::1:5433', { code: 'ECONNREFUSED' }),
        errorWith('connect ECONNREFUSED 127.0.0.1:5433', { code: 'ECONNREFUSED' }),
      ]),
      { code: 'ECONNREFUSED' },
    );
    expect(describeDatabaseFailure(error)).toBe(
      'connect ECONNREFUSED ::1:5433; connect ECONNREFUSED 127.0.0.1:5433',
    );
  });

  it('recognises PostgreSQL refusing us, and a schema that was never migrated', () => {
    expect(
      describeDatabaseFailure(errorWith('password authentication failed for user "wm"', { code: '28P01' })),
    ).toBe('password authentication failed for user "wm"');
    expect(describeDatabaseFailure(errorWith('database "nope" does not exist', { code: '3D000' }))).toBe(
      'database "nope" does not exist',
    );
    expect(
      describeDatabaseFailure(errorWith('relation "monitor_incidents" does not exist', { code: '42P01' })),
    ).toMatch(/run `website-monitor db migrate`$/);
    expect(describeDatabaseFailure(errorWith('no such table: monitor_incidents', { errcode: 1 }))).toMatch(
      /run `website-monitor db migrate`$/,
    );
  });

  it('recognises an SQLite file that cannot be opened', () => {
    expect(describeDatabaseFailure(errorWith('unable to open database file', { errcode: 14 }))).toBe(
      'unable to open database file',
    );
  });

  it('leaves anything else to be reported as a bug', () => {
    expect(describeDatabaseFailure(new TypeError('cannot read properties of undefined'))).toBeUndefined();
    expect(
      describeDatabaseFailure(errorWith('syntax error at or near "SELEC"', { code: '42601' })),
    ).toBeUndefined();
  });
});

describe('withoutPassword', () => {
  it('masks the password, raw and decoded, and the whole URL', () => {
    const url = 'postgres://wm:p%40ss-word@db/monitor';
    expect(withoutPassword(`failed for ${url}`, url)).toBe('failed for [connection string]');
    expect(withoutPassword('bad password p%40ss-word or p@ss-word', url)).toBe('bad password *** or ***');
    expect(withoutPassword('a b c', 'postgres://wm:b@db/x')).toBe('a b c');
  });
});

describe('attempt', () => {
  it('turns a database failure into one DatabaseUnavailableError naming where, password scrubbed', async () => {
    const url = 'postgres://wm:hunter22@127.0.0.1:1/monitor';
    const error = await attempt('postgres://wm:***@127.0.0.1:1/monitor', url, async () => {
      throw errorWith('password authentication failed: hunter22', { code: '28P01' });
    }).catch((caught: unknown) => caught);
    expect(DatabaseUnavailableError.is(error)).toBe(true);
    expect((error as Error).message).toBe(
      'cannot reach the database at postgres://wm:***@127.0.0.1:1/monitor: password authentication failed: ***',
    );
  });

  it('tells a database without tables to run db migrate', async () => {
    const error = await attempt('postgres://wm@db/monitor', undefined, async () => {
      throw new StoreError('postgres store: listIncidents failed', {
        cause: errorWith('relation "monitor_incidents" does not exist', { code: '42P01' }),
      });
    }).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe(
      'the database at postgres://wm@db/monitor has no website-monitor tables yet; run `website-monitor db migrate`',
    );
  });

  it('rethrows a bug unchanged', async () => {
    const bug = new TypeError('x is not a function');
    await expect(attempt('somewhere', undefined, async () => Promise.reject(bug))).rejects.toBe(bug);
  });
});
