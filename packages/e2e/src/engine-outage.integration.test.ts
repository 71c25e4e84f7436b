import { setTimeout as sleep } from 'node:timers/promises';
import { createDockerRuntime } from '@website-monitor/docker-adapter';
import {
  CRASH_EXIT_CODE,
  crashContainer,
  crashOnDemand,
  removeTestContainers,
  startTestContainer,
  testRunId,
} from '@website-monitor/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { findSetupDockerd, restartSetupDockerd } from './dockerd/setup-dockerd.js';
import { recordEngineEvents } from './engine-events/engine-event-log.js';
import { startE2eAgent } from './harness/e2e-agent.js';
import { reportFigure } from './harness/report-figure.js';
import { waitUntil } from './harness/wait-until.js';
import { startDockerSocketProxy } from './socket-proxy/docker-socket-proxy.js';

afterAll(async () => {
  await removeTestContainers({ runId: testRunId });
});

/** interval_seconds far beyond each test: only the reconnect (replay + reconcile) can find the crash. */
const agentYaml = (name: string) => `
monitoring:
  interval_seconds: 600
  discovery: listed
  defaults:
    start_period_seconds: 0
  containers:
    - name: ${name}
healing:
  # Resolved after 1 s of health (its own timer, not a full pass) instead of the default 10 s.
  resolve_after_seconds: 1
`;

const setupDockerd = findSetupDockerd();

describe('the engine connection goes away', () => {
  it('loses no die while the socket is cut: the crash is replayed and healed once it is back', async () => {
    await using engine = await recordEngineEvents();
    await using proxy = await startDockerSocketProxy();
    await using runtime = createDockerRuntime({ socketPath: proxy.socketPath, requestTimeoutMs: 5000 });
    await using app = await startTestContainer({
      purpose: 'e2e-socket-cut',
      behaviour: crashOnDemand,
      publishHttp: false,
      waitFor: 'running',
    });
    await using monitor = await startE2eAgent({ yaml: agentYaml(app.name), runtime });
    await waitUntil('a healthy check', () =>
      monitor.eventsFor('check:completed', app.name).find((event) => event.payload.healthy),
    );

    const cutAt = Date.now();
    proxy.cut();
    await waitUntil('the agent to notice the cut', () =>
      monitor.events.find(
        (event) =>
          event.name === 'engine:connection' &&
          event.at >= cutAt &&
          !(event.payload as { connected: boolean }).connected,
      ),
    );
    // The crash happens while the agent is blind; the test's own connection sees it.
    await crashContainer(app);
    const die = await engine.waitFor(app.id, 'die');
    await sleep(Math.max(0, cutAt + 2000 - Date.now()));
    expect((await app.inspect()).State.Status).toBe('exited');
    const restoredAt = Date.now();
    proxy.restore();

    const resolved = await waitUntil(
      'the crash to be healed after the cut',
      () => monitor.eventsFor('incident:resolved', app.name)[0]?.payload,
      { timeoutMs: 45_000 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${monitor.logText()}`);
    });
    const restart = engine.of(app.id, ['start']).find((event) => event.timeNano > die.timeNano);
    expect(restart).toBeDefined();
    expect(restart!.time).toBeGreaterThanOrEqual(restoredAt);
    expect((await app.inspect()).State.Running).toBe(true);

    // The die itself reached the agent: replayed with `since` on the re-subscription.
    const seenDie = monitor.logger
      .find('docker_event')
      .find((entry) => entry.fields.container === app.name && entry.fields.action === 'die');
    expect(seenDie, 'the die event, replayed after the cut').toBeDefined();
    expect(monitor.logger.find('docker_events_disconnected').length).toBeGreaterThanOrEqual(1);
    expect(proxy.refused).toBeGreaterThanOrEqual(1);

    expect(resolved.autoHealed).toBe(true);
    const incidents = await monitor.store.listIncidents({ containerName: app.name });
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({
      trigger: 'container_stopped',
      exitCode: CRASH_EXIT_CODE,
      status: 'resolved',
      autoHealed: true,
      actionsTaken: ['restart_container'],
    });
    reportFigure('socket cut: cut for', restoredAt - cutAt, 'ms');
    reportFigure('socket cut: connections refused while cut', proxy.refused);
    reportFigure('socket cut: restore -> restart (engine start)', restart!.time - restoredAt, 'ms');
    reportFigure('socket cut: die -> restart', Number(restart!.timeNano - die.timeNano) / 1e6, 'ms');
  });

  // What this proves: across a real daemon restart (socket file gone and back, the daemon's event
  // history wiped, so `since` replays nothing), the agent reconnects and its reconcile pass heals a
  // crash it never got an event for.
  //
  // Why the agent is blind (proxy cut) from before the crash until the engine is back: without
  // live-restore, dockerd stops every running container on shutdown, and those kill -> die -> stop
  // events are exactly what `docker stop` produces, so an agent watching at that moment rightly
  // files them as operator stops and leaves the containers down. The crash therefore happens just
  // before the shutdown, and the agent learns of it only from the restarted daemon's state.
  it.skipIf(!setupDockerd.found)(
    `heals a crash that happened around a real dockerd restart${setupDockerd.found ? '' : ` (skipped: ${setupDockerd.reason})`}`,
    async () => {
      if (!setupDockerd.found) return;
      await using proxy = await startDockerSocketProxy();
      await using runtime = createDockerRuntime({ socketPath: proxy.socketPath, requestTimeoutMs: 5000 });
      await using app = await startTestContainer({
        purpose: 'e2e-dockerd-restart',
        behaviour: crashOnDemand,
        publishHttp: false,
        waitFor: 'running',
      });
      await using monitor = await startE2eAgent({ yaml: agentYaml(app.name), runtime });
      await waitUntil('a healthy check', () =>
        monitor.eventsFor('check:completed', app.name).find((event) => event.payload.healthy),
      );

      proxy.cut();
      await crashContainer(app);
      const crashed = await waitUntil('the crash', async () => {
        const state = (await app.inspect()).State;
        return state.Status === 'exited' ? state : undefined;
      });
      expect(crashed.ExitCode).toBe(CRASH_EXIT_CODE);
      const { downMs } = await restartSetupDockerd(setupDockerd.dockerd);
      // Still exited after the daemon came back: no restart policy, and nobody healed it yet.
      expect((await app.inspect()).State.Status).toBe('exited');
      const restoredAt = Date.now();
      proxy.restore();

      const resolved = await waitUntil(
        'the crash to be healed after the daemon restart',
        () => monitor.eventsFor('incident:resolved', app.name)[0]?.payload,
        { timeoutMs: 60_000 },
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n${monitor.logText()}`);
      });
      const info = await app.inspect();
      expect(info.State.Running).toBe(true);
      expect(Date.parse(info.State.StartedAt)).toBeGreaterThanOrEqual(restoredAt);
      expect(resolved).toMatchObject({
        autoHealed: true,
        trigger: 'container_stopped',
        exitCode: CRASH_EXIT_CODE,
      });
      const actions = await monitor.store.listHealingActions({ containerName: app.name });
      expect(actions.map((action) => [action.action, action.result])).toEqual([
        ['restart_container', 'succeeded'],
      ]);
      reportFigure('dockerd restart: API down for', downMs, 'ms');
      reportFigure('dockerd restart: restore -> healed', Date.now() - restoredAt, 'ms');
    },
  );
});
