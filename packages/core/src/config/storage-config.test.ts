// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings test ${VAR} interpolation itself.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMonitorConfigFile } from './load-monitor-config-file.js';
import { parseMonitorConfig, validateConfigText } from './parse-monitor-config.js';

function issuesOf(text: string, env: Record<string, string> = {}) {
  const result = validateConfigText({ text, env });
  if (result.ok) throw new Error('expected the config to be rejected');
  return result.issues;
}

describe('storage config', () => {
  it('defaults to the embedded file, 30 days of samples, incidents kept, a 256 MiB spool', () => {
    expect(parseMonitorConfig({ text: '', env: {} }).storage).toEqual({
      url: undefined,
      path: './.website-monitor/monitor.db',
      retentionDays: 30,
      incidentRetentionDays: undefined,
      spoolPath: './.website-monitor/spool.db',
      spoolMaxBytes: 268_435_456,
    });
  });

  it('reads every key', () => {
    const config = parseMonitorConfig({
      env: { PGPASSWORD: 'from-env' },
      text: `storage:
  url: postgres://monitor:\${PGPASSWORD}@db.internal:5432/monitor
  path: /var/lib/website-monitor/monitor.db
  retention_days: 7
  incident_retention_days: 365
  spool_path: /var/spool/website-monitor.db
  spool_max_bytes: 64MiB
`,
    });
    expect(config.storage).toEqual({
      url: 'postgres://monitor:from-env@db.internal:5432/monitor',
      path: '/var/lib/website-monitor/monitor.db',
      retentionDays: 7,
      incidentRetentionDays: 365,
      spoolPath: '/var/spool/website-monitor.db',
      spoolMaxBytes: 64 * 1024 ** 2,
    });
  });

  it('puts the spool next to storage.path when only the path is given', () => {
    const config = parseMonitorConfig({ text: 'storage:\n  path: /data/wm/monitor.db\n', env: {} });
    expect(config.storage.spoolPath).toBe('/data/wm/spool.db');
  });

  it('accepts a byte count as a number or a size string', () => {
    const sizeOf = (value: string) =>
      parseMonitorConfig({ text: `storage:\n  spool_max_bytes: ${value}\n`, env: {} }).storage.spoolMaxBytes;
    expect(sizeOf('1048576')).toBe(1_048_576);
    expect(sizeOf('"512 MB"')).toBe(512_000_000);
    expect(sizeOf('1GiB')).toBe(1024 ** 3);
  });

  it('takes the whole URL from ${DATABASE_URL}, and no URL when it is unset and defaulted empty', () => {
    const text = 'storage:\n  url: ${DATABASE_URL:-}\n';
    expect(parseMonitorConfig({ text, env: { DATABASE_URL: 'postgresql://u:p@h/db' } }).storage.url).toBe(
      'postgresql://u:p@h/db',
    );
    expect(parseMonitorConfig({ text, env: {} }).storage.url).toBeUndefined();
  });

  it('reports a URL that is not PostgreSQL at its line, without echoing it', () => {
    const issues = issuesOf('claude:\n  enabled: false\nstorage:\n  url: mysql://root@db/monitor\n');
    expect(issues).toEqual([
      {
        path: 'storage.url',
        line: 4,
        message:
          'expected a postgres:// or postgresql:// URL, got a mysql:// URL (leave storage.url out for the embedded SQLite file)',
      },
    ]);
  });

  it('refuses a password written in the file, and never prints it', () => {
    const issues = issuesOf('storage:\n  retention_days: 7\n  url: postgres://monitor:hunter2@db/monitor\n');
    expect(issues).toEqual([
      {
        path: 'storage.url',
        line: 3,
        message:
          'a password is written in the file; put the password in an environment variable: ${PGPASSWORD} or DATABASE_URL',
      },
    ]);
    expect(JSON.stringify(issues)).not.toContain('hunter2');
  });

  it('refuses a password hidden in a ${VAR:-default}', () => {
    const issues = issuesOf('storage:\n  url: postgres://monitor:${PGPASSWORD:-hunter2}@db/monitor\n');
    expect(issues.map((issue) => issue.path)).toEqual(['storage.url']);
  });

  it('rejects non-positive retention and bad sizes, each at its own line', () => {
    const issues = issuesOf(`storage:
  retention_days: 0
  incident_retention_days: -1
  spool_max_bytes: 12 parsecs
  pathh: /tmp/x.db
`);
    expect(issues.map((issue) => [issue.line, issue.path])).toEqual([
      [2, 'storage.retention_days'],
      [3, 'storage.incident_retention_days'],
      [4, 'storage.spool_max_bytes'],
      [5, 'storage.pathh'],
    ]);
    expect(issues[0]?.message).toBe('must be greater than 0, got 0');
    expect(issues[3]?.message).toMatch(/^unknown key "pathh" \(did you mean "path"\?\)/);
  });

  it('resolves relative paths, defaults included, against the config file directory', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'wm-storage-config-'));
    try {
      const relative = join(directory, 'relative.yaml');
      await writeFile(relative, 'storage:\n  path: data/monitor.db\n');
      expect((await loadMonitorConfigFile({ path: relative, env: {} })).storage).toMatchObject({
        path: join(directory, 'data/monitor.db'),
        spoolPath: join(directory, 'data/spool.db'),
      });

      const empty = join(directory, 'empty.yaml');
      await writeFile(empty, '');
      expect((await loadMonitorConfigFile({ path: empty, env: {} })).storage).toMatchObject({
        path: join(directory, '.website-monitor/monitor.db'),
        spoolPath: join(directory, '.website-monitor/spool.db'),
      });

      const absolute = join(directory, 'absolute.yaml');
      await writeFile(absolute, 'storage:\n  path: /srv/wm/monitor.db\n  spool_path: spool/wm.db\n');
      expect((await loadMonitorConfigFile({ path: absolute, env: {} })).storage).toMatchObject({
        path: '/srv/wm/monitor.db',
        spoolPath: join(directory, 'spool/wm.db'),
      });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
