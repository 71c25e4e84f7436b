import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDockerRuntime } from '@website-monitor/docker-adapter';
import { removeTestContainers, startTestContainer, testRunId } from '@website-monitor/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { recordEngineEvents } from './engine-events/engine-event-log.js';
import { type AgentProcess, startAgentProcess, stopAllAgentProcesses } from './harness/agent-process.js';
import { reportFigure } from './harness/report-figure.js';

// Issue 10, item 6: two agents on one Docker engine both restarted the same container (6 attempts
// against a budget of 3). One agent acts per engine: the second refuses, naming the first, or
// waits as a standby and takes over when the first goes away. Both agents of a test share this
// file's engine lock directory (WEBSITE_MONITOR_LOCK_DIR, set per test file), as two agents on
// one host share /run/website-monitor.

const budget = 3;
/** The lease: renewed every 2 s, lapsed after 3 missed renewals (the CLI's defaults). */
const leaseTtlMs = 6_000;

afterAll(async () => {
  await stopAllAgentProcesses();
  await removeTestContainers({ runId: testRunId });
});

const agentYaml = (containerName: string, dbPath: string) => `
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
  path: ${dbPath}
`;

async function engineId(): Promise<string> {
  await using runtime = createDockerRuntime();
  const info = await runtime.info?.();
  if (info === undefined) throw new Error('the Docker adapter cannot name its engine');
  return info.id;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function restartsLogged(agents: readonly AgentProcess[]): number {
  return agents.flatMap((agent) => agent.logged('healing_attempt', { action: 'restart_container' })).length;
}

describe('one agent per Docker engine', () => {
  it('of two agents started together with their own SQLite stores, one acts and the other refuses (exit 3) naming it; restarts stay within the budget', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wm-e2e-one-agent-'));
    try {
      await using engine = await recordEngineEvents();
      // Exits 1 about half a second into every run.
      await using app = await startTestContainer({
        purpose: 'e2e-two-agents',
        behaviour: { exitAfterSeconds: 0.5, exitCode: 1 },
        publishHttp: false,
        waitFor: 'none',
      });
      const configs = ['a', 'b'].map((name) => ({
        db: join(dir, name, 'monitor.db'),
        path: join(dir, `${name}.yaml`),
      }));
      for (const config of configs) await writeFile(config.path, agentYaml(app.name, config.db));
      const agents = configs.map((config) => startAgentProcess({ configPath: config.path }));

      // Exactly one of them exits, with 3.
      const refused = await Promise.race(agents.map((agent) => agent.exited.then(() => agent)));
      const acting = agents.find((agent) => agent !== refused) as AgentProcess;
      expect(await refused.exited).toEqual({ code: 3, signal: null });
      const actingDb = configs[agents.indexOf(acting)]?.db as string;
      const id = await engineId();
      expect(refused.stderr()).toMatch(
        new RegExp(
          `^website-monitor: not acting: the Docker engine ${escapeRegExp(id)} is held by pid ${acting.pid} on ${escapeRegExp(hostname())} ` +
            `\\(started \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z, store ${escapeRegExp(actingDb)}\\); lease in the lock file ` +
            `${escapeRegExp(process.env.WEBSITE_MONITOR_LOCK_DIR ?? '?')}/engine-[0-9a-f]{32}\\.lock, until that process stops\\. ` +
            'Stop that agent first, or run this one with --standby to take over when it goes away\\n$',
        ),
      );
      expect(refused.logged('engine_lease_refused', { holder_pid: acting.pid })).toHaveLength(1);
      expect(refused.logged('healing_attempt')).toHaveLength(0);

      await acting.waitForLog('incident_escalated', { timeoutMs: 60_000 });
      // Long enough for a fourth restart had anything acted beyond the budget (backoff max 2 s).
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      const starts = engine.of(app.id, ['start']);
      // The first run plus one start per restart: the budget, and no more.
      expect(starts).toHaveLength(1 + budget);
      expect(restartsLogged(agents)).toBe(budget);
      reportFigure('two agents on one engine: restarts of a crash loop (budget 3)', starts.length - 1, '');
      expect(await acting.stop()).toEqual({ code: 0, signal: null });
    } finally {
      await stopAllAgentProcesses();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('agents that share only their SQLite store (not the host lock directory) meet in the store: the second refuses', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wm-e2e-one-agent-store-'));
    try {
      await using app = await startTestContainer({
        purpose: 'e2e-store-lease',
        behaviour: {},
        publishHttp: false,
        waitFor: 'running',
      });
      const db = join(dir, 'monitor.db');
      const configPath = join(dir, 'website-monitor.yaml');
      await writeFile(configPath, agentYaml(app.name, db));
      const first = startAgentProcess({
        configPath,
        env: { WEBSITE_MONITOR_LOCK_DIR: join(dir, 'locks-1') },
      });
      await first.waitForLog('agent_started');
      const startedAt = Date.now();
      const second = startAgentProcess({
        configPath,
        env: { WEBSITE_MONITOR_LOCK_DIR: join(dir, 'locks-2') },
      });
      expect(await second.exited).toEqual({ code: 3, signal: null });
      // It first gave the lease a chance to lapse (a crashed holder's would have): the holder renewed it.
      const refusedAfterMs = Date.now() - startedAt;
      expect(refusedAfterMs).toBeGreaterThanOrEqual(leaseTtlMs);
      expect(second.stderr()).toMatch(
        new RegExp(
          `is held by pid ${first.pid} on ${escapeRegExp(hostname())} .+; lease in the SQLite store ${escapeRegExp(db)}, lease renewed until `,
        ),
      );
      reportFigure('store lease: second agent refused after', refusedAfterMs, 'ms');
      expect(await first.stop()).toEqual({ code: 0, signal: null });
    } finally {
      await stopAllAgentProcesses();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a standby takes over within the lease expiry when the active agent is SIGKILLed, and the budget holds across the handover', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wm-e2e-standby-'));
    try {
      await using engine = await recordEngineEvents();
      await using app = await startTestContainer({
        purpose: 'e2e-standby',
        behaviour: { exitAfterSeconds: 0.5, exitCode: 1 },
        publishHttp: false,
        waitFor: 'none',
      });
      const configPath = join(dir, 'website-monitor.yaml');
      await writeFile(configPath, agentYaml(app.name, join(dir, 'monitor.db')));
      const active = startAgentProcess({ configPath });
      await active.waitForLog('engine_lease_acquired');
      const standby = startAgentProcess({ configPath, args: ['--standby'] });
      const waiting = await standby.waitForLog('engine_lease_standby');
      expect(waiting.holder_pid).toBe(active.pid);
      expect(standby.stderr()).toMatch(
        new RegExp(`^website-monitor: standby: the Docker engine .+ is held by pid ${active.pid} on `),
      );

      // SIGKILL once the active agent has restarted the container once: no release, no clean stop.
      await active.waitForLog('healing_attempt', { fields: { action: 'restart_container' } });
      await active.kill();
      const killedAt = Date.now();
      await standby.waitForLog('engine_lease_acquired', { timeoutMs: leaseTtlMs + 5_000 });
      const tookOverMs = Date.now() - killedAt;
      expect(tookOverMs).toBeLessThanOrEqual(leaseTtlMs);
      expect(standby.stderr()).toContain(
        `website-monitor: took over the Docker engine ${await engineId()}\n`,
      );
      reportFigure('standby: took over after the active agent was SIGKILLed', tookOverMs, 'ms');

      await standby.waitForLog('incident_escalated', { timeoutMs: 60_000 });
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      // The standby resumed the spent budget from the shared store: no fresh budget.
      expect(engine.of(app.id, ['start'])).toHaveLength(1 + budget);
      expect(restartsLogged([active, standby])).toBe(budget);
      expect(await standby.stop()).toEqual({ code: 0, signal: null });
    } finally {
      await stopAllAgentProcesses();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
