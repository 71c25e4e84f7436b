import { afterEach, describe, expect, it } from 'vitest';
import { parseMonitorConfig } from '../config/parse-monitor-config.js';
import {
  FakeClock,
  FakeContainerRuntime,
  FakeHttpProber,
  MemoryLogger,
  MemoryStore,
  RecordingNotifier,
} from '../testing/index.js';
import { WebsiteMonitorAgent } from './website-monitor-agent.js';

const agents: WebsiteMonitorAgent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop({ timeoutMs: 100 })));
});

/** A restart the test lets finish when it wants: the engine is still at work when the stop comes. */
function harness() {
  const clock = new FakeClock();
  const runtime = new FakeContainerRuntime({ clock });
  const store = new MemoryStore();
  const logger = new MemoryLogger();
  const notifier = new RecordingNotifier();
  let nextId = 0;
  const agent = new WebsiteMonitorAgent({
    config: parseMonitorConfig({
      text: 'monitoring:\n  defaults:\n    start_period_seconds: 0\n',
      env: {},
    }),
    runtime,
    store,
    logger,
    notifier,
    prober: new FakeHttpProber(),
    clock,
    random: () => 0.5,
    newId: () => `id-${++nextId}`,
  });
  agents.push(agent);
  let restartBegan: () => void = () => {};
  const began = new Promise<void>((resolve) => {
    restartBegan = resolve;
  });
  let finishRestart: (outcome: 'running' | 'exited') => void = () => {};
  runtime.respond('restart', () => {
    restartBegan();
    return new Promise<void>((resolve) => {
      finishRestart = (outcome) => {
        if (outcome === 'running') runtime.operatorStart('web');
        resolve();
      };
    });
  });
  return {
    clock,
    runtime,
    store,
    logger,
    notifier,
    agent,
    began,
    finish: (o: 'running' | 'exited') => finishRestart(o),
  };
}

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('stopping the agent while a restart is under way', () => {
  it('lets the restart finish, records it as it went and resolves the incident', async () => {
    const { runtime, store, logger, agent, began, finish } = harness();
    runtime.addContainer({ name: 'web' });
    await agent.start();
    await agent.idle();
    runtime.crash('web', { exitCode: 3 });
    await began;

    const stopped = agent.stop({ timeoutMs: 5_000 });
    await later(100);
    // Nothing new starts while stopping, but what runs goes on.
    expect(await agent.requestHealing({ container: 'web', reason: 'again', by: 'test' })).toMatchObject({
      kind: 'wait',
      reason: expect.stringContaining('stopping'),
    });
    finish('running');
    await stopped;

    const actions = await store.listHealingActions({});
    expect(actions.map((action) => [action.action, action.result, action.error])).toEqual([
      ['restart_container', 'succeeded', null],
    ]);
    const [incident] = await store.listIncidents({});
    expect(incident).toMatchObject({ status: 'resolved', autoHealed: true });
    expect(logger.find('incident_resolved')[0]?.fields.how).toBe(
      'healed (confirmed by a check as the agent stopped)',
    );
    expect(runtime.callsOf('restart')).toHaveLength(1);
  });

  it('escalates with the reason when the container does not come back', async () => {
    const { runtime, store, agent, began, finish, notifier } = harness();
    runtime.addContainer({ name: 'web' });
    await agent.start();
    await agent.idle();
    runtime.crash('web', { exitCode: 3 });
    await began;
    const stopped = agent.stop({ timeoutMs: 5_000 });
    await later(50);
    finish('exited');
    await stopped;

    const [incident] = await store.listIncidents({});
    expect(incident?.status).toBe('escalated');
    expect(incident?.escalationReason).toMatch(
      /^interrupted: the agent stopped while healing web after restart_container: the last check found it unhealthy/,
    );
    expect(notifier.notifications.map((notification) => notification.kind)).toContain('incident_escalated');
  });

  it('at the stop timeout: aborts, and says on the incident that the action was still running', async () => {
    const { runtime, store, logger, agent, began } = harness();
    runtime.addContainer({ name: 'web' });
    await agent.start();
    await agent.idle();
    runtime.crash('web', { exitCode: 3 });
    await began;
    const started = performance.now();
    await agent.stop({ timeoutMs: 300 });
    // The timeout, then at most the grace an aborted action gets to record its end.
    expect(performance.now() - started).toBeLessThan(3_000);

    expect(logger.find('agent_stop_timeout')).toHaveLength(1);
    const [incident] = await store.listIncidents({});
    expect(incident?.status).toBe('escalated');
    expect(incident?.escalationReason).toBe(
      'interrupted: the agent stopped while healing web: restart_container was still running when the stop timeout (0.3 s) ran out',
    );
  });

  it('stops at once when nothing is being healed', async () => {
    const { runtime, agent } = harness();
    runtime.addContainer({ name: 'web' });
    await agent.start();
    await agent.idle();
    const started = performance.now();
    await agent.stop();
    expect(performance.now() - started).toBeLessThan(500);
  });
});
