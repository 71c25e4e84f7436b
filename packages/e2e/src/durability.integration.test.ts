import { randomBytes } from 'node:crypto';
import {
  CRASH_EXIT_CODE,
  crashContainer,
  crashOnDemand,
  removeTestContainers,
  startTestContainer,
  testRunId,
} from '@website-monitor/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestPostgresServer,
  type TestPostgresServer,
} from '../../postgres-store/src/test-database/test-postgres-server.js';
import { urlForConfigFile } from '../../postgres-store/src/test-database/url-for-config-file.js';
import { recordEngineEvents } from './engine-events/engine-event-log.js';
import { writeAgentConfig } from './harness/agent-config-file.js';
import { type AgentLogLine, startAgentProcess, stopAllAgentProcesses } from './harness/agent-process.js';
import { reportFigure } from './harness/report-figure.js';
import { waitUntil } from './harness/wait-until.js';
import { readMonitorRows } from './postgres/monitor-rows.js';

/**
 * A PostgreSQL server of this file's own (the run's shared one serves other files and must stay
 * up), really stopped and started again on the same 127.0.0.1 port.
 */
let server: TestPostgresServer;

beforeAll(async () => {
  server = await startTestPostgresServer({ purpose: 'durability', fixedPort: true });
});

afterAll(async () => {
  await stopAllAgentProcesses();
  await removeTestContainers({ runId: testRunId });
  await server?.destroy();
});

const suffix = () => randomBytes(4).toString('hex');

/** incident_id -> how many lines of `event` name it, over one or more agent processes' logs. */
function countByIncident(logs: readonly (readonly AgentLogLine[])[], event: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of logs.flat()) {
    if (line.event !== event) continue;
    const id = String(line.incident_id);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

describe('nothing lost: PostgreSQL stopped while containers crash and are healed', () => {
  it('heals both containers while the database is down, then writes every incident and action exactly once', async () => {
    const host = `e2e-fault-${suffix()}`;
    const url = await server.createDatabase(`wm_fault_${suffix()}`);
    const inFile = urlForConfigFile(url);
    const apps = await Promise.all(
      ['pg-fault-a', 'pg-fault-b'].map((purpose) =>
        startTestContainer({ purpose, behaviour: crashOnDemand, networkMode: 'none', waitFor: 'running' }),
      ),
    );
    await using config = await writeAgentConfig(
      ({ spoolPath }) => `
monitoring:
  interval_seconds: 2
  discovery: listed
  defaults:
    start_period_seconds: 0
  containers:
${apps.map((app) => `    - name: ${app.name}`).join('\n')}
healing:
  backoff_initial_seconds: 1
  backoff_max_seconds: 2
  # Each crash is its own incident here (durability counts rows per incident, not grouping),
  # resolved after 1 s of health so the test stays short.
  resolve_after_seconds: 1
  reopen_window_seconds: 0
  strategies:
    # The default step carries its own backoff_seconds: 10; the healing backoff applies without it.
    container_stopped:
      - action: restart_container
storage:
  url: ${inFile.url}
  spool_path: ${spoolPath}
`,
    );
    await using rows = readMonitorRows(url);
    await using agent = startAgentProcess({
      configPath: config.path,
      env: { WEBSITE_MONITOR_HOST: host, ...inFile.env },
    });
    await agent.waitForLog('database_migrated');
    // Health samples of both in the database: the agent watches them and its writes arrive.
    await waitUntil('a health sample of each container in the database', async () => {
      const seen = await rows.query<{ container_name: string }>(
        `SELECT DISTINCT container_name FROM monitor_health_metrics WHERE host = '${host}'`,
      );
      return seen.length === apps.length ? true : undefined;
    });

    await server.stop();
    let downForMs: number;
    try {
      const downAt = Date.now();
      // Two crashes each while the database is away: four incidents, four restarts.
      for (const round of [1, 2]) {
        const crashedAt = Date.now();
        await Promise.all(apps.map((app) => crashContainer(app))).catch((error: Error) => {
          throw new Error(`round ${round}: ${error.message}\n${agent.transcript()}`);
        });
        for (const app of apps) {
          await agent.waitForLog('incident_resolved', { fields: { container: app.name }, count: round });
          const info = await app.inspect();
          expect(info.State.Running, `${app.name} is running again after crash ${round}`).toBe(true);
          expect(Date.parse(info.State.StartedAt)).toBeGreaterThanOrEqual(crashedAt - 1000);
        }
      }
      expect(
        await server.accepting(),
        'the database was down the whole time the containers were healed',
      ).toBe(false);
      downForMs = Date.now() - downAt;
    } finally {
      await server.start();
    }
    const upAt = Date.now();
    const opened = agent.logged('incident_opened').map((line) => String(line.incident_id));
    const attempts = countByIncident([agent.log], 'healing_attempt');
    expect(opened).toHaveLength(4);
    const incidents = await waitUntil(
      'the spool to deliver every incident and action in its final state',
      async () => {
        const incidents = await rows.incidents(host).catch(() => []);
        const actions = await rows.healingActions(host).catch(() => []);
        const done =
          incidents.length === opened.length &&
          incidents.every((incident) => incident.status === 'resolved') &&
          actions.length === [...attempts.values()].reduce((sum, count) => sum + count, 0) &&
          actions.every((action) => action.result !== 'pending');
        return done ? incidents : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- agent ---\n${agent.transcript()}`);
    });
    reportFigure('pg fault: database down while healing', downForMs, 'ms');
    reportFigure('pg fault: database up -> spool delivered', Date.now() - upAt, 'ms');

    expect(await rows.duplicateIds('monitor_incidents')).toEqual([]);
    expect(await rows.duplicateIds('monitor_healing_actions')).toEqual([]);
    expect(incidents.map((incident) => incident.id).sort()).toEqual([...opened].sort());
    // The database holds what the agent decided (whatever that was), as the log says it.
    const loggedResolutions = Object.fromEntries(
      agent.logged('incident_resolved').map((line) => [String(line.incident_id), line.auto_healed]),
    );
    expect(Object.fromEntries(incidents.map((incident) => [incident.id, incident.auto_healed]))).toEqual(
      loggedResolutions,
    );
    // And the agent decided right: its own restart healed every one of them.
    for (const incident of incidents) {
      const story = agent.log
        .filter((line) => line.incident_id === incident.id)
        .map((line) => JSON.stringify(line))
        .join('\n');
      expect(incident, `incident ${incident.id} as the agent logged it:\n${story}`).toMatchObject({
        status: 'resolved',
        auto_healed: true,
        trigger: 'container_stopped',
        exit_code: CRASH_EXIT_CODE,
        actions_taken: ['restart_container'],
      });
      expect(incident.resolved_at).not.toBeNull();
    }
    const actions = await rows.healingActions(host);
    const actionsPerIncident = new Map<string, number>();
    for (const action of actions) {
      actionsPerIncident.set(action.incident_id, (actionsPerIncident.get(action.incident_id) ?? 0) + 1);
    }
    expect(actionsPerIncident).toEqual(attempts);
    expect(actions.map((action) => [action.action, action.result])).toEqual(
      opened.map(() => ['restart_container', 'succeeded']),
    );
    for (const app of apps) {
      expect(incidents.filter((incident) => incident.container_name === app.name)).toHaveLength(2);
    }

    expect(await agent.stop()).toEqual({ code: 0, signal: null });
  });
});

describe('nothing lost: the agent killed with SIGKILL mid-heal and started again', () => {
  it('loses and duplicates nothing, and the restarted agent keeps the restart budget already spent', async () => {
    const host = `e2e-sigkill-${suffix()}`;
    const url = await server.createDatabase(`wm_sigkill_${suffix()}`);
    const inFile = urlForConfigFile(url);
    await using engine = await recordEngineEvents();
    await using app = await startTestContainer({
      purpose: 'pg-sigkill',
      behaviour: crashOnDemand,
      networkMode: 'none',
      waitFor: 'running',
    });
    await using config = await writeAgentConfig(
      ({ spoolPath }) => `
monitoring:
  interval_seconds: 2
  discovery: listed
  defaults:
    start_period_seconds: 0
    max_restarts_per_hour: 2
  containers:
    - name: ${app.name}
healing:
  backoff_initial_seconds: 1
  backoff_max_seconds: 2
  # Each crash is its own incident here (durability counts rows per incident, not grouping),
  # resolved after 1 s of health so the test stays short.
  resolve_after_seconds: 1
  reopen_window_seconds: 0
  strategies:
    container_stopped:
      - action: restart_container
storage:
  url: ${inFile.url}
  spool_path: ${spoolPath}
`,
    );
    await using rows = readMonitorRows(url);
    const env = { WEBSITE_MONITOR_HOST: host, ...inFile.env };
    const first = startAgentProcess({ configPath: config.path, env });
    await first.waitForLog('database_migrated');
    await waitUntil('a health sample in the database', async () => {
      const seen = await rows.query(`SELECT 1 FROM monitor_health_metrics WHERE host = '${host}' LIMIT 1`);
      return seen.length > 0 ? true : undefined;
    });
    const firstCrashAt = Date.now();
    const restartsSinceFirstCrash = () =>
      engine.of(app.id, ['start']).filter((event) => event.time >= firstCrashAt - 1000);

    // Restart 1: a whole heal.
    await crashContainer(app);
    await first.waitForLog('incident_resolved', { fields: { container: app.name } });

    // Restart 2: the agent dies mid-heal. The healing_attempt line is written (and the pending
    // action spooled) just before the restart call; the engine takes about half a second to
    // start the container again and finishes the restart without its client (API 1.41 restart
    // has no cancellation), so the kill lands after the call and before the agent hears back.
    await crashContainer(app);
    await first.waitForLog('healing_attempt', { fields: { container: app.name }, count: 2 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await first.kill();
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(
      first.logged('healing_result', { container: app.name }),
      'killed before the restart result (else this test did not kill it mid-heal)',
    ).toHaveLength(1);
    await waitUntil('the engine to finish restart 2 without the agent', () =>
      restartsSinceFirstCrash().length >= 2 ? true : undefined,
    );
    const secondIncidentId = String(first.logged('incident_opened')[1]?.incident_id);

    // Same config, same spool, same host.
    const second = startAgentProcess({ configPath: config.path, env });
    await second.waitForLog('agent_started');
    await waitUntil(
      'the second incident to be resolved in the database',
      async () => {
        const incidents = await rows.incidents(host);
        return incidents.find((incident) => incident.id === secondIncidentId)?.status === 'resolved'
          ? true
          : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}\n--- first agent ---\n${first.transcript()}\n--- second agent ---\n${second.transcript()}`,
      );
    });
    const healthy = await app.inspect();
    expect(healthy.State.Running, 'the container runs after the restarted agent took over').toBe(true);

    // Crash 3: two restarts in this hour already, so no third one, whichever process made them.
    await crashContainer(app);
    const escalated = await second.waitForLog('incident_escalated', { fields: { container: app.name } });
    // Long enough for a restart had the budget been fresh (backoff max is 2 s).
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const info = await app.inspect();
    expect(info.State.Status).toBe('exited');
    expect(info.State.ExitCode).toBe(CRASH_EXIT_CODE);
    expect(restartsSinceFirstCrash()).toHaveLength(2);
    expect(String(escalated.reason)).toMatch(/all 2 restarts/);

    await second.stop();
    const logs = [first.log, second.log];
    const opened = logs.flat().filter((line) => line.event === 'incident_opened');
    expect(opened.map((line) => line.incident_id)).toHaveLength(3);
    const incidents = await rows.incidents(host);
    expect(await rows.duplicateIds('monitor_incidents')).toEqual([]);
    expect(await rows.duplicateIds('monitor_healing_actions')).toEqual([]);
    expect(incidents.map((incident) => incident.id)).toEqual(opened.map((line) => line.incident_id));
    expect(incidents.map((incident) => incident.status)).toEqual(['resolved', 'resolved', 'escalated']);
    expect(
      incidents[0],
      `rows: ${JSON.stringify(incidents)}\n--- first agent ---\n${first.transcript()}\n--- second agent ---\n${second.transcript()}`,
    ).toMatchObject({ auto_healed: true, actions_taken: ['restart_container'] });
    expect(incidents[2]).toMatchObject({ auto_healed: false, actions_taken: [] });

    const actions = await rows.healingActions(host);
    const actionsPerIncident = new Map<string, number>();
    for (const action of actions) {
      actionsPerIncident.set(action.incident_id, (actionsPerIncident.get(action.incident_id) ?? 0) + 1);
    }
    expect(actionsPerIncident).toEqual(countByIncident(logs, 'healing_attempt'));
    expect(actions.map((action) => action.action)).toEqual(['restart_container', 'restart_container']);
    expect(actions[0]!.result).toBe('succeeded');
    reportFigure('sigkill: result of the interrupted restart in the database', actions[1]!.result);
    reportFigure('sigkill: second incident auto_healed', String(incidents[1]!.auto_healed));
  });
});
