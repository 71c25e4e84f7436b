import { describe, expect, it } from 'vitest';
import { connectionStringPassword, redactConnectionString } from './redact-connection-string.js';

describe('redactConnectionString', () => {
  it('hides the password of a URL and keeps the rest readable', () => {
    expect(redactConnectionString('postgres://monitor:s3cr3t@db.internal:5432/wm')).toBe(
      'postgres://monitor:***@db.internal:5432/wm',
    );
    expect(redactConnectionString('postgresql://monitor:p%40ss%3Aword@127.0.0.1/wm?sslmode=require')).toBe(
      'postgresql://monitor:***@127.0.0.1/wm?sslmode=require',
    );
  });

  it('redacts inside longer text, several times', () => {
    expect(redactConnectionString('failed: postgres://a:one@h1/db then postgres://b:two@h2/db')).toBe(
      'failed: postgres://a:***@h1/db then postgres://b:***@h2/db',
    );
  });

  it('hides password= pairs of keyword/value strings and query parameters', () => {
    expect(redactConnectionString("host=db user=monitor password='with space' dbname=wm")).toBe(
      'host=db user=monitor password=*** dbname=wm',
    );
    expect(redactConnectionString('postgres://db/wm?user=monitor&password=hunter2&ssl=true')).toBe(
      'postgres://db/wm?user=monitor&password=***&ssl=true',
    );
  });

  it('leaves strings without a password alone', () => {
    expect(redactConnectionString('postgres://postgres@127.0.0.1:5432/postgres')).toBe(
      'postgres://postgres@127.0.0.1:5432/postgres',
    );
    expect(redactConnectionString('http://127.0.0.1:8080/health')).toBe('http://127.0.0.1:8080/health');
  });
});

describe('connectionStringPassword', () => {
  it('finds the decoded password of a URL or a keyword/value string', () => {
    expect(connectionStringPassword('postgres://u:p%40ss@h/db')).toBe('p@ss');
    expect(connectionStringPassword('host=h password=hunter2')).toBe('hunter2');
    expect(connectionStringPassword('postgres://u@h/db')).toBeUndefined();
  });
});
