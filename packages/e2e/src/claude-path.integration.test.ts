import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClaudeDiagnoser } from '@website-monitor/claude-diagnoser';
import {
  type FakeAnthropicReply,
  type FakeAnthropicServer,
  startFakeAnthropicServer,
  userMessageText,
  validDiagnosisReply,
} from '@website-monitor/claude-diagnoser/testing';
import {
  type ContainerRuntime,
  type Incident,
  type MonitorConfig,
  parseMonitorConfig,
  WebsiteMonitorAgent,
} from '@website-monitor/core';
import { MemoryLogger, MemoryStore } from '@website-monitor/core/testing';
import { createDockerRuntime } from '@website-monitor/docker-adapter';
import { createNotifierFromConfig } from '@website-monitor/notifier';
import {
  CRASH_EXIT_CODE,
  crashContainer,
  crashOnDemand,
  removeTestContainers,
  startTestContainer,
  testRunId,
} from '@website-monitor/test-support';
import { afterAll, describe, it } from 'vitest';
import { recordEngineEvents } from './engine-events/engine-event-log.js';
import { seedConfigYaml } from './failure-modes/seed-config.js';
import { startFixedPortApp } from './harness/fixed-port-app.js';
import { reportFigure } from './harness/report-figure.js';
import { waitUntil } from './harness/wait-until.js';

// Issue 9, part 3, on the real engine: the seed's config (claude.enabled, use_for_diagnosis, the
// seed's model) plus a key, the real Claude diagnoser and SDK pointed at a local Messages API,
// real containers of the test image, the real webhook notifier posting to a local receiver.
// Each scenario runs its own agent, concurrently with the others.

afterAll(async () => {
  await removeTestContainers({ runId: testRunId });
});

/** What the fake Messages API does for one container (known by the name in the prompt). */
type ModelBehaviour = { readonly reply: FakeAnthropicReply };

/** The seed's config, its one container entry replaced by ours, scoped to them, with a webhook. */
function seedConfigWith(options: {
  readonly containers: string;
  readonly webhookUrl: string;
}): MonitorConfig {
  const containersStart = seedConfigYaml.indexOf('  containers:\n');
  const healingStart = seedConfigYaml.indexOf('\nhealing:\n');
  if (containersStart < 0 || healingStart < 0) throw new Error('the seed config changed shape');
  const yaml = `${seedConfigYaml.slice(0, containersStart)}  discovery: listed
  containers:
${options.containers}${seedConfigYaml.slice(healingStart)}
notifications:
  webhooks:
    - type: json
      url: ${options.webhookUrl}
      retries: 0
`;
  const config = parseMonitorConfig({ text: yaml, file: 'seed.yaml', env: {} });
  if (!config.claude.enabled || !config.claude.useForDiagnosis) throw new Error('the seed turns Claude on');
  return config;
}

/** A JSON webhook endpoint on 127.0.0.1 keeping every notification it receives. */
async function startWebhookReceiver() {
  const received: { kind: string; incident: { container_name: string; diagnosis: WebhookDiagnosis } }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/monitor`,
    received,
    of: (kind: string, container: string) =>
      received.filter((body) => body.kind === kind && body.incident.container_name === container),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type WebhookDiagnosis = { diagnosis: string; source: string; recommended_action: string } | null;

/**
 * An agent on the real engine with the real Claude diagnoser at a local Messages API, which answers
 * each container as told; every restart call the agent makes is timed.
 */
async function startClaudeAgent(options: {
  readonly containers: string;
  readonly model: Readonly<Record<string, ModelBehaviour>>;
  /** The whole diagnosis's limit (the diagnoser's default is 45 s). */
  readonly deadlineMs?: number;
}) {
  const webhook = await startWebhookReceiver();
  const server: FakeAnthropicServer = await startFakeAnthropicServer({
    script: (request) => {
      const name = containerAskedAbout(request.body && userMessageText(request));
      const behaviour = name === undefined ? undefined : options.model[name];
      return behaviour?.reply ?? { kind: 'error', status: 400, message: `no scenario for ${name}` };
    },
  });
  const config = seedConfigWith({ containers: options.containers, webhookUrl: webhook.url });
  const engine = createDockerRuntime();
  const restartCalls: { id: string; at: number }[] = [];
  const runtime = new Proxy(engine, {
    get(target, property, receiver) {
      if (property === 'restart') {
        return (args: Parameters<ContainerRuntime['restart']>[0]) => {
          restartCalls.push({ id: args.id, at: Date.now() });
          return target.restart(args);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
  const logger = new MemoryLogger();
  const store = new MemoryStore();
  const notifier = createNotifierFromConfig(config.notifications, { logger });
  const agent = new WebsiteMonitorAgent({
    config,
    runtime,
    store,
    logger,
    host: 'e2e',
    ...(notifier ? { notifier } : {}),
    diagnoser: createClaudeDiagnoser({
      apiKey: 'sk-ant-e2e-test',
      model: config.claude.model,
      baseURL: server.url,
      logger,
      // Shorter than the defaults (20 s per attempt, 45 s in all) so a hanging API is given up
      // within the test; still longer than the slow model's 5 s.
      timeoutMs: Math.min(7_000, options.deadlineMs ?? 8_000),
      deadlineMs: options.deadlineMs ?? 8_000,
    }),
  });
  /** When the agent opened each container's incident (wall clock), for the die -> restart story. */
  const openedAt = new Map<string, number>();
  agent.on('incident:opened', (incident) => {
    if (!openedAt.has(incident.containerName)) openedAt.set(incident.containerName, Date.now());
  });
  const modelAnswers: { container: string; at: number }[] = [];
  agent.on('incident:updated', (incident) => {
    if (
      incident.diagnosis?.source === 'model' &&
      !modelAnswers.some((seen) => seen.container === incident.containerName)
    ) {
      modelAnswers.push({ container: incident.containerName, at: Date.now() });
    }
  });
  await agent.start();
  const requestsAbout = (container: string) =>
    server.requests.filter((request) => containerAskedAbout(userMessageText(request)) === container);
  const incidentOf = async (container: string): Promise<Incident | undefined> =>
    (await store.listIncidents({ containerName: container }))[0];
  const logText = () =>
    logger.entries
      .filter((entry) => entry.event !== 'docker_event')
      .map((entry) => `${entry.level} ${entry.event} ${JSON.stringify(entry.fields)}`)
      .join('\n');
  return {
    agent,
    store,
    server,
    webhook,
    restartCalls,
    openedAt,
    modelAnswers,
    requestsAbout,
    incidentOf,
    logText,
    async [Symbol.asyncDispose]() {
      await agent.stop();
      await notifier?.drain();
      await server.close();
      await webhook.close();
      await engine[Symbol.asyncDispose]();
    },
  };
}

/** The container a prompt is about: its context JSON names it. */
function containerAskedAbout(prompt: string | undefined): string | undefined {
  return prompt === undefined ? undefined : /"name": "(wm-test-[\w-]+)"/.exec(prompt)?.[1];
}

/** A model answer for one scenario. */
function answer(
  fields: Parameters<typeof validDiagnosisReply>[0],
  timing: { delayMs?: number } = {},
): ModelBehaviour {
  return { reply: validDiagnosisReply({ confidence: 90, ...fields }, undefined, timing) };
}

// The scenario that times die -> restart with a slow model runs alone, so the other agents' work
// does not weigh on the figure; the rest run side by side.
describe('Claude on the default path, real engine, seed config: a crash is not held up', () => {
  it('a crash is restarted at once while the model takes 5 s; its answer lands on the incident and in the notification', async ({
    expect,
  }) => {
    await using engine = await recordEngineEvents();
    await using app = await startTestContainer({
      purpose: 'claude-crash',
      behaviour: { ...crashOnDemand, logLines: ['reconciler: lost the payments queue'] },
      networkMode: 'none',
      waitFor: 'running',
    });
    const said = 'the reconciler lost its queue connection and exited; a restart reconnects it';
    await using monitor = await startClaudeAgent({
      containers: `    - name: ${app.name}\n`,
      model: { [app.name]: answer({ cause: 'crash', diagnosis: said }, { delayMs: 5_000 }) },
    });

    await crashContainer(app);
    const die = await engine.waitFor(app.id, 'die');
    expect(die.exitCode).toBe(CRASH_EXIT_CODE);
    const restartCall = await waitUntil('the restart call', () =>
      monitor.restartCalls.find((call) => call.id === app.id),
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${monitor.logText()}`);
    });
    const dieToRestartCallMs = restartCall.at - die.time;
    const asked = await waitUntil('the model to be asked', () => monitor.requestsAbout(app.name)[0]);
    const landed = await waitUntil(
      "the model's answer on the incident",
      () => monitor.modelAnswers.find((seen) => seen.container === app.name),
      { timeoutMs: 30_000 },
    );
    reportFigure(
      'claude crash: die -> incident opened / -> restart call (model takes 5 s)',
      `${(monitor.openedAt.get(app.name) ?? Number.NaN) - die.time} / ${dieToRestartCallMs} ms`,
    );
    reportFigure(
      'claude crash: model asked -> its answer on the incident',
      landed.at - asked.receivedAt,
      'ms',
    );
    // The restart did not wait for the model: it came long before the model could answer. The
    // agent's own share (incident opened -> restart call) is what a wait would have lengthened;
    // die -> opened is the engine's event delivery, slower on a loaded machine.
    const openedAt = monitor.openedAt.get(app.name)!;
    expect(restartCall.at - openedAt).toBeLessThan(1_000);
    expect(dieToRestartCallMs).toBeLessThan(5_000);
    expect(restartCall.at).toBeLessThan(asked.receivedAt + 5_000);
    expect(landed.at - asked.receivedAt).toBeGreaterThanOrEqual(5_000);

    const resolved = await waitUntil(
      'the resolved notification',
      () => monitor.webhook.of('incident_resolved', app.name)[0],
      { timeoutMs: 40_000 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${monitor.logText()}`);
    });
    expect(resolved.incident.diagnosis).toMatchObject({ source: 'model', diagnosis: said });
    const incident = await monitor.incidentOf(app.name);
    expect(incident).toMatchObject({
      status: 'resolved',
      autoHealed: true,
      actionsTaken: ['restart_container'],
    });
    expect(incident?.diagnosis).toMatchObject({ source: 'model', diagnosis: said });
    const history = (incident?.history ?? []).flatMap((entry) =>
      entry.kind === 'diagnosed' ? [entry.diagnosis.source] : [],
    );
    expect(history[0]).toBe('rules');
    expect(history.at(-1)).toBe('model');
    expect(monitor.requestsAbout(app.name)).toHaveLength(1);
  });
});

describe.concurrent('Claude on the default path, real engine, seed config', () => {
  it('an OOM kill is shown to the model; its answer lands on the incident and in the escalation', async ({
    expect,
  }) => {
    await using app = await startTestContainer({
      purpose: 'claude-oom',
      behaviour: { growMemoryMbPerSec: 8, logLines: ['image-resizer: loading the full catalogue'] },
      memoryLimitBytes: 48 * 1024 * 1024,
      networkMode: 'none',
      waitFor: 'running',
    });
    const said = 'the resizer loads the whole catalogue into memory and is killed at its 48 MiB limit';
    await using monitor = await startClaudeAgent({
      // One restart allowed: it runs out of memory again, and the incident escalates.
      containers: `    - name: ${app.name}\n      max_restarts_per_hour: 1\n`,
      model: {
        [app.name]: answer({
          cause: 'out_of_memory',
          diagnosis: said,
          recommended_action: 'restart_container',
        }),
      },
    });

    const escalated = await waitUntil(
      'the escalation notification',
      () => monitor.webhook.of('incident_escalated', app.name)[0],
      { timeoutMs: 60_000 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${monitor.logText()}`);
    });
    expect(escalated.incident.diagnosis).toMatchObject({ source: 'model', diagnosis: said });
    const incident = await monitor.incidentOf(app.name);
    expect(incident).toMatchObject({ oomKilled: true, status: 'escalated' });
    expect(incident?.diagnosis).toMatchObject({ source: 'model', cause: 'out_of_memory' });
    expect(monitor.requestsAbout(app.name)).toHaveLength(1);
  });

  it('an HTTP failure (health -> 500) waits for the model and acts on its recommendation', async ({
    expect,
  }) => {
    await using app = await startFixedPortApp({ purpose: 'claude-http' });
    const said =
      'the checkout service answers 500 on /health after its worker pool wedged; a restart clears it';
    await using monitor = await startClaudeAgent({
      containers: `    - name: ${app.name}\n      health_endpoint: "${app.url('/health')}"\n`,
      model: {
        [app.name]: answer(
          { cause: 'server_errors', diagnosis: said, recommended_action: 'restart_container' },
          { delayMs: 1_000 },
        ),
      },
    });
    await waitUntil('a first good probe', async () =>
      monitor.agent
        .status()
        .some(
          (line) =>
            line.name === app.name && line.verdict?.healthy && line.verdict.metrics.httpStatus === 200,
        )
        ? true
        : undefined,
    );

    expect((await fetch(app.url('/control/fail'))).status).toBe(200);
    const resolved = await waitUntil(
      'the resolved notification',
      () => monitor.webhook.of('incident_resolved', app.name)[0],
      { timeoutMs: 60_000 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${monitor.logText()}`);
    });
    expect(resolved.incident.diagnosis).toMatchObject({ source: 'model', diagnosis: said });
    const incident = await monitor.incidentOf(app.name);
    expect(incident).toMatchObject({ trigger: 'http_failed', status: 'resolved', autoHealed: true });
    const [restart, ...more] = await monitor.store.listHealingActions({ containerName: app.name });
    expect(more).toEqual([]);
    expect(restart).toMatchObject({ action: 'restart_container', decidedBy: 'model', result: 'succeeded' });
    // The first action came after the model's answer (1 s), not after claude.diagnosis_wait_seconds.
    const openToAction = restart!.startedAt - incident!.openedAt;
    reportFigure('claude http 500: incident open -> first action (model answers in 1 s)', openToAction, 'ms');
    expect(openToAction).toBeGreaterThanOrEqual(1_000);
    expect(openToAction).toBeLessThan(10_000);
    expect(monitor.requestsAbout(app.name)).toHaveLength(1);
  });

  it('a crash loop that escalates is one question to the model, and its escalation carries the answer', async ({
    expect,
  }) => {
    await using app = await startTestContainer({
      purpose: 'claude-loop',
      behaviour: {
        exitAfterSeconds: 2,
        exitCode: 1,
        logLines: ['ledger-sync: schema version mismatch, giving up'],
      },
      networkMode: 'none',
      waitFor: 'running',
    });
    const said = 'ledger-sync exits at start on a schema mismatch; restarts repeat it';
    await using monitor = await startClaudeAgent({
      containers: `    - name: ${app.name}\n      max_restarts_per_hour: 2\n`,
      model: {
        [app.name]: answer({ cause: 'crash', diagnosis: said, recommended_action: 'restart_container' }),
      },
    });

    const escalated = await waitUntil(
      'the escalation notification',
      () => monitor.webhook.of('incident_escalated', app.name)[0],
      { timeoutMs: 60_000 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${monitor.logText()}`);
    });
    expect(escalated.incident.diagnosis).toMatchObject({ source: 'model', diagnosis: said });
    const incidents = await monitor.store.listIncidents({ containerName: app.name });
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ status: 'escalated' });
    expect(incidents[0]?.diagnosis).toMatchObject({ source: 'model', diagnosis: said });
    expect(monitor.restartCalls.filter((call) => call.id === app.id)).toHaveLength(2);
    reportFigure(
      'claude crash loop: model requests for the whole loop',
      monitor.requestsAbout(app.name).length,
    );
    expect(monitor.requestsAbout(app.name)).toHaveLength(1);
  });
  it('a model that hangs or answers 500 leaves the rules in charge: restarted at once, healed, the reason recorded', async ({
    expect,
  }) => {
    await using engine = await recordEngineEvents();
    await using hanging = await startTestContainer({
      purpose: 'claude-hang',
      behaviour: { ...crashOnDemand, logLines: ['Error: thumbnailer cache went away'] },
      networkMode: 'none',
      waitFor: 'running',
    });
    await using failing = await startTestContainer({
      purpose: 'claude-500',
      behaviour: { ...crashOnDemand, logLines: ['Error: mailer smtp relay dropped us'] },
      networkMode: 'none',
      waitFor: 'running',
    });
    await using monitor = await startClaudeAgent({
      containers: `    - name: ${hanging.name}\n    - name: ${failing.name}\n`,
      model: {
        [hanging.name]: { reply: { kind: 'hang' } },
        [failing.name]: { reply: { kind: 'error', status: 500, message: 'Internal server error' } },
      },
      // Given up well before the incident can resolve (10 s of health after the restart).
      deadlineMs: 3_000,
    });

    await Promise.all([crashContainer(hanging), crashContainer(failing)]);
    const reasons = {
      [hanging.name]: /^claude failed: deadline exceeded after 3000ms/,
      [failing.name]: /^claude failed: api_error 500/,
    };
    for (const app of [hanging, failing]) {
      const die = await engine.waitFor(app.id, 'die');
      const restartCall = await waitUntil('the restart call', () =>
        monitor.restartCalls.find((call) => call.id === app.id),
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n${monitor.logText()}`);
      });
      reportFigure(
        `claude ${app === hanging ? 'hangs' : 'answers 500'}: die -> restart call`,
        restartCall.at - die.time,
        'ms',
      );
      // Not held up by the model: restarted before the hanging call was given up (3 s), on a
      // machine busy with the other scenarios.
      expect(restartCall.at - die.time).toBeLessThan(3_000);
    }
    for (const app of [hanging, failing]) {
      const resolved = await waitUntil(
        'the resolved notification',
        () => monitor.webhook.of('incident_resolved', app.name)[0],
        { timeoutMs: 40_000 },
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n${monitor.logText()}`);
      });
      expect(resolved.incident.diagnosis?.source).toBe('rules');
      const incident = await monitor.incidentOf(app.name);
      expect(incident).toMatchObject({
        status: 'resolved',
        autoHealed: true,
        actionsTaken: ['restart_container'],
      });
      expect(incident?.diagnosis?.source).toBe('rules');
      expect(incident?.diagnosis?.fallbackReason).toMatch(reasons[app.name]!);
    }
  });
});
