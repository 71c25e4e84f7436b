import {
  crashContainer,
  crashOnDemand,
  removeTestContainers,
  startTestContainer,
  testRunId,
} from '@website-monitor/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../postgres-store/src/test-database/test-database.test-helper.js';
import { urlForConfigFile } from '../../postgres-store/src/test-database/url-for-config-file.js';
import { writeAgentConfig } from './harness/agent-config-file.js';
import { startAgentProcess, stopAllAgentProcesses } from './harness/agent-process.js';
import { startFixedPortApp } from './harness/fixed-port-app.js';
import { reportFigure } from './harness/report-figure.js';
import { waitUntil } from './harness/wait-until.js';
import { readMonitorRows } from './postgres/monitor-rows.js';

afterAll(async () => {
  await stopAllAgentProcesses();
  await removeTestContainers({ runId: testRunId });
});

// The seed's three queries, character for character.
const lastIncidents = 'SELECT * FROM monitor_incidents ORDER BY timestamp DESC LIMIT 10;';
const successRate = `SELECT container_name, COUNT(*) as total_incidents,
  SUM(CASE WHEN auto_healed THEN 1 ELSE 0 END)::float / COUNT(*) * 100 as success_rate_percent
FROM monitor_incidents GROUP BY container_name;`;
const responseTimes = `SELECT container_name, AVG(response_time_ms) as avg_response_ms, MAX(response_time_ms) as max_response_ms
FROM monitor_health_metrics WHERE timestamp > NOW() - INTERVAL '1 hour' GROUP BY container_name;`;

/** B's /health answers this late, set through the app's /control/delay endpoint. */
const slowDelayMs = 400;

describe("the seed's queries over what the agent wrote", () => {
  it('give the incidents newest first, 100 % auto-healed for a healed container and 0 % for one it may not heal, and the response times', async () => {
    await using database = await createTestDatabase();
    const inFile = urlForConfigFile(database.url);
    // A: crashes twice, healed twice; a fixed port so its /health answers after each restart.
    await using healed = await startFixedPortApp({ purpose: 'seed-healed', behaviour: crashOnDemand });
    // B: slow, and configured so the agent may not restart it (auto_restart: false).
    await using unhealable = await startTestContainer({ purpose: 'seed-unhealable' });
    const delayed = await fetch(unhealable.url(`/control/delay/${slowDelayMs}`));
    expect(delayed.status).toBe(200);
    await using config = await writeAgentConfig(
      ({ spoolPath }) => `
monitoring:
  interval_seconds: 5
  discovery: listed
  health_check_timeout: 5
  defaults:
    start_period_seconds: 0
    check_interval_seconds: 1
  containers:
    - name: ${healed.name}
      health_endpoint: ${healed.url('/health')}
    - name: ${unhealable.name}
      health_endpoint: ${unhealable.url('/health')}
      auto_restart: false
healing:
  backoff_initial_seconds: 1
  backoff_max_seconds: 2
  # A's two crashes are two rows for the seed's queries (not one reopened incident), each
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
    const host = `e2e-seed-${database.name}`;
    await using rows = readMonitorRows(database.url);
    await using agent = startAgentProcess({
      configPath: config.path,
      env: { WEBSITE_MONITOR_HOST: host, ...inFile.env },
    });
    const agentStartedAt = Date.now();
    await agent.waitForLog('database_migrated');
    await waitUntil('three timed health samples of each container in the database', async () => {
      const counts = await rows.query<{ n: number }>(
        `SELECT COUNT(*)::int AS n FROM monitor_health_metrics WHERE response_time_ms IS NOT NULL GROUP BY container_name`,
      );
      return counts.length === 2 && counts.every((count) => count.n >= 3) ? true : undefined;
    });

    // Oldest first: B, then A twice. B's /health fails (still slow, so every timed check of B
    // takes the delay); the restart is skipped (auto_restart: false); once /health answers again
    // the incident resolves without having been healed by the agent.
    expect((await fetch(unhealable.url('/control/fail'))).status).toBe(200);
    await agent.waitForLog('healing_decision', { fields: { container: unhealable.name, decision: 'skip' } });
    expect((await fetch(unhealable.url('/control/ok'))).status).toBe(200);
    await agent.waitForLog('incident_resolved', { fields: { container: unhealable.name } });
    for (const round of [1, 2]) {
      await crashContainer(healed);
      await agent.waitForLog('incident_resolved', { fields: { container: healed.name }, count: round });
    }
    // A couple of timed checks of A's new run, then a clean stop: batched samples are flushed.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await agent.stop()).toEqual({ code: 0, signal: null });
    const unhealableInfo = await unhealable.inspect();
    expect(unhealableInfo.State.Running).toBe(true);
    expect(Date.parse(unhealableInfo.State.StartedAt), 'the agent did not restart B').toBeLessThan(
      agentStartedAt,
    );

    const newestFirst = await rows.query<Record<string, unknown>>(lastIncidents);
    expect(newestFirst.map((row) => row.container_name)).toEqual([healed.name, healed.name, unhealable.name]);
    const resolutions = agent
      .logged('incident_resolved')
      .map((line) => JSON.stringify(line))
      .join('\n');
    expect(
      newestFirst.map((row) => [row.status, row.auto_healed]),
      `the agent's incident_resolved lines:\n${resolutions}`,
    ).toEqual([
      ['resolved', true],
      ['resolved', true],
      ['resolved', false],
    ]);
    const times = newestFirst.map((row) => (row.timestamp as Date).getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(Object.keys(newestFirst[0]!)).toEqual(
      expect.arrayContaining(['id', 'host', 'container_name', 'timestamp', 'trigger', 'status', 'exit_code']),
    );

    const rates = await rows.query<{
      container_name: string;
      total_incidents: string;
      success_rate_percent: number;
    }>(successRate);
    expect(byContainer(rates, (row) => [Number(row.total_incidents), row.success_rate_percent])).toEqual({
      [healed.name]: [2, 100],
      [unhealable.name]: [1, 0],
    });

    const latency = await rows.query<{
      container_name: string;
      avg_response_ms: number;
      max_response_ms: number;
    }>(responseTimes);
    const fast = latency.find((row) => row.container_name === healed.name)!;
    const slow = latency.find((row) => row.container_name === unhealable.name)!;
    expect(latency).toHaveLength(2);
    reportFigure(
      'seed query 3: A avg / max',
      `${fast.avg_response_ms.toFixed(1)} / ${fast.max_response_ms.toFixed(1)} ms`,
    );
    reportFigure(
      'seed query 3: B avg / max',
      `${slow.avg_response_ms.toFixed(1)} / ${slow.max_response_ms.toFixed(1)} ms`,
    );
    expect(slow.avg_response_ms).toBeGreaterThanOrEqual(slowDelayMs);
    expect(slow.max_response_ms).toBeGreaterThanOrEqual(slowDelayMs);
    // A's maximum may include a probe that met the container mid-restart on a loaded machine;
    // its average is what "small" means here.
    expect(fast.avg_response_ms).toBeLessThan(slowDelayMs / 2);
  });
});

function byContainer<Row extends { container_name: string }>(
  rows: readonly Row[],
  pick: (row: Row) => unknown,
): Record<string, unknown> {
  return Object.fromEntries(rows.map((row) => [row.container_name, pick(row)]));
}
