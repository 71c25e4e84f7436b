// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings test ${VAR} references in URLs.
import { describe, expect, it } from 'vitest';
import { describeNonPostgresUrl, isPostgresUrl, literalPasswordIssue } from './storage-url.js';

describe('isPostgresUrl / describeNonPostgresUrl', () => {
  it('accepts postgres:// and postgresql://', () => {
    expect(isPostgresUrl('postgres://app@db:5432/monitor')).toBe(true);
    expect(isPostgresUrl('postgresql://app@db/monitor?sslmode=require')).toBe(true);
    expect(describeNonPostgresUrl('postgresql:///monitor?host=/var/run/postgresql')).toBeUndefined();
  });

  it('names the wrong scheme without repeating the URL, which may hold a password', () => {
    const message = describeNonPostgresUrl('mysql://root:hunter2@db/monitor');
    expect(message).toMatch(/^expected a postgres:\/\/ or postgresql:\/\/ URL, got a mysql:\/\/ URL/);
    expect(message).not.toContain('hunter2');
    expect(describeNonPostgresUrl('host=db password=hunter2')).toMatch(/got something that is not a URL/);
    expect(describeNonPostgresUrl('host=db password=hunter2')).not.toContain('hunter2');
  });
});

describe('literalPasswordIssue', () => {
  it.each([
    'postgres://app@db/monitor',
    'postgres://app:${PGPASSWORD}@db/monitor',
    'postgres://${PGUSER}:${PGPASSWORD}@${PGHOST:-localhost}/monitor',
    '${DATABASE_URL}',
    'postgres://app@db/monitor?password=${PGPASSWORD}',
    'postgres://${PG_CREDENTIALS}@db/monitor',
  ])('accepts %s', (url) => {
    expect(literalPasswordIssue(url)).toBeUndefined();
  });

  it.each([
    'postgres://app:secret@db/monitor',
    'postgres://app:${PGPASSWORD}x@db/monitor',
    'postgres://app:${PGPASSWORD:-secret}@db/monitor',
    'postgres://app@db/monitor?sslmode=require&password=secret',
    'postgres://app:$$ecret@db/monitor',
  ])('refuses %s', (url) => {
    expect(literalPasswordIssue(url)).toBe(
      'a password is written in the file; put the password in an environment variable: ${PGPASSWORD} or DATABASE_URL',
    );
  });
});
