import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Incident } from '@website-monitor/core';
import { FakeClock } from '@website-monitor/core/testing';
import { createSqliteStore } from '@website-monitor/sqlite-store';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../io/captured-io.js';
import { runCli } from '../main.js';

const now = Date.UTC(2026, 10, 28, 12, 0, 0);
const minute = 60_000;

function incident(
  overrides: Partial<Incident> & Pick<Incident, 'id' | 'containerName' | 'openedAt'>,
): Incident {
  return {
    host: 'local',
    containerId: `${overrides.containerName}-id`,
    trigger: 'container_stopped',
    problems: [{ kind: 'container_stopped', message: 'exited with code 1' }],
    status: 'resolved',
    updatedAt: overrides.openedAt,
    resolvedAt: null,
    exitCode: 1,
    oomKilled: false,
    diagnosis: null,
    actionsTaken: [],
    autoHealed: false,
    escalationReason: null,
    ...overrides,
  };
}

const incidents: Incident[] = [
  incident({
    id: 'i-healed',
    containerName: 'shop-web',
    trigger: 'http_failed',
    openedAt: now - 30 * minute,
    resolvedAt: now - 30 * minute + 554,
    diagnosis: {
      diagnosis: 'Server error: shop-web answers HTTP 500',
      recommendedAction: 'restart_container',
      urgency: 'medium',
      confidence: 65,
      reasoning: 'HTTP 500 twice in a row',
      source: 'rules',
    },
    actionsTaken: ['restart_container'],
    autoHealed: true,
  }),
  incident({
    id: 'i-escalated',
    containerName: 'shop-db',
    trigger: 'oom_killed',
    status: 'escalated',
    openedAt: now - 2 * 60 * minute,
    oomKilled: true,
    exitCode: 137,
    actionsTaken: ['restart_container', 'restart_container'],
    escalationReason: 'restart budget spent',
  }),
  incident({
    id: 'i-open',
    containerName: 'shop-web',
    status: 'open',
    openedAt: now - 5 * minute,
  }),
  incident({
    id: 'i-old',
    containerName: 'shop-web',
    openedAt: now - 30 * 60 * minute,
    resolvedAt: now - 29 * 60 * minute,
  }),
];

let directory: string;
let configPath: string;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'wm-incidents-'));
  configPath = join(directory, 'monitor.yaml');
  writeFileSync(configPath, 'storage:\n  path: data/monitor.db\n');
  const store = createSqliteStore({ path: join(directory, 'data/monitor.db') });
  await store.migrate();
  for (const row of incidents) await store.saveIncident({ incident: row });
  await store.close();
});

async function incidentsCli(args: readonly string[], env: Record<string, string> = {}) {
  const io = captureIo(env);
  const code = await runCli(['incidents', ...args], io, { clock: new FakeClock({ start: now }) });
  return { code, out: io.out(), err: io.err() };
}

describe('website-monitor incidents', () => {
  it('prints the last 24 hours as a table, newest first, from the configured SQLite file', async () => {
    const { code, out, err } = await incidentsCli(['--config', configPath]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toBe(
      [
        'OPENED (UTC)         CONTAINER  TRIGGER            STATUS     DIAGNOSIS                                             ACTIONS                               AUTO-HEALED  RECOVERED IN',
        '2026-11-28 11:55:00  shop-web   container_stopped  open       -                                                     -                                     no           -',
        '2026-11-28 11:30:00  shop-web   http_failed        resolved   Server error: shop-web answers HTTP 500 (rules, 65%)  restart_container                     yes          554 ms',
        '2026-11-28 10:00:00  shop-db    oom_killed         escalated  -                                                     restart_container, restart_container  no           -',
        '',
      ].join('\n'),
    );
  });

  it('filters by --hours and --container', async () => {
    const lastHour = await incidentsCli(['--config', configPath, '--hours', '1', '--json']);
    expect(JSON.parse(lastHour.out).map((row: { id: string }) => row.id)).toEqual(['i-open', 'i-healed']);

    const db = await incidentsCli(['--config', configPath, '--container', 'shop-db', '--json']);
    expect(JSON.parse(db.out).map((row: { id: string }) => row.id)).toEqual(['i-escalated']);

    const week = await incidentsCli([
      '--config',
      configPath,
      '--hours',
      '168',
      '--container',
      'shop-web',
      '--json',
    ]);
    expect(JSON.parse(week.out).map((row: { id: string }) => row.id)).toEqual([
      'i-open',
      'i-healed',
      'i-old',
    ]);

    const none = await incidentsCli(['--config', configPath, '--container', 'nobody']);
    expect(none.out).toBe('no incidents for nobody in the last 24 hours\n');
  });

  it('prints --json as one array of snake_case objects', async () => {
    const { code, out } = await incidentsCli(['--config', configPath, '--hours', '1', '--json']);
    expect(code).toBe(0);
    const rows = JSON.parse(out) as Record<string, unknown>[];
    expect(rows[1]).toEqual({
      id: 'i-healed',
      host: 'local',
      container_id: 'shop-web-id',
      container_name: 'shop-web',
      trigger: 'http_failed',
      status: 'resolved',
      opened_at: '2026-11-28T11:30:00.000Z',
      resolved_at: '2026-11-28T11:30:00.554Z',
      time_to_recover_ms: 554,
      exit_code: 1,
      oom_killed: false,
      problems: [{ kind: 'container_stopped', message: 'exited with code 1' }],
      diagnosis: {
        diagnosis: 'Server error: shop-web answers HTTP 500',
        source: 'rules',
        confidence: 65,
        urgency: 'medium',
        recommended_action: 'restart_container',
      },
      actions_taken: ['restart_container'],
      auto_healed: true,
      escalation_reason: null,
    });
    expect(rows[0]).toMatchObject({ id: 'i-open', resolved_at: null, time_to_recover_ms: null });
  });

  it('says when --limit cut the list', async () => {
    const { out, err } = await incidentsCli(['--config', configPath, '--limit', '1', '--json']);
    expect(JSON.parse(out)).toHaveLength(1);
    expect(err).toBe('website-monitor: showing the newest 1; there may be more (--limit)\n');
  });

  it('does not create a database that is not there', async () => {
    const empty = join(mkdtempSync(join(tmpdir(), 'wm-incidents-empty-')), 'monitor.yaml');
    writeFileSync(empty, '');
    const { code, out, err } = await incidentsCli(['--config', empty, '--json']);
    expect(code).toBe(0);
    expect(out).toBe('[]\n');
    expect(err).toMatch(/^website-monitor: no database at .+\/\.website-monitor\/monitor\.db yet/);
  });

  it('rejects a bad --hours or --limit as a usage mistake (exit 2)', async () => {
    expect(await incidentsCli(['--config', configPath, '--hours', '0'])).toMatchObject({
      code: 2,
      err: 'error: --hours must be a number above 0; got "0"\n',
    });
    expect((await incidentsCli(['--config', configPath, '--limit', '2.5'])).code).toBe(2);
    // The limit goes into the query; an unbounded one would read the whole table.
    expect(await incidentsCli(['--config', configPath, '--limit', '10001'])).toMatchObject({
      code: 2,
      err: 'error: --limit must be a whole number from 1 to 10000; got "10001"\n',
    });
  });

  it('exits 2 on a bad config, naming the line', async () => {
    const bad = join(directory, 'bad.yaml');
    writeFileSync(bad, 'storage:\n  url: postgres://wm:hunter22@db/monitor\n');
    const { code, err } = await incidentsCli(['--config', bad]);
    expect(code).toBe(2);
    expect(err).toBe(
      `${bad}:2: storage.url: a password is written in the file; put the password in an environment variable: \${PGPASSWORD} or DATABASE_URL\n`,
    );
  });

  it('exits 1 with one line naming the redacted URL when PostgreSQL cannot be reached', async () => {
    // Port 1 on the loopback: nothing listens, the connection is refused at once.
    const { code, out, err } = await incidentsCli(['--config', configPath], {
      DATABASE_URL: 'postgres://wm:hunter22@127.0.0.1:1/monitor',
    });
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(
      /^error: cannot reach the database at postgres:\/\/wm:\*\*\*@127\.0\.0\.1:1\/monitor: .*ECONNREFUSED.*\n$/,
    );
    expect(err).not.toContain('hunter22');
  });
});
