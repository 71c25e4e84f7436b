import { WebsiteMonitorAgent } from '@website-monitor/core';
import { resolveContainerSettings } from '@website-monitor/core/internal';
import {
  FakeClock,
  FakeContainerRuntime,
  MemoryLogger,
  MemoryStore,
  RecordingNotifier,
} from '@website-monitor/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { autohealMonitorConfig } from './autoheal-config.js';
import { readAutohealEnvironment } from './autoheal-environment.js';

const mapped = (env: Record<string, string>) => autohealMonitorConfig(readAutohealEnvironment(env));

describe('autohealMonitorConfig', () => {
  it('watches containers labelled <AUTOHEAL_CONTAINER_LABEL>=true (autoheal by default), and no other', () => {
    const { config } = mapped({});
    expect(config.monitoring).toMatchObject({ discovery: 'labelled', enableLabel: 'autoheal' });
    const selected = (labels: Record<string, string>) =>
      resolveContainerSettings({ config, container: { name: 'app', labels } }).settings !== null;
    expect(selected({ autoheal: 'true' })).toBe(true);
    expect(selected({})).toBe(false);
    expect(selected({ 'autoheal-app': 'true' })).toBe(false);
    const custom = mapped({ AUTOHEAL_CONTAINER_LABEL: 'autoheal-app' }).config;
    expect(
      resolveContainerSettings({
        config: custom,
        container: { name: 'app', labels: { 'autoheal-app': 'true' } },
      }).settings,
    ).not.toBeNull();
  });

  it('watches every container with all, except one labelled autoheal=False (as autoheal skips it)', () => {
    const { config } = mapped({ AUTOHEAL_CONTAINER_LABEL: 'all' });
    expect(config.monitoring.discovery).toBe('all');
    const settings = (labels: Record<string, string>) =>
      resolveContainerSettings({ config, container: { name: 'app', labels } }).settings;
    expect(settings({})).not.toBeNull();
    expect(settings({ autoheal: 'False' })).toBeNull();
  });

  it('restarts on the HEALTHCHECK alone, with the stop timeouts autoheal used, and nothing else', () => {
    const { config } = mapped({ AUTOHEAL_DEFAULT_STOP_TIMEOUT: '7', AUTOHEAL_INTERVAL: '2' });
    expect(config.healing).toMatchObject({
      stopTimeoutSeconds: 7,
      autoFixActions: ['restart_container'],
      manualApprovalRequired: [],
      strategies: {
        docker_unhealthy: [expect.objectContaining({ action: 'restart_container', maxAttempts: 3 })],
      },
      respectOperatorStops: true,
    });
    expect(Object.keys(config.healing.strategies)).toEqual(['docker_unhealthy']);
    expect(config.monitoring.intervalSeconds).toBe(2);
    expect(config.monitoring.defaults).toMatchObject({
      memoryPercentThreshold: undefined,
      cpuPercentThreshold: undefined,
      responseTimeMsThreshold: undefined,
    });
    const labelled = resolveContainerSettings({
      config,
      container: { name: 'app', labels: { autoheal: 'true', 'autoheal.stop.timeout': '20' } },
    });
    expect(labelled.settings?.stopTimeoutSeconds).toBe(20);
  });

  it("sends WEBHOOK_URL and APPRISE_URL our payload plus autoheal's line, for HEALTHCHECK incidents", () => {
    const { config } = mapped({
      WEBHOOK_URL: 'http://127.0.0.1:9/hook',
      WEBHOOK_JSON_KEY: 'content',
      APPRISE_URL: 'http://127.0.0.1:9/notify',
    });
    expect(config.notifications.webhooks).toEqual([
      expect.objectContaining({
        name: 'WEBHOOK_URL',
        type: 'json',
        textKey: 'content',
        triggers: ['docker_unhealthy'],
      }),
      expect.objectContaining({
        name: 'APPRISE_URL',
        type: 'json',
        textKey: 'body',
        triggers: ['docker_unhealthy'],
      }),
    ]);
    // WEBHOOK_JSON_KEY=message: our payload's own message is that line already.
    expect(
      mapped({ WEBHOOK_URL: 'http://127.0.0.1:9/', WEBHOOK_JSON_KEY: 'message' }).config.notifications
        .webhooks[0]?.textKey,
    ).toBeUndefined();
    expect(mapped({}).config.notifications.webhooks).toEqual([]);
  });

  it('hands run the start delay and the engine, and says every decision in one line each', () => {
    const run = mapped({
      AUTOHEAL_START_PERIOD: '30',
      DOCKER_SOCK: '/tmp/docker.sock',
      AUTOHEAL_CONTAINER_LABEL: 'all',
    });
    expect(run.startDelaySeconds).toBe(30);
    expect(run.dockerHost).toBe('unix:///tmp/docker.sock');
    expect(run.mapped).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^AUTOHEAL_CONTAINER_LABEL=all -> every container/),
        expect.stringMatching(/^AUTOHEAL_START_PERIOD=30 -> the first check 30 s after start/),
        expect.stringMatching(/^DOCKER_SOCK -> the Docker engine at unix:\/\/\/tmp\/docker.sock/),
      ]),
    );
    for (const line of run.mapped) expect(line).not.toContain('\n');
  });
});

describe('the agent with the autoheal config (fakes)', () => {
  const agents: WebsiteMonitorAgent[] = [];
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.stop()));
  });

  function start(env: Record<string, string>) {
    const clock = new FakeClock();
    const runtime = new FakeContainerRuntime({ clock });
    const notifier = new RecordingNotifier();
    const store = new MemoryStore();
    const agent = new WebsiteMonitorAgent({
      config: mapped(env).config,
      runtime,
      store,
      notifier,
      logger: new MemoryLogger(),
      clock,
      random: () => 0.5,
    });
    agents.push(agent);
    const settle = async (ms = 0) => {
      await agent.idle();
      if (ms > 0) await clock.advance(ms);
      await agent.idle();
    };
    return { clock, runtime, notifier, store, agent, settle };
  }

  it('restarts the labelled unhealthy container at its health_status event, with its stop timeout; leaves the rest alone', async () => {
    const h = start({ AUTOHEAL_DEFAULT_STOP_TIMEOUT: '7' });
    h.runtime.addContainer({ name: 'web', labels: { autoheal: 'true', 'autoheal.stop.timeout': '3' } });
    h.runtime.addContainer({ name: 'other', labels: { autoheal: 'true' } });
    h.runtime.addContainer({ name: 'unlabelled' });
    h.runtime.addContainer({ name: 'job', labels: { autoheal: 'true' } });
    await h.agent.start();
    await h.settle();

    h.runtime.setDockerHealth('web', 'unhealthy');
    h.runtime.setDockerHealth('unlabelled', 'unhealthy');
    h.runtime.crash('job', { exitCode: 1 });
    await h.settle();
    h.runtime.setDockerHealth('other', 'unhealthy');
    await h.settle(60_000);

    const restarts = h.runtime.callsOf('restart').map((call) => call.args);
    expect(restarts).toEqual([
      { id: h.runtime.idOf('web'), timeoutSeconds: 3 },
      { id: h.runtime.idOf('other'), timeoutSeconds: 7 },
    ]);
    // The crash is on record, but autoheal never acted on it and neither do we.
    const [crash] = await h.store.listIncidents({ containerName: 'job' });
    expect(crash).toMatchObject({ trigger: 'container_stopped', actionsTaken: [] });
    expect(await h.store.listIncidents({ containerName: 'unlabelled' })).toEqual([]);
  });

  it('stops after 3 restarts of a container that stays unhealthy and tells a person (autoheal: every 5 s, for ever)', async () => {
    const h = start({});
    h.runtime.addContainer({ name: 'web', labels: { autoheal: 'true' } });
    await h.agent.start();
    await h.settle();
    // Every new run turns unhealthy again.
    h.runtime.respond('restart', () => {
      queueMicrotask(() => h.runtime.setDockerHealth('web', 'unhealthy'));
      return undefined;
    });
    h.runtime.setDockerHealth('web', 'unhealthy');
    for (let minute = 0; minute < 60; minute++) await h.settle(60_000);

    expect(h.runtime.callsOf('restart')).toHaveLength(3);
    const [incident] = await h.store.listIncidents({ containerName: 'web' });
    expect(incident?.status).toBe('escalated');
    expect(h.notifier.notifications.map((notification) => notification.kind)).toContain('incident_escalated');
  });
});
