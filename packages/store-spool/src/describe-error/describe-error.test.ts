import { StoreError } from '@website-monitor/core';
import { describe, expect, it } from 'vitest';
import { describeError, redactSecrets } from './describe-error.js';

describe('redactSecrets', () => {
  it('masks the password of a connection URL and keeps the rest readable', () => {
    expect(redactSecrets('cannot reach postgres://monitor:s3cr%40t@db.local:5432/monitor')).toBe(
      'cannot reach postgres://monitor:***@db.local:5432/monitor',
    );
    expect(redactSecrets('postgresql://monitor@db.local/monitor')).toBe(
      'postgresql://monitor@db.local/monitor',
    );
  });

  it('masks password settings in key=value connection strings', () => {
    expect(redactSecrets("host=db user=monitor password='a b' dbname=m")).toBe(
      'host=db user=monitor password=*** dbname=m',
    );
    expect(redactSecrets('PASSWORD=hunter2;Host=db')).toBe('PASSWORD=***;Host=db');
  });
});

describe('describeError', () => {
  it('says what a refused connection was when Node reports it with an empty message', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(describeError(new AggregateError([refused], ''))).toBe('connect ECONNREFUSED 127.0.0.1:5432');
    expect(describeError(Object.assign(new Error(''), { code: 'ETIMEDOUT' }))).toBe('ETIMEDOUT');
  });

  it('adds the cause and redacts it too', () => {
    const error = new StoreError('cannot save incident', {
      cause: new Error('password authentication failed for postgres://u:pw@h/db'),
    });
    expect(describeError(error)).toBe(
      'cannot save incident: password authentication failed for postgres://u:***@h/db',
    );
  });
});
