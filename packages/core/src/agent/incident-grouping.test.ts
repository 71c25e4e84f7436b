import { EventEmitter } from 'eventemitter3';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMonitorConfig } from '../config/parse-monitor-config.js';
import type { HealthVerdict, Problem } from '../domain/health.js';
import type { Incident } from '../domain/incident.js';
import { silentLogger } from '../ports/logger.js';
import { Recorder } from '../record/recorder.js';
import {
  FakeClock,
  FakeContainerRuntime,
  flushMicrotasks,
  MemoryLogger,
  MemoryStore,
  RecordingNotifier,
} from '../testing/index.js';
import type { AgentEvents } from './agent-events.js';
import { createContainerWatch } from './container-watch.js';
import { createIncidentCoordinator } from './incident-coordinator.js';
import { WebsiteMonitorAgent } from './website-monitor-agent.js';

// One problem, one incident: an incident resolves only after the container stayed healthy
// `healing.resolve_after_seconds`, and a failure within `healing.reopen_window_seconds` of a
// resolution reopens it. Notifications follow the incident, not each crash.

const agents: WebsiteMonitorAgent[] = [];

afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
});

const portInUse = ['Error: listen EADDRINUSE: address already in use :::8080'];

function harness(yaml = 'healing:\n  dry_run: false\n', shared: { store?: MemoryStore } = {}) {
  const config = parseMonitorConfig({ text: yaml, env: {} });
  const clock = new FakeClock();
  const runtime = new FakeContainerRuntime({ clock });
  const store = shared.store ?? new MemoryStore();
  const notifier = new RecordingNotifier();
  const logger = new MemoryLogger();
  let nextId = 0;
  const events: { name: keyof AgentEvents; at: number; incident: Incident }[] = [];
  const healthyAt: number[] = [];
  const make = () => {
    const agent = new WebsiteMonitorAgent({
      config,
      runtime,
      store,
      notifier,
      logger,
      clock,
      random: () => 0.5,
      newId: () => `id-${++nextId}`,
    });
    agents.push(agent);
    for (const name of [
      'incident:opened',
      'incident:reopened',
      'incident:updated',
      'incident:resolved',
    ] as const) {
      agent.on(name, (incident) => events.push({ name, at: clock.now(), incident }));
    }
    agent.on('check:completed', (verdict) => {
      if (verdict.healthy) healthyAt.push(verdict.checkedAt);
    });
    return agent;
  };
  let agent = make();
  /** Runs the agent for `ms` of fake time, 100 ms at a time. */
  const run = async (ms: number) => {
    await agent.idle();
    const until = clock.now() + ms;
    while (clock.now() < until) {
      await clock.advance(Math.min(100, until - clock.now()));
      await agent.idle();
    }
  };
  /** Like `run`, without waiting for the agent's work: for work that itself waits on the clock. */
  const tick = async (ms: number) => {
    const until = clock.now() + ms;
    while (clock.now() < until) {
      await clock.advance(Math.min(100, until - clock.now()));
      await flushMicrotasks();
    }
  };
  return {
    clock,
    runtime,
    store,
    notifier,
    logger,
    events,
    healthyAt,
    run,
    tick,
    get agent() {
      return agent;
    },
    /** Stops this agent and starts a new one on the same store, engine and clock. */
    async restartAgent() {
      await agent.stop();
      agent = make();
      await agent.start();
      await run(0);
    },
    named(name: keyof AgentEvents) {
      return events.filter((event) => event.name === name);
    },
    notified(kind: string) {
      return notifier.notifications.filter((notification) => notification.kind === kind);
    },
  };
}

/** Crashes `web`, lets the agent restart it and waits until the incident resolved. */
async function crashAndRecover(h: ReturnType<typeof harness>) {
  h.runtime.crash('web', { exitCode: 1 });
  // Restarted at once (or after the backoff), 5 s start period, then 10 s of health.
  for (let waited = 0; waited < 120_000; waited += 1_000) {
    await h.run(1_000);
    const [latest] = await h.store.listIncidents({ containerName: 'web', limit: 1 });
    if (latest?.status === 'resolved') return latest;
  }
  throw new Error('the incident never resolved');
}

describe('one problem, one incident', () => {
  it('reads a container that crashes every 3 s for 20 s as one incident, told once', async () => {
    // Docker's restart policy brings it back each time; a 1 s start period lets every run look
    // healthy before it crashes again, which resolved (and re-opened) an incident per crash before.
    const h = harness('monitoring:\n  defaults:\n    start_period_seconds: 1\n');
    h.runtime.addContainer({ name: 'api', restartPolicy: { name: 'always', maximumRetryCount: 0 } });
    await h.agent.start();
    await h.run(0);

    let crashes = 0;
    for (let at = 0; at < 20_000; at += 3_000) {
      h.runtime.crash('api', { exitCode: 1, logs: portInUse });
      crashes++;
      await h.run(500);
      h.runtime.dockerPolicyRestart('api');
      await h.run(2_500);
    }
    expect(crashes).toBe(7);
    // During the loop it never stayed healthy for 10 s: still the first incident, still open.
    const during = await h.store.listIncidents({ containerName: 'api' });
    expect(during).toHaveLength(1);
    expect(during[0]?.status).not.toBe('resolved');

    // The loop stops: 1 s start period, then 10 s of health.
    await h.run(15_000);
    const incidents = await h.store.listIncidents({ containerName: 'api' });
    expect(incidents).toHaveLength(1);
    expect(incidents[0]?.status).toBe('resolved');
    expect(h.named('incident:opened')).toHaveLength(1);
    expect(h.notified('incident_opened')).toHaveLength(1);
    expect(h.notified('incident_resolved').length).toBeLessThanOrEqual(1);
    expect(h.notified('incident_escalated').length).toBeLessThanOrEqual(1);
    // Docker's policy did the restarts: the agent gave it its grace and did not fight it.
    expect(h.runtime.callsOf('restart')).toHaveLength(0);
  });

  it('keeps a crash loop the agent itself restarts as one incident too', async () => {
    const h = harness(`
monitoring:
  defaults:
    start_period_seconds: 1
    max_restarts_per_hour: 20
healing:
  backoff_initial_seconds: 1
  backoff_max_seconds: 2
  strategies:
    container_stopped:
      - action: restart_container
        max_attempts: 20
`);
    h.runtime.addContainer({ name: 'web' });
    await h.agent.start();
    await h.run(0);
    for (let at = 0; at < 20_000; at += 3_000) {
      if (h.runtime.state('web') === 'running') h.runtime.crash('web', { exitCode: 3 });
      await h.run(3_000);
    }
    expect(h.runtime.callsOf('restart').length).toBeGreaterThanOrEqual(3);
    await h.run(20_000);

    const incidents = await h.store.listIncidents({ containerName: 'web' });
    expect(incidents).toHaveLength(1);
    expect(h.notified('incident_opened')).toHaveLength(1);
    expect(h.notified('incident_resolved')).toHaveLength(1);
    // Every restart of the loop is on the one record.
    expect(incidents[0]?.actionsTaken.length).toBe(h.runtime.callsOf('restart').length);
  });

  it('resolves once the container stayed healthy resolve_after_seconds, at that moment', async () => {
    const h = harness();
    h.runtime.addContainer({ name: 'web' });
    await h.agent.start();
    await h.run(0);

    h.runtime.crash('web', { exitCode: 1 });
    await h.run(0);
    expect(h.runtime.callsOf('restart')).toHaveLength(1);
    const restartedAt = h.clock.now();
    // Past the 5 s start period: healthy, not resolved yet.
    await h.run(6_000);
    const firstHealthy = h.healthyAt.find((at) => at > restartedAt);
    expect(firstHealthy).toBeDefined();
    await h.run(firstHealthy! + 9_000 - h.clock.now());
    expect(h.named('incident:resolved')).toHaveLength(0);
    expect(h.notified('incident_resolved')).toHaveLength(0);

    await h.run(5_000);
    const [resolved] = h.named('incident:resolved');
    // Resolved by its own timer, exactly 10 s after the first healthy check: not at the next pass.
    expect(resolved?.incident.resolvedAt).toBe(firstHealthy! + 10_000);
    expect(resolved?.incident).toMatchObject({ status: 'resolved', autoHealed: true });
    expect(h.notified('incident_resolved')).toHaveLength(1);
  });

  it('starts the wait again after any unhealthy check', async () => {
    const h = harness();
    h.runtime.addContainer({ name: 'web', restartPolicy: { name: 'always', maximumRetryCount: 0 } });
    await h.agent.start();
    await h.run(0);

    h.runtime.crash('web');
    await h.run(500);
    h.runtime.dockerPolicyRestart('web');
    await h.run(13_000);
    // Healthy since ~5.5 s; it crashes again 8 s into the wait.
    expect(h.named('incident:resolved')).toHaveLength(0);
    h.runtime.crash('web');
    await h.run(500);
    h.runtime.dockerPolicyRestart('web');
    const secondRunAt = h.clock.now();
    await h.run(14_000);
    expect(h.named('incident:resolved')).toHaveLength(0);
    await h.run(2_000);
    const [resolved] = h.named('incident:resolved');
    expect(resolved?.incident.resolvedAt).toBeGreaterThanOrEqual(secondRunAt + 15_000);
    expect(await h.store.listIncidents({ containerName: 'web' })).toHaveLength(1);
  });

  it('does not restart again while the incident waits to resolve', async () => {
    const h = harness(`
monitoring:
  interval_seconds: 1
  defaults:
    start_period_seconds: 0
healing:
  backoff_initial_seconds: 1
  backoff_max_seconds: 2
  strategies:
    container_stopped:
      - action: restart_container
`);
    h.runtime.addContainer({ name: 'web' });
    // A restart that takes 1.5 s, as a real one can: full passes see the container down meanwhile.
    h.runtime.respond('restart', async () => {
      await h.clock.sleep(1_500);
      h.runtime.operatorStart('web');
    });
    await h.agent.start();
    await h.run(0);
    h.runtime.crash('web', { exitCode: 1 });
    await h.tick(20_000);
    await h.run(0);

    expect(h.runtime.callsOf('restart')).toHaveLength(1);
    const [incident] = await h.store.listIncidents({ containerName: 'web' });
    expect(incident).toMatchObject({ status: 'resolved', actionsTaken: ['restart_container'] });
  });

  it('resolves at the first good check with resolve_after_seconds: 0', async () => {
    const h = harness('healing:\n  resolve_after_seconds: 0\n');
    h.runtime.addContainer({ name: 'web' });
    await h.agent.start();
    await h.run(0);
    h.runtime.crash('web');
    await h.run(0);
    const restartedAt = h.clock.now();
    await h.run(7_000);
    const firstHealthy = h.healthyAt.find((at) => at > restartedAt);
    const [resolved] = h.named('incident:resolved');
    expect(resolved?.incident.resolvedAt).toBe(firstHealthy);
  });

  it('reopens an incident when the failure comes back 2 minutes after it resolved', async () => {
    const h = harness();
    h.runtime.addContainer({ name: 'web' });
    await h.agent.start();
    await h.run(0);

    const first = await crashAndRecover(h);
    await h.run(120_000);
    h.runtime.crash('web', { exitCode: 1 });
    await h.run(0);

    const incidents = await h.store.listIncidents({ containerName: 'web' });
    expect(incidents).toHaveLength(1);
    const reopened = incidents[0]!;
    expect(reopened.id).toBe(first.id);
    expect(reopened.status).not.toBe('resolved');
    expect(reopened.resolvedAt).toBeNull();
    expect(reopened.reopenCount).toBe(1);
    expect(reopened.history?.filter((entry) => entry.kind === 'reopened')).toEqual([
      expect.objectContaining({ kind: 'reopened', resolvedAt: first.resolvedAt }),
    ]);
    expect(h.named('incident:opened')).toHaveLength(1);
    expect(h.named('incident:reopened').map((event) => event.incident.id)).toEqual([first.id]);
    expect(h.named('incident:updated').some((event) => event.incident.reopenCount === 1)).toBe(true);
    const [logged] = h.logger.find('incident_reopened');
    expect(logged?.level).toBe('warn');
    expect(logged?.fields).toMatchObject({ incident_id: first.id, reopen_count: 1 });
    expect(logged?.fields.resolved_ms_ago).toBe(h.clock.now() - first.resolvedAt!);
    expect(h.notified('incident_opened').map((n) => n.message)).toEqual([
      expect.not.stringContaining('reopened'),
      expect.stringMatching(/^web: reopened \(1 time\)/),
    ]);

    // Healed again, resolved again: still one record, with both restarts and a fresh diagnosis.
    await h.run(40_000);
    const [final] = await h.store.listIncidents({ containerName: 'web' });
    expect(final).toMatchObject({ id: first.id, status: 'resolved', reopenCount: 1, autoHealed: true });
    expect(final?.actionsTaken).toEqual(['restart_container', 'restart_container']);
    const kinds = final?.history?.map((entry) => entry.kind) ?? [];
    expect(kinds.lastIndexOf('diagnosed')).toBeGreaterThan(kinds.indexOf('reopened'));
    expect(h.notifier.kinds()).toEqual([
      'incident_opened',
      'incident_resolved',
      'incident_opened',
      'incident_resolved',
    ]);
  });

  it('opens a new incident for a failure after the reopen window', async () => {
    const h = harness();
    h.runtime.addContainer({ name: 'web' });
    await h.agent.start();
    await h.run(0);

    const first = await crashAndRecover(h);
    await h.run(601_000);
    h.runtime.crash('web', { exitCode: 1 });
    await h.run(0);

    const incidents = await h.store.listIncidents({ containerName: 'web' });
    expect(incidents).toHaveLength(2);
    expect(incidents.find((incident) => incident.id === first.id)?.status).toBe('resolved');
    expect(incidents.find((incident) => incident.id !== first.id)?.reopenCount).toBeUndefined();
    expect(h.named('incident:reopened')).toHaveLength(0);
    expect(h.named('incident:opened')).toHaveLength(2);
  });

  it('takes the window from healing.reopen_window_seconds', async () => {
    const h = harness('healing:\n  reopen_window_seconds: 60\n');
    h.runtime.addContainer({ name: 'web' });
    await h.agent.start();
    await h.run(0);

    await crashAndRecover(h);
    await h.run(30_000);
    h.runtime.crash('web', { exitCode: 1 });
    await h.run(0);
    expect(h.named('incident:reopened')).toHaveLength(1);

    await h.run(60_000);
    await h.run(120_000);
    h.runtime.crash('web', { exitCode: 1 });
    await h.run(0);
    expect(h.named('incident:reopened')).toHaveLength(1);
    expect(await h.store.listIncidents({ containerName: 'web' })).toHaveLength(2);
  });

  it('never reopens an incident left alone because a person stopped the container', async () => {
    const h = harness();
    h.runtime.addContainer({ name: 'web' });
    await h.agent.start();
    await h.run(0);

    h.runtime.crash('web');
    await h.run(7_000);
    // Restarted and healthy, waiting out resolve_after_seconds, when a person stops it.
    h.runtime.operatorStop('web');
    await h.run(1_000);
    const [leftAlone] = await h.store.listIncidents({ containerName: 'web' });
    expect(leftAlone?.status).toBe('resolved');
    h.runtime.operatorStart('web');
    await h.run(7_000);
    h.runtime.crash('web');
    await h.run(0);

    expect(await h.store.listIncidents({ containerName: 'web' })).toHaveLength(2);
    expect(h.named('incident:reopened')).toHaveLength(0);
  });

  it('opens a new incident for a container created again under the same name', async () => {
    const h = harness();
    h.runtime.addContainer({ name: 'web' });
    await h.agent.start();
    await h.run(0);
    await crashAndRecover(h);

    h.runtime.removeContainer('web');
    await h.run(1_000);
    h.runtime.addContainer({ name: 'web' });
    await h.run(31_000);
    h.runtime.crash('web');
    await h.run(0);

    expect(await h.store.listIncidents({ containerName: 'web' })).toHaveLength(2);
    expect(h.named('incident:reopened')).toHaveLength(0);
  });

  it('reopens an incident a previous agent resolved, read back from the store', async () => {
    const h = harness();
    h.runtime.addContainer({ name: 'web' });
    await h.agent.start();
    await h.run(0);
    const first = await crashAndRecover(h);

    await h.restartAgent();
    const [restored] = h.logger.find('state_restored').slice(-1);
    expect(restored?.fields).toMatchObject({ reopenable_incidents: 1 });
    await h.run(120_000);
    h.runtime.crash('web', { exitCode: 1 });
    await h.run(0);

    const incidents = await h.store.listIncidents({ containerName: 'web' });
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ id: first.id, reopenCount: 1 });
    expect(incidents[0]?.status).not.toBe('resolved');
    expect(h.named('incident:reopened')).toHaveLength(1);
  });

  it('does not reopen, after an agent restart, an incident a person stopped the container on', async () => {
    const h = harness();
    h.runtime.addContainer({ name: 'web' });
    await h.agent.start();
    await h.run(0);
    h.runtime.crash('web');
    await h.run(7_000);
    h.runtime.operatorStop('web');
    await h.run(1_000);

    await h.restartAgent();
    h.runtime.operatorStart('web');
    await h.run(7_000);
    h.runtime.crash('web');
    await h.run(0);

    expect(await h.store.listIncidents({ containerName: 'web' })).toHaveLength(2);
    expect(h.named('incident:reopened')).toHaveLength(0);
  });

  it('says on every notification whether the container is critical', async () => {
    const h = harness(`
monitoring:
  containers:
    - name: web
      critical: true
    - name: worker
`);
    h.runtime.addContainer({ name: 'web' });
    h.runtime.addContainer({ name: 'worker' });
    await h.agent.start();
    await h.run(0);
    h.runtime.crash('web');
    h.runtime.crash('worker');
    await h.run(30_000);

    const sent = h.notifier.notifications.map((n) => [n.incident.containerName, n.kind, n.critical]);
    expect(sent).toEqual(
      expect.arrayContaining([
        ['web', 'incident_opened', true],
        ['web', 'incident_resolved', true],
        ['worker', 'incident_opened', false],
        ['worker', 'incident_resolved', false],
      ]),
    );
    expect(h.notifier.notifications.every((n) => typeof n.critical === 'boolean')).toBe(true);
  });
});

describe('the incident coordinator on a reopen', () => {
  const problem: Problem = { kind: 'container_stopped', message: 'exited with code 1' };

  function coordinator(options: { reopenWindowSeconds?: number } = {}) {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const emitter = new EventEmitter<AgentEvents>();
    const incidents = createIncidentCoordinator({
      host: 'local',
      clock,
      newId: (() => {
        let id = 0;
        return () => `incident-${++id}`;
      })(),
      recorder: new Recorder({ store, clock, logger: silentLogger }),
      emit: emitter.emit.bind(emitter),
      log: () => {},
      notifier: undefined,
      breaker: { incidentResolved: () => false },
      afterResolved: async () => {},
      ...options,
    });
    const watch = createContainerWatch('c1', 'web');
    const verdict = (): HealthVerdict => ({
      containerId: 'c1',
      containerName: 'web',
      checkedAt: clock.now(),
      healthy: false,
      status: 'unhealthy',
      problems: [problem],
      metrics: {
        state: 'exited',
        exitCode: 1,
        oomKilled: false,
        dockerHealth: 'none',
        restartCount: 0,
        httpStatus: undefined,
        responseTimeMs: undefined,
        memoryBytes: undefined,
        memoryLimitBytes: undefined,
        memoryPercent: undefined,
        cpuPercent: undefined,
      },
    });
    return { clock, incidents, watch, verdict };
  }

  it('keeps the step attempts and asks for a new diagnosis', async () => {
    const { clock, incidents, watch, verdict } = coordinator();
    const opened = await incidents.openOrReopen(watch, verdict());
    watch.stepAttempts.set('restart_container', 2);
    watch.stepLastAt.set('restart_container', clock.now());
    await incidents.resolve(watch, 'healed');
    expect(watch.stepAttempts.size).toBe(0);

    await clock.advance(60_000);
    const reopened = await incidents.openOrReopen(watch, verdict());
    expect(reopened.id).toBe(opened.id);
    expect(watch.stepAttempts.get('restart_container')).toBe(2);
    expect(watch.rediagnose).toBe(true);
  });

  it('honours reopen_window_seconds, and 0 never reopens', async () => {
    const short = coordinator({ reopenWindowSeconds: 30 });
    const first = await short.incidents.openOrReopen(short.watch, short.verdict());
    await short.incidents.resolve(short.watch, 'recovered');
    await short.clock.advance(31_000);
    expect((await short.incidents.openOrReopen(short.watch, short.verdict())).id).not.toBe(first.id);

    const never = coordinator({ reopenWindowSeconds: 0 });
    const once = await never.incidents.openOrReopen(never.watch, never.verdict());
    await never.incidents.resolve(never.watch, 'recovered');
    expect((await never.incidents.openOrReopen(never.watch, never.verdict())).id).not.toBe(once.id);
  });

  it('does not reopen an incident resolved as left alone', async () => {
    const { incidents, watch, verdict } = coordinator();
    const first = await incidents.openOrReopen(watch, verdict());
    await incidents.resolve(watch, 'left alone: stopped by operator', { leftAlone: true });
    expect((await incidents.openOrReopen(watch, verdict())).id).not.toBe(first.id);
  });
});
