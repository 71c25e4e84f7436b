import { defaultMonitorConfig, type StorageConfig } from '@website-monitor/core';
import { describe, expect, it } from 'vitest';
import { selectStore } from './store-selection.js';

const storage: StorageConfig = {
  ...defaultMonitorConfig().storage,
  path: '/data/monitor.db',
  spoolPath: '/data/spool.db',
};

describe('selectStore', () => {
  it('uses the SQLite file when neither DATABASE_URL nor storage.url is set', () => {
    expect(selectStore({ storage, env: {} })).toEqual({
      selection: { kind: 'sqlite', path: '/data/monitor.db' },
      warnings: [],
    });
  });

  it('uses storage.url, with the spool settings', () => {
    const { selection } = selectStore({ storage: { ...storage, url: 'postgres://wm@db/monitor' }, env: {} });
    expect(selection).toEqual({
      kind: 'postgres',
      url: 'postgres://wm@db/monitor',
      source: 'storage.url',
      spoolPath: '/data/spool.db',
      spoolMaxBytes: 256 * 1024 ** 2,
    });
  });

  it('lets DATABASE_URL win over storage.url', () => {
    const { selection, warnings } = selectStore({
      storage: { ...storage, url: 'postgres://wm@file-db/monitor' },
      env: { DATABASE_URL: 'postgresql://wm:pw@env-db/monitor' },
    });
    expect(selection).toMatchObject({
      kind: 'postgres',
      url: 'postgresql://wm:pw@env-db/monitor',
      source: 'DATABASE_URL',
    });
    expect(warnings).toEqual([]);
  });

  it('switches from SQLite to PostgreSQL on DATABASE_URL alone', () => {
    const { selection } = selectStore({ storage, env: { DATABASE_URL: 'postgres://wm@env-db/monitor' } });
    expect(selection.kind).toBe('postgres');
  });

  it('ignores an empty DATABASE_URL', () => {
    expect(selectStore({ storage, env: { DATABASE_URL: '  ' } })).toEqual({
      selection: { kind: 'sqlite', path: '/data/monitor.db' },
      warnings: [],
    });
  });

  it('ignores, with a warning, a DATABASE_URL meant for another database', () => {
    const { selection, warnings } = selectStore({ storage, env: { DATABASE_URL: 'mysql://root:pw@db/app' } });
    expect(selection).toEqual({ kind: 'sqlite', path: '/data/monitor.db' });
    expect(warnings).toEqual([
      'DATABASE_URL is set but is not a postgres:// or postgresql:// URL; ignoring it (using the SQLite file /data/monitor.db)',
    ]);
    const withUrl = selectStore({
      storage: { ...storage, url: 'postgres://wm@file-db/monitor' },
      env: { DATABASE_URL: 'mysql://root:pw@db/app' },
    });
    expect(withUrl.selection).toMatchObject({ source: 'storage.url' });
    expect(withUrl.warnings[0]).toMatch(/ignoring it \(using storage\.url\)$/);
  });
});
