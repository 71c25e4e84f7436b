import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import {
  ensureTestImage,
  getTestDocker,
  removeTestContainers,
  TEST_IMAGE,
  TEST_LABEL,
  TEST_RUN_LABEL,
  testRunId,
} from '@website-monitor/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { startAgentProcess, stopAllAgentProcesses } from './harness/agent-process.js';
import { reportFigure } from './harness/report-figure.js';
import { waitUntil } from './harness/wait-until.js';

// Issue 10, item 11: SIGTERM to `website-monitor run` while a restart it started is under way.
// The container's PID 1 is a shell that ignores SIGTERM (no init), so Docker's restart waits the
// whole stop timeout (3 s here) before it kills and starts it again: the signal lands mid-restart.

const token = randomBytes(16).toString('hex');
const stopTimeoutSeconds = 3;

afterAll(async () => {
  await stopAllAgentProcesses();
  await removeTestContainers({ runId: testRunId });
});

async function startTermIgnoringContainer(name: string) {
  const docker = getTestDocker();
  await ensureTestImage(docker);
  const container = await docker.createContainer({
    name,
    Image: TEST_IMAGE,
    Entrypoint: ['/bin/sh', '-c'],
    Cmd: ['trap "" TERM; while :; do sleep 1; done'],
    Labels: { [TEST_LABEL]: '1', [TEST_RUN_LABEL]: testRunId },
    // No init: the shell is PID 1 and ignores SIGTERM, so a graceful stop always times out.
    HostConfig: { Init: false },
  });
  await container.start();
  return container;
}

describe('SIGTERM while the agent restarts a container', () => {
  it('answers the API caller, records the restart as it went and does not leave the incident in healing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wm-e2e-sigterm-'));
    try {
      const name = `wm-test-sigterm-${randomBytes(3).toString('hex')}`;
      const container = await startTermIgnoringContainer(name);
      const dbPath = join(dir, 'monitor.db');
      const configPath = join(dir, 'website-monitor.yaml');
      await writeFile(
        configPath,
        `monitoring:
  interval_seconds: 30
  discovery: listed
  defaults:
    start_period_seconds: 0
  containers:
    - name: ${name}
healing:
  stop_timeout_seconds: ${stopTimeoutSeconds}
  resolve_after_seconds: 30
storage:
  path: ${dbPath}
`,
      );
      const agent = startAgentProcess({
        configPath,
        listen: '127.0.0.1:0',
        env: { MONITOR_API_TOKEN: token },
      });
      const listening = await agent.waitForLog('api_listening', { timeoutMs: 30_000 });
      const url = String(listening.url);
      await waitUntil(
        'a healthy check of the container',
        async () => {
          const status = (await (await fetch(`${url}/monitor/status`)).json()) as {
            containers: { name: string; health: string | null }[];
          };
          return status.containers.find((line) => line.name === name && line.health === 'healthy');
        },
        { timeoutMs: 30_000 },
      );

      const healRequestedAt = Date.now();
      const heal = fetch(`${url}/monitor/heal/${name}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'sigterm during restart test' }),
      }).then(
        async (response) => ({
          status: response.status,
          body: (await response.json()) as Record<string, unknown>,
        }),
        (error: Error) => ({ status: 0, body: { error: error.message } }),
      );
      await agent.waitForLog('healing_attempt', { fields: { container: name } });
      // Docker is now in its graceful stop, which cannot end before the stop timeout.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const signalledAt = Date.now();
      const stopping = agent.stop({ timeoutMs: 40_000 });

      // While the restart finishes, new requests are refused, not cut.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const during = await fetch(`${url}/monitor/status`);
      expect(during.status).toBe(503);
      expect(((await during.json()) as { error: { code: string } }).error.code).toBe('unavailable');

      const answer = await heal;
      const answeredAfterMs = Date.now() - signalledAt;
      const exit = await stopping;
      const stoppedAfterMs = Date.now() - signalledAt;
      expect(answer, agent.transcript()).toMatchObject({ status: 200, body: { kind: 'act', changed: true } });
      expect(exit).toEqual({ code: 0, signal: null });

      const info = await container.inspect();
      expect(info.State.Running).toBe(true);
      // Started again by the restart the agent asked for (Docker's second resolution is enough).
      expect(Date.parse(info.State.StartedAt)).toBeGreaterThanOrEqual(healRequestedAt - 1_000);

      const db = new DatabaseSync(dbPath, { readOnly: true });
      try {
        const actions = db
          .prepare(
            'SELECT action, result, error, detail FROM monitor_healing_actions WHERE container_name = ?',
          )
          .all(name) as { action: string; result: string; error: string | null; detail: string | null }[];
        expect(actions.map((action) => [action.action, action.result, action.error])).toEqual([
          ['restart_container', 'succeeded', null],
        ]);
        const incidents = db
          .prepare(
            'SELECT status, auto_healed, escalation_reason FROM monitor_incidents WHERE container_name = ?',
          )
          .all(name) as { status: string; auto_healed: number; escalation_reason: string | null }[];
        expect(incidents).toHaveLength(1);
        expect(incidents[0]?.status).toBe('resolved');
        expect(incidents[0]?.auto_healed).toBe(1);
      } finally {
        db.close();
      }
      expect(agent.logged('incidents_settled_on_stop')).toHaveLength(1);
      reportFigure('SIGTERM mid-restart: API answered after (ms)', answeredAfterMs);
      reportFigure('SIGTERM mid-restart: process exited after (ms)', stoppedAfterMs);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
