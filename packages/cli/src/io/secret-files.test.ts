import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MonitorError } from '@website-monitor/core';
import { describe, expect, it } from 'vitest';
import { captureIo } from './captured-io.js';
import { maxSecretFileBytes, readSecretFiles, withSecretFiles } from './secret-files.js';

function secretFile(content: string | Buffer, mode = 0o400): string {
  const file = join(mkdtempSync(join(tmpdir(), 'wm-secret-')), 'secret');
  writeFileSync(file, content);
  chmodSync(file, mode);
  return file;
}

function usageError(run: () => unknown): MonitorError {
  try {
    run();
  } catch (error) {
    if (MonitorError.isInstance(error) && error.code === 'usage') return error;
    throw error;
  }
  throw new Error('expected a usage error');
}

describe('readSecretFiles', () => {
  it('reads MONITOR_API_TOKEN_FILE, ANTHROPIC_API_KEY_FILE and DATABASE_URL_FILE, dropping one trailing newline', () => {
    const values = readSecretFiles({
      env: {
        MONITOR_API_TOKEN_FILE: secretFile('token-0123456789abcdef0123456789\n'),
        ANTHROPIC_API_KEY_FILE: secretFile('sk-ant-test-key'),
        DATABASE_URL_FILE: secretFile('postgres://monitor:p%40ss@db:5432/monitor\r\n'),
        PATH: '/usr/bin',
      },
    });
    expect(values).toEqual({
      MONITOR_API_TOKEN: 'token-0123456789abcdef0123456789',
      ANTHROPIC_API_KEY: 'sk-ant-test-key',
      DATABASE_URL: 'postgres://monitor:p%40ss@db:5432/monitor',
    });
  });

  it('keeps every other character of the value: only one trailing newline goes', () => {
    const values = readSecretFiles({ env: { PGPASSWORD_FILE: secretFile('  pass word \n\n') } });
    expect(values).toEqual({ PGPASSWORD: '  pass word \n' });
  });

  it('reads nothing when no _FILE variable is set, and ignores _FILE variables of non-secrets', () => {
    expect(readSecretFiles({ env: { MONITOR_API_TOKEN: 'x', SSL_CERT_FILE: '/etc/ssl/cert.pem' } })).toEqual(
      {},
    );
  });

  it('refuses NAME and NAME_FILE together, naming both and not the value', () => {
    const error = usageError(() =>
      readSecretFiles({
        env: { MONITOR_API_TOKEN: 'the-inline-token', MONITOR_API_TOKEN_FILE: secretFile('other') },
      }),
    );
    expect(error.message).toContain('MONITOR_API_TOKEN and MONITOR_API_TOKEN_FILE are both set');
    expect(error.message).not.toContain('the-inline-token');
  });

  it('takes the file when NAME is set but empty (ANTHROPIC_API_KEY= in an env file)', () => {
    const values = readSecretFiles({
      env: { ANTHROPIC_API_KEY: '', ANTHROPIC_API_KEY_FILE: secretFile('k\n') },
    });
    expect(values).toEqual({ ANTHROPIC_API_KEY: 'k' });
  });

  it('names the variable and the path of a missing file', () => {
    const path = join(tmpdir(), 'wm-no-such-secret', 'token');
    const error = usageError(() => readSecretFiles({ env: { MONITOR_API_TOKEN_FILE: path } }));
    expect(error.message).toBe(`MONITOR_API_TOKEN_FILE=${path}: no such file`);
  });

  it('refuses a directory, an empty file, a whitespace-only file and an empty path', () => {
    const directory = mkdtempSync(join(tmpdir(), 'wm-secret-dir-'));
    expect(usageError(() => readSecretFiles({ env: { DATABASE_URL_FILE: directory } })).message).toBe(
      `DATABASE_URL_FILE=${directory}: is a directory, not a file`,
    );
    const empty = secretFile('');
    expect(usageError(() => readSecretFiles({ env: { DATABASE_URL_FILE: empty } })).message).toBe(
      `DATABASE_URL_FILE=${empty}: the file is empty`,
    );
    const newline = secretFile(' \n');
    expect(usageError(() => readSecretFiles({ env: { DATABASE_URL_FILE: newline } })).message).toContain(
      'the file is empty',
    );
    expect(usageError(() => readSecretFiles({ env: { DATABASE_URL_FILE: '' } })).message).toBe(
      'DATABASE_URL_FILE is set but empty; give the path of a file',
    );
  });

  it('refuses a file larger than 64 KiB without reading all of it', () => {
    const big = secretFile(Buffer.alloc(maxSecretFileBytes + 1, 'a'));
    expect(usageError(() => readSecretFiles({ env: { ANTHROPIC_API_KEY_FILE: big } })).message).toBe(
      `ANTHROPIC_API_KEY_FILE=${big}: the file is larger than 64 KiB; a secret file holds only the value`,
    );
    const justFits = secretFile(Buffer.alloc(maxSecretFileBytes, 'a'));
    expect(readSecretFiles({ env: { ANTHROPIC_API_KEY_FILE: justFits } }).ANTHROPIC_API_KEY).toHaveLength(
      maxSecretFileBytes,
    );
    const endless = '/dev/zero';
    expect(usageError(() => readSecretFiles({ env: { ANTHROPIC_API_KEY_FILE: endless } })).message).toContain(
      'larger than 64 KiB',
    );
  });

  it('names the variable and the path of a file it may not read', () => {
    const error = usageError(() =>
      readSecretFiles({
        env: { MONITOR_API_TOKEN_FILE: '/run/secrets/monitor_api_token' },
        fileSystem: {
          readBounded: () => {
            throw Object.assign(
              new Error("EACCES: permission denied, open '/run/secrets/monitor_api_token'"),
              {
                code: 'EACCES',
              },
            );
          },
        },
      }),
    );
    expect(error.message).toMatch(
      /^MONITOR_API_TOKEN_FILE=\/run\/secrets\/monitor_api_token: permission denied/,
    );
  });

  it('reads the variables WEBSITE_MONITOR_SECRET_VARIABLES adds, and refuses a name that is none', () => {
    const values = readSecretFiles({
      env: {
        WEBSITE_MONITOR_SECRET_VARIABLES: 'SLACK_WEBHOOK_URL, PAGER_TOKEN',
        SLACK_WEBHOOK_URL_FILE: secretFile('https://hooks.slack.test/T/B/x\n'),
        PAGER_TOKEN_FILE: secretFile('pager'),
      },
    });
    expect(values).toEqual({ SLACK_WEBHOOK_URL: 'https://hooks.slack.test/T/B/x', PAGER_TOKEN: 'pager' });
    expect(
      usageError(() => readSecretFiles({ env: { WEBSITE_MONITOR_SECRET_VARIABLES: 'SLACK-URL' } })).message,
    ).toContain('"SLACK-URL" is not a variable name');
  });
});

describe('withSecretFiles', () => {
  it('gives the commands an env with NAME set and NAME_FILE gone, leaving the given env alone', () => {
    const file = secretFile('tok\n');
    const io = captureIo({ MONITOR_API_TOKEN_FILE: file, LOG_LEVEL: 'debug' });
    const resolved = withSecretFiles(io);
    expect(resolved.env).toEqual({ MONITOR_API_TOKEN: 'tok', LOG_LEVEL: 'debug' });
    expect(io.env).toEqual({ MONITOR_API_TOKEN_FILE: file, LOG_LEVEL: 'debug' });
    expect(resolved.stdout).toBe(io.stdout);
  });

  it('returns the same io when there is nothing to read', () => {
    const io = captureIo({ MONITOR_API_TOKEN: 'tok' });
    expect(withSecretFiles(io)).toBe(io);
  });

  it('reads a 0400 file in a 0700 directory (a Docker secret owned by the agent user)', () => {
    const directory = mkdtempSync(join(tmpdir(), 'wm-run-secrets-'));
    mkdirSync(join(directory, 'secrets'), { mode: 0o700 });
    const file = join(directory, 'secrets', 'database_url');
    writeFileSync(file, 'postgres://monitor:pw@db/monitor\n', { mode: 0o400 });
    expect(withSecretFiles(captureIo({ DATABASE_URL_FILE: file })).env.DATABASE_URL).toBe(
      'postgres://monitor:pw@db/monitor',
    );
  });
});
