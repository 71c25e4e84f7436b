import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ContainerEvent } from '@website-monitor/core';
import {
  removeTestContainers,
  startTestContainer,
  type TestContainer,
  testRunId,
} from '@website-monitor/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../../notifier/src/testing/webhook-receiver.js';
import { type EngineEventLog, recordEngineEvents } from './engine-events/engine-event-log.js';
import { type AgentProcess, startAgentProcess, stopAllAgentProcesses } from './harness/agent-process.js';
import { reportFigure } from './harness/report-figure.js';
import { startScopedDockerProxy } from './harness/scoped-docker-proxy.js';
import { waitUntil } from './harness/wait-until.js';

const cliEntry = fileURLToPath(new URL('../../cli/src/bin.ts', import.meta.url));

afterAll(async () => {
  await stopAllAgentProcesses();
  await removeTestContainers({ runId: testRunId });
});

/** A container of the test image whose Docker HEALTHCHECK runs every 0.5 s and fails at once. */
function healthchecked(purpose: string, labels: Record<string, string>): Promise<TestContainer> {
  return startTestContainer({
    purpose,
    publishHttp: false,
    waitFor: 'running',
    healthcheck: { intervalMs: 500, retries: 1 },
    labels,
  });
}

async function healthy(container: TestContainer): Promise<void> {
  await waitUntil(`Docker to call ${container.name} healthy`, async () =>
    (await container.inspect()).State.Health?.Status === 'healthy' ? true : undefined,
  );
}

const unhealthyEvent = (engine: EngineEventLog, container: TestContainer) =>
  waitUntil(`a health_status: unhealthy event of ${container.name}`, () =>
    engine.of(container.id, ['health_status']).find((event) => event.healthStatus === 'unhealthy'),
  );

const startsAfter = (engine: EngineEventLog, container: TestContainer, event: ContainerEvent) =>
  engine.of(container.id, ['start']).filter((start) => start.timeNano > event.timeNano);

interface WebhookBody {
  readonly kind: string;
  readonly text?: string;
  readonly incident: {
    readonly container_name: string;
    readonly trigger: string;
    readonly auto_healed: boolean;
  };
}

const bodiesFor = (receiver: WebhookReceiver, container: TestContainer) =>
  receiver.requests
    .map((request) => request.body as WebhookBody)
    .filter((body) => body.incident?.container_name === container.name);

/** `website-monitor incidents --json` in the agent's working directory: what the embedded SQLite file holds. */
function recordedIncidents(cwd: string): Record<string, unknown>[] {
  const { DATABASE_URL: _ignored, ...env } = process.env;
  const result = spawnSync(process.execPath, [cliEntry, 'incidents', '--json'], {
    cwd,
    env,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`incidents --json exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

async function stopped(agent: AgentProcess): Promise<void> {
  const { code } = await agent.stop();
  expect(code, agent.transcript()).toBe(0);
}

describe("website-monitor run with autoheal's environment and no config file", () => {
  it("AUTOHEAL_CONTAINER_LABEL=autoheal: restarts the labelled unhealthy container at once (its autoheal.stop.timeout), leaves the unlabelled one alone, posts autoheal's line to WEBHOOK_URL, records the incident in SQLite", async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'wm-e2e-autoheal-'));
    const receiver = await startWebhookReceiver('/hooks/autoheal');
    try {
      await using engine = await recordEngineEvents();
      await using labelled = await healthchecked('autoheal-labelled', {
        autoheal: 'true',
        'autoheal.stop.timeout': '2',
      });
      await using plain = await healthchecked('autoheal-plain', {});
      await Promise.all([healthy(labelled), healthy(plain)]);

      const agent = startAgentProcess({
        configPath: undefined,
        cwd,
        env: {
          AUTOHEAL_CONTAINER_LABEL: 'autoheal',
          AUTOHEAL_INTERVAL: '5',
          AUTOHEAL_DEFAULT_STOP_TIMEOUT: '7',
          WEBHOOK_URL: receiver.url,
        },
      });
      await agent.waitForLog('agent_started');
      expect(agent.stderr()).toContain('website-monitor: no config file: running as autoheal');
      expect(agent.logged('autoheal_config')[0]?.mapped).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^AUTOHEAL_CONTAINER_LABEL=autoheal -> containers labelled autoheal=true/),
        ]),
      );

      // The app's health mode file says "fail" until its next run, which starts healthy.
      await Promise.all([labelled.setHealth('fail'), plain.setHealth('fail')]);
      const unhealthy = await unhealthyEvent(engine, labelled);
      const restart = await waitUntil(
        'the restart of the labelled container',
        () => startsAfter(engine, labelled, unhealthy)[0],
      );
      const result = await agent.waitForLog('healing_result', { fields: { container: labelled.name } });
      expect(result.result, agent.transcript()).toBe('succeeded');
      // autoheal.stop.timeout=2 wins over AUTOHEAL_DEFAULT_STOP_TIMEOUT=7 (the action record says what Docker was given).
      expect(result.detail).toContain('stop timeout 2 s');

      const plainUnhealthy = await unhealthyEvent(engine, plain);
      const resolved = await waitUntil(
        'the incident_resolved webhook',
        () => bodiesFor(receiver, labelled).find((body) => body.kind === 'incident_resolved'),
        { timeoutMs: 45_000 },
      );
      expect(resolved.text).toBe(
        `Container ${labelled.name} (${labelled.id.slice(0, 12)}) found to be unhealthy. Successfully restarted the container!`,
      );
      expect(resolved.incident).toMatchObject({ trigger: 'docker_unhealthy', auto_healed: true });
      expect(bodiesFor(receiver, labelled)[0]).toMatchObject({
        kind: 'incident_opened',
        text: expect.stringMatching(/found to be unhealthy: /),
      });
      // Unlabelled: unhealthy for as long as it took the other to be healed (over 10 s, two of
      // autoheal's intervals), never restarted, never reported.
      expect(Date.now() - plainUnhealthy.time).toBeGreaterThan(10_000);
      expect(startsAfter(engine, plain, plainUnhealthy)).toEqual([]);
      expect(bodiesFor(receiver, plain)).toEqual([]);
      expect((await plain.inspect()).State.Health?.Status).toBe('unhealthy');

      await stopped(agent);
      const incidents = recordedIncidents(cwd);
      expect(incidents).toEqual([
        expect.objectContaining({
          container_name: labelled.name,
          trigger: 'docker_unhealthy',
          status: 'resolved',
          actions_taken: ['restart_container'],
          auto_healed: true,
        }),
      ]);
      const kill = engine.of(labelled.id, ['kill']).find((event) => event.timeNano > unhealthy.timeNano);
      if (kill) {
        reportFigure(
          'autoheal drop-in: health_status unhealthy -> kill (the restart begins)',
          Number(kill.timeNano - unhealthy.timeNano) / 1e6,
          'ms',
        );
      }
      const latencyMs = Number(restart.timeNano - unhealthy.timeNano) / 1e6;
      reportFigure(
        'autoheal drop-in: health_status unhealthy -> start (AUTOHEAL_INTERVAL=5)',
        latencyMs,
        'ms',
      );
      // autoheal sees it at its next poll: 0-5 s later, 2.5 s on average, plus the restart.
      expect(latencyMs).toBeLessThan(2_500);
    } finally {
      await receiver.close();
      await rm(cwd, { recursive: true, force: true });
    }
  });

  it('AUTOHEAL_CONTAINER_LABEL=all: restarts an unlabelled unhealthy container (AUTOHEAL_DEFAULT_STOP_TIMEOUT), not one labelled autoheal=False', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'wm-e2e-autoheal-all-'));
    const receiver = await startWebhookReceiver('/hooks/autoheal-all');
    // `all` means every container on the engine: the agent sees this test's containers only,
    // through a proxy that hides the rest (other tests share the engine).
    const scope = { key: 'wm-e2e-autoheal-scope', value: randomBytes(6).toString('hex') };
    try {
      await using proxy = await startScopedDockerProxy({ label: scope });
      await using engine = await recordEngineEvents();
      await using plain = await healthchecked('autoheal-all', { [scope.key]: scope.value });
      await using optedOut = await healthchecked('autoheal-false', {
        [scope.key]: scope.value,
        autoheal: 'False',
      });
      await Promise.all([healthy(plain), healthy(optedOut)]);

      const agent = startAgentProcess({
        configPath: undefined,
        cwd,
        env: {
          AUTOHEAL_CONTAINER_LABEL: 'all',
          AUTOHEAL_DEFAULT_STOP_TIMEOUT: '4',
          // autoheal's own variable for the engine's socket.
          DOCKER_SOCK: proxy.socketPath,
          WEBHOOK_URL: receiver.url,
        },
      });
      await agent.waitForLog('agent_started');
      expect(agent.stderr()).toContain(`DOCKER_SOCK -> the Docker engine at unix://${proxy.socketPath}`);

      await Promise.all([plain.setHealth('fail'), optedOut.setHealth('fail')]);
      const unhealthy = await unhealthyEvent(engine, plain);
      const restart = await waitUntil(
        'the restart of the unlabelled container',
        () => startsAfter(engine, plain, unhealthy)[0],
      );
      const result = await agent.waitForLog('healing_result', { fields: { container: plain.name } });
      expect(result.detail, agent.transcript()).toContain('stop timeout 4 s');
      const optedOutUnhealthy = await unhealthyEvent(engine, optedOut);
      await waitUntil('the incident_resolved webhook', () =>
        bodiesFor(receiver, plain).find((body) => body.kind === 'incident_resolved'),
      );
      expect(startsAfter(engine, optedOut, optedOutUnhealthy)).toEqual([]);
      expect(bodiesFor(receiver, optedOut)).toEqual([]);
      // Only this test's containers were ever shown to it.
      expect(
        agent.log.filter(
          (line) =>
            typeof line.container === 'string' &&
            ![plain.name, optedOut.name].includes(line.container as string),
        ),
      ).toEqual([]);
      await stopped(agent);
      reportFigure(
        'autoheal drop-in (all, through a socket proxy): health_status unhealthy -> start',
        Number(restart.timeNano - unhealthy.timeNano) / 1e6,
        'ms',
      );
    } finally {
      await receiver.close();
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
