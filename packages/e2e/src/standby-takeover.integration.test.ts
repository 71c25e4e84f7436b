import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDockerRuntime } from '@website-monitor/docker-adapter';
import { removeTestContainers, startTestContainer, testRunId } from '@website-monitor/test-support';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { engineLeaseKeys } from '../../postgres-store/src/engine-lease/engine-lease-keys.js';
import { createTestDatabase } from '../../postgres-store/src/test-database/test-database.test-helper.js';
import { urlForConfigFile } from '../../postgres-store/src/test-database/url-for-config-file.js';
import { type EngineEventLog, recordEngineEvents } from './engine-events/engine-event-log.js';
import { writeAgentConfig } from './harness/agent-config-file.js';
import { type AgentProcess, startAgentProcess, stopAllAgentProcesses } from './harness/agent-process.js';
import { reportFigure } from './harness/report-figure.js';
import { waitUntil } from './harness/wait-until.js';
import { readMonitorRows } from './postgres/monitor-rows.js';

// Issue 12, item 2: who watches the watcher. Two real agents (`website-monitor run`, the same
// config with `agent.standby: true`) on the real Docker engine: the first acts, the second is a
// hot standby serving its read-only API. A container crash-loops; the active agent is SIGKILLed
// (or its database connection is cut) partway through the restart budget, and the standby takes
// over within 10 s, continues the budget it finds in the store and records nothing twice. Both
// agents share this file's engine lock directory, as two agents on one host share /run.

afterAll(async () => {
  await stopAllAgentProcesses();
  await removeTestContainers({ runId: testRunId });
});

const budget = 4;
const takeoverLimitMs = 10_000;

const agentYaml = (containerName: string, storage: string) => `
agent:
  standby: true
monitoring:
  interval_seconds: 60
  discovery: listed
  defaults:
    # Longer than a run lasts: a restarted run is never judged healthy before it dies again,
    # so the whole loop is one incident and every restart counts against one budget.
    start_period_seconds: 2
    max_restarts_per_hour: ${budget}
  containers:
    - name: ${containerName}
healing:
  backoff_initial_seconds: 1
  backoff_max_seconds: 2
  strategies:
    container_stopped:
      - action: restart_container
storage:
${storage}
`;

async function engineId(): Promise<string> {
  await using runtime = createDockerRuntime();
  const info = await runtime.info?.();
  if (info === undefined) throw new Error('the Docker adapter cannot name its engine');
  return info.id;
}

function restartsLogged(agents: readonly AgentProcess[]): number {
  return agents.flatMap((agent) => agent.logged('healing_attempt', { action: 'restart_container' })).length;
}

/**
 * When the standby took the engine, by its own log line's clock (the same machine's), in ms after
 * `since`: the figure does not include how long the test took to look.
 */
async function tookOverAfter(standby: AgentProcess, since: number): Promise<number> {
  const acquired = await standby.waitForLog('engine_lease_acquired', { timeoutMs: takeoverLimitMs + 5_000 });
  await waitUntil('the takeover said on stderr', () =>
    standby.stderr().includes('took over the Docker engine') ? true : undefined,
  );
  return Date.parse(String(acquired.time)) - since;
}

/** The agent's API, from its `api_listening` line (it listens on a free port). */
async function apiOf(agent: AgentProcess): Promise<string> {
  return String((await agent.waitForLog('api_listening')).url);
}

async function healthz(api: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${api}/healthz`);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

async function roleGauge(api: string, role: 'active' | 'standby'): Promise<number | undefined> {
  const text = await (await fetch(`${api}/metrics`)).text();
  const line = text
    .split('\n')
    .find((entry) => entry.startsWith(`spartan_monitor_engine_role{role="${role}"} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/**
 * Starts the pair on one config: the first takes the engine, the second stands by. Returns both
 * once each has said so, with their API addresses. `lockDirectories`: one each, as agents on two
 * hosts (or in two containers) that meet only in the database.
 */
async function startPair(
  configPath: string,
  env: Readonly<Record<string, string>>,
  lockDirectories?: readonly [string, string],
) {
  const envOf = (index: 0 | 1) =>
    lockDirectories === undefined ? env : { ...env, WEBSITE_MONITOR_LOCK_DIR: lockDirectories[index] };
  const active = startAgentProcess({ configPath, env: envOf(0), listen: '127.0.0.1:0' });
  await active.waitForLog('engine_lease_acquired');
  const standby = startAgentProcess({ configPath, env: envOf(1), listen: '127.0.0.1:0' });
  const waiting = await standby.waitForLog('engine_lease_standby');
  expect(waiting.holder_pid).toBe(active.pid);
  return { active, standby, activeApi: await apiOf(active), standbyApi: await apiOf(standby) };
}

/** What each agent's /healthz and /metrics say while the first acts and the second stands by. */
async function expectRoles(pair: Awaited<ReturnType<typeof startPair>>, id: string): Promise<number> {
  const active = await healthz(pair.activeApi);
  expect(active).toMatchObject({ role: 'active', engineId: id, activeAgent: null });
  const standby = await healthz(pair.standbyApi);
  expect(standby).toMatchObject({
    ok: true,
    role: 'standby',
    engineId: id,
    leaseTerm: null,
    activeAgent: { pid: pair.active.pid },
  });
  expect(await roleGauge(pair.activeApi, 'active')).toBe(1);
  expect(await roleGauge(pair.standbyApi, 'standby')).toBe(1);
  expect(await roleGauge(pair.standbyApi, 'active')).toBe(0);
  // The standby answers reads and refuses writes (its agent is not running).
  expect((await fetch(`${pair.standbyApi}/monitor/incidents`)).status).toBe(200);
  return active.leaseTerm as number;
}

/** After the takeover: the standby acts, with the next lease term; the loop ends escalated within the budget. */
async function expectTakenOverWithinBudget(input: {
  readonly pair: Awaited<ReturnType<typeof startPair>>;
  readonly engine: EngineEventLog;
  readonly appId: string;
  readonly termBefore: number;
}): Promise<void> {
  const { pair, engine, appId } = input;
  const after = await healthz(pair.standbyApi);
  expect(after).toMatchObject({ role: 'active', leaseTerm: input.termBefore + 1, activeAgent: null });
  expect(await roleGauge(pair.standbyApi, 'active')).toBe(1);
  // It carried the open incident on: restored, not opened again.
  const restored = await pair.standby.waitForLog('state_restored');
  expect(restored.open_incidents).toBe(1);
  await pair.standby.waitForLog('incident_escalated', { timeoutMs: 60_000 });
  // Long enough for one more restart had anything acted beyond the budget (backoff max 2 s).
  await new Promise((resolve) => setTimeout(resolve, 4_000));
  // The first run plus one start per restart: the budget across both agents, and no more.
  expect(engine.of(appId, ['start'])).toHaveLength(1 + budget);
  expect(restartsLogged([pair.active, pair.standby])).toBe(budget);
  expect(pair.standby.logged('incident_opened')).toHaveLength(0);
}

/** Nothing recorded twice: one incident for the loop, one action row per restart the engine saw. */
async function expectRecordedOnce(url: string, host: string): Promise<void> {
  await using rows = readMonitorRows(url);
  const incidents = await rows.incidents(host);
  expect(incidents.map((incident) => [incident.trigger, incident.status])).toEqual([
    ['container_stopped', 'escalated'],
  ]);
  const actions = await rows.healingActions(host);
  expect(actions.map((action) => action.action)).toEqual(Array(budget).fill('restart_container'));
  expect(new Set(actions.map((action) => action.incident_id))).toEqual(new Set([incidents[0]?.id]));
  expect(await rows.duplicateIds('monitor_incidents')).toEqual([]);
  expect(await rows.duplicateIds('monitor_healing_actions')).toEqual([]);
}

describe('a hot standby for an agent (PostgreSQL)', () => {
  it('SIGKILL the active agent while a container crash-loops (the two meet only in the database): the standby takes over within 10 s, the budget holds across the handover, nothing is recorded twice', async () => {
    await using database = await createTestDatabase();
    const inFile = urlForConfigFile(database.url);
    const host = `e2e-standby-${database.name}`;
    await using engine = await recordEngineEvents();
    // Exits 1 about half a second into every run.
    await using app = await startTestContainer({
      purpose: 'e2e-standby-kill',
      behaviour: { exitAfterSeconds: 0.5, exitCode: 1 },
      publishHttp: false,
      waitFor: 'none',
    });
    await using config = await writeAgentConfig(({ spoolPath }) =>
      agentYaml(app.name, `  url: ${inFile.url}\n  spool_path: ${spoolPath}`),
    );
    // Lock directories of their own: no host lock tells the standby that the active agent died,
    // only the advisory lock the server drops with its connection.
    const pair = await startPair(config.path, { WEBSITE_MONITOR_HOST: host, ...inFile.env }, [
      join(config.dir, 'locks-a'),
      join(config.dir, 'locks-b'),
    ]);
    const id = await engineId();
    const termBefore = await expectRoles(pair, id);
    expect((await healthz(pair.standbyApi)).activeAgent).toMatchObject({
      where: expect.stringMatching(/^the PostgreSQL database postgres:\/\//),
    });
    // One config, one machine: the standby took the spool file beside the active agent's.
    expect((await pair.standby.waitForLog('store_opened')).spool_path).toBe(
      config.spoolPath.replace(/spool\.db$/, 'spool.2.db'),
    );

    // SIGKILL once the active agent has restarted the container once: no release, no clean stop.
    await pair.active.waitForLog('healing_attempt', { fields: { action: 'restart_container' } });
    const killedAt = Date.now();
    await pair.active.kill();
    const tookOverMs = await tookOverAfter(pair.standby, killedAt);
    reportFigure('standby (PostgreSQL): took over after the active agent was SIGKILLed', tookOverMs, 'ms');
    expect(tookOverMs).toBeLessThanOrEqual(takeoverLimitMs);
    // The server dropped the lock with the dead connection: a lease row that had to lapse (renewed
    // every 2 s, 6 s to live) would have kept the standby waiting 4 to 7 s.
    expect(tookOverMs).toBeLessThan(3_000);
    expect(pair.standby.stderr()).toContain(`website-monitor: took over the Docker engine ${id}\n`);

    await expectTakenOverWithinBudget({ pair, engine, appId: app.id, termBefore });
    await expectRecordedOnce(database.url, host);
    expect(await pair.standby.stop()).toEqual({ code: 0, signal: null });
  });

  it("cut the active agent's database connection (pg_terminate_backend of its lock): it stops acting at once, the standby takes over within 10 s, the budget holds", async () => {
    await using database = await createTestDatabase();
    const inFile = urlForConfigFile(database.url);
    const host = `e2e-standby-cut-${database.name}`;
    await using engine = await recordEngineEvents();
    await using app = await startTestContainer({
      purpose: 'e2e-standby-cut',
      behaviour: { exitAfterSeconds: 0.5, exitCode: 1 },
      publishHttp: false,
      waitFor: 'none',
    });
    await using config = await writeAgentConfig(({ spoolPath }) =>
      agentYaml(app.name, `  url: ${inFile.url}\n  spool_path: ${spoolPath}`),
    );
    const pair = await startPair(config.path, { WEBSITE_MONITOR_HOST: host, ...inFile.env });
    const id = await engineId();
    const termBefore = await expectRoles(pair, id);

    await pair.active.waitForLog('healing_attempt', { fields: { action: 'restart_container' } });
    // The backend holding the engine's advisory lock, as an operator finds it in pg_locks.
    const admin = new pg.Client({ connectionString: database.url });
    let cutAt = 0;
    await admin.connect();
    try {
      const { lock } = engineLeaseKeys(id);
      const { rows } = await admin.query<{ pid: number; application_name: string }>(
        `SELECT l.pid, a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.locktype = 'advisory' AND l.granted AND l.mode = 'ExclusiveLock' AND l.objsubid = 1
           AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid`,
        [lock.classId, lock.objId],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]?.application_name).toBe('website-monitor engine lease');
      cutAt = Date.now();
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
    } finally {
      await admin.end();
    }

    // The active agent stops acting at once and exits 3, saying why.
    const lost = await pair.active.waitForLog('engine_lease_lost', { timeoutMs: 5_000 });
    expect(lost).toMatchObject({ reason: 'session_ended' });
    const stoppedActingMs = Date.parse(String(lost.time)) - cutAt;
    const tookOverMs = await tookOverAfter(pair.standby, cutAt);
    expect(await pair.active.exited).toEqual({ code: 3, signal: null });
    expect(pair.active.stderr()).toMatch(
      /website-monitor: lost the Docker engine: the connection holding the lease in the PostgreSQL database .+ ended \(terminating connection due to administrator command\), so another agent may take it; stopped acting\n/,
    );
    reportFigure(
      'standby (PostgreSQL): the active agent stopped acting after its lock connection was cut',
      stoppedActingMs,
      'ms',
    );
    reportFigure(
      'standby (PostgreSQL): took over after the active agent lost its lock connection',
      tookOverMs,
      'ms',
    );
    expect(tookOverMs).toBeLessThanOrEqual(takeoverLimitMs);

    await expectTakenOverWithinBudget({ pair, engine, appId: app.id, termBefore });
    await expectRecordedOnce(database.url, host);
    expect(await pair.standby.stop()).toEqual({ code: 0, signal: null });
  });
});

describe('a hot standby for an agent (embedded SQLite)', () => {
  it('agent.standby with one SQLite file: SIGKILL the active agent, the standby takes over within 10 s on the host lock, the budget holds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wm-e2e-standby-sqlite-'));
    try {
      await using engine = await recordEngineEvents();
      await using app = await startTestContainer({
        purpose: 'e2e-standby-sqlite',
        behaviour: { exitAfterSeconds: 0.5, exitCode: 1 },
        publishHttp: false,
        waitFor: 'none',
      });
      const configPath = join(dir, 'website-monitor.yaml');
      await writeFile(configPath, agentYaml(app.name, `  path: ${join(dir, 'monitor.db')}`));
      const pair = await startPair(configPath, {});
      const id = await engineId();
      const termBefore = await expectRoles(pair, id);
      await pair.active.waitForLog('healing_attempt', { fields: { action: 'restart_container' } });
      const killedAt = Date.now();
      await pair.active.kill();
      const tookOverMs = await tookOverAfter(pair.standby, killedAt);
      reportFigure('standby (SQLite): took over after the active agent was SIGKILLed', tookOverMs, 'ms');
      expect(tookOverMs).toBeLessThanOrEqual(takeoverLimitMs);
      await expectTakenOverWithinBudget({ pair, engine, appId: app.id, termBefore });
      expect(await pair.standby.stop()).toEqual({ code: 0, signal: null });
    } finally {
      await stopAllAgentProcesses();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
