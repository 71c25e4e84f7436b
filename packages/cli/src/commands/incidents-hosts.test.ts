import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Incident, MonitorError, silentLogger } from '@website-monitor/core';
import { FakeClock } from '@website-monitor/core/testing';
import { createSqliteStore } from '@website-monitor/sqlite-store';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../io/captured-io.js';
import { runCli } from '../main.js';
import { packageStoreFactories } from '../store/store-factories.js';
import { type IncidentsOptions, incidentsCommand } from './incidents.js';

const now = Date.UTC(2026, 11, 4, 12);

function incident(id: string, host: string, containerName: string, minutesAgo: number): Incident {
  return {
    id,
    host,
    containerId: `${containerName}-id`,
    containerName,
    trigger: 'container_stopped',
    problems: [{ kind: 'container_stopped', message: 'exited with code 1' }],
    status: 'resolved',
    openedAt: now - minutesAgo * 60_000,
    updatedAt: now - minutesAgo * 60_000,
    resolvedAt: now - minutesAgo * 60_000 + 2_000,
    exitCode: 1,
    oomKilled: false,
    diagnosis: null,
    actionsTaken: ['restart_container'],
    autoHealed: true,
    escalationReason: null,
  };
}

let configPath: string;

beforeAll(async () => {
  const directory = mkdtempSync(join(tmpdir(), 'wm-incidents-hosts-'));
  configPath = join(directory, 'monitor.yaml');
  writeFileSync(configPath, 'storage:\n  path: data/monitor.db\n');
  const store = createSqliteStore({ path: join(directory, 'data/monitor.db') });
  await store.migrate();
  await store.saveIncident({ incident: incident('a1', 'web-1', 'shop', 5) });
  await store.saveIncident({ incident: incident('b1', 'web-2', 'api', 10) });
  await store.close();
});

async function incidents(options: Omit<IncidentsOptions, 'config'>) {
  const io = captureIo({});
  const code = await incidentsCommand({ config: configPath, ...options }, io, {
    factories: packageStoreFactories,
    clock: new FakeClock({ start: now }),
    logger: silentLogger,
  });
  return { code, out: io.out(), err: io.err() };
}

async function usage(options: Omit<IncidentsOptions, 'config'>): Promise<string> {
  try {
    await incidents(options);
  } catch (error) {
    if (MonitorError.isInstance(error) && error.code === 'usage') return error.message;
    throw error;
  }
  throw new Error('expected a usage error');
}

describe('website-monitor incidents --host / --all-hosts (issue 12, item 1)', () => {
  it('--host NAME lists that host only', async () => {
    const { code, out } = await incidents({ host: 'web-2', json: true });
    expect(code).toBe(0);
    expect(JSON.parse(out).map((row: { id: string; host: string }) => [row.host, row.id])).toEqual([
      ['web-2', 'b1'],
    ]);
    const none = await incidents({ host: 'web-9' });
    expect(none.out).toBe('no incidents on host web-9 in the last 24 hours\n');
  });

  it('--all-hosts lists every host with a HOST column, even when one host has rows', async () => {
    const all = await incidents({ allHosts: true });
    expect(all.out.split('\n')[0]).toMatch(/^OPENED \(UTC\)\s+HOST\s+CONTAINER/);
    expect(all.out).toContain('web-1');
    expect(all.out).toContain('web-2');
    const one = await incidents({ allHosts: true, container: 'shop' });
    expect(one.out.split('\n')[0]).toContain('HOST');
    const plain = await incidents({ host: 'web-1' });
    expect(plain.out.split('\n')[0]).not.toContain('HOST');
  });

  it('refuses a bad --host, and --host with --all-hosts (exit 2)', async () => {
    expect(await usage({ host: '*' })).toMatch(/^--host: /);
    expect(await usage({ host: ' x' })).toMatch(/^--host: .*spaces/);
    expect(await usage({ host: 'x'.repeat(254) })).toMatch(/^--host: .*253/);
    expect(await usage({ host: 'web-1', allHosts: true })).toContain('--host and --all-hosts');
  });

  it('takes --host and --all-hosts on the command line (main registers both)', async () => {
    const cli = async (...flags: string[]) => {
      const io = captureIo({});
      const deps = {
        clock: new FakeClock({ start: now }),
        logger: silentLogger,
        storeFactories: packageStoreFactories,
      };
      const code = await runCli(['incidents', '-c', configPath, ...flags], io, deps);
      return { code, out: io.out(), err: io.err() };
    };
    const one = await cli('--host', 'web-2', '--json');
    expect(one.code, one.err).toBe(0);
    expect(JSON.parse(one.out).map((row: { host: string }) => row.host)).toEqual(['web-2']);
    const all = await cli('--all-hosts');
    expect(all.code, all.err).toBe(0);
    expect(all.out).toContain('HOST');
    const both = await cli('--host', 'web-2', '--all-hosts');
    expect(both.code).toBe(2);
    expect(both.err).toContain('--host and --all-hosts');
  });
});
