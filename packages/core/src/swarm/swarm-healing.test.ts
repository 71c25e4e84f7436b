import { afterEach, describe, expect, it } from 'vitest';
import { WebsiteMonitorAgent } from '../agent/website-monitor-agent.js';
import type { MonitorConfig } from '../config/monitor-config.js';
import { parseMonitorConfig } from '../config/parse-monitor-config.js';
import {
  FakeClock,
  FakeContainerRuntime,
  FakeHttpProber,
  FakeSwarmServices,
  MemoryLogger,
  MemoryStore,
  RecordingNotifier,
} from '../testing/index.js';

// Issue 12, item 3, through the agent with the published fakes: a Swarm task is never restarted,
// started or exec'd by the agent; its service is judged on what Swarm says and rolled back (or
// escalated, or redeployed with a person's yes), all recorded under the service's name.

const agents: WebsiteMonitorAgent[] = [];

afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
});

function harness(yaml = '', options: { readonly store?: MemoryStore } = {}) {
  const config: MonitorConfig = parseMonitorConfig({ text: yaml, env: {} });
  const clock = new FakeClock();
  const runtime = new FakeContainerRuntime({ clock });
  const swarm = new FakeSwarmServices({ clock, runtime });
  const store = options.store ?? new MemoryStore();
  const logger = new MemoryLogger();
  const notifier = new RecordingNotifier();
  let nextId = 0;
  const agent = new WebsiteMonitorAgent({
    config,
    runtime,
    swarmServices: swarm,
    store,
    logger,
    notifier,
    prober: new FakeHttpProber(),
    clock,
    random: () => 0.5,
    newId: () => `id-${++nextId}`,
  });
  agents.push(agent);
  const settle = async (ms = 0) => {
    await agent.idle();
    if (ms > 0) await clock.advance(ms);
    await agent.idle();
  };
  /** Advances in steps of half a second, so the look tick and the timers run as in time. */
  const pass = async (ms: number) => {
    for (let elapsed = 0; elapsed < ms; elapsed += 500) await settle(500);
  };
  /** Every call that would change a container: the agent must make none on a Swarm task. */
  const containerActions = () => [
    ...runtime.callsOf('restart'),
    ...runtime.callsOf('start'),
    ...runtime.callsOf('exec'),
  ];
  const story = () =>
    logger.entries
      .filter((entry) => entry.event !== 'docker_event')
      .map((entry) => `${entry.event} ${JSON.stringify(entry.fields)}`)
      .join('\n');
  /**
   * The new version crash-loops as on a real Swarm: each new task exits at once, Swarm pauses
   * the update at the first failure and starts a replacement 5 s later.
   */
  const crashLoop = async (name: string, failures: number) => {
    for (let failure = 0; failure < failures; failure++) {
      h.swarm.failTask(name, { exitCode: 3, logs: ['Error: cannot read /etc/app/config.yml: no such file'] });
      if (failure === 0 && h.swarm.service(name).updateStatus?.state === 'updating')
        h.swarm.setUpdateState(name, 'paused');
      await pass(5_000);
      h.swarm.startTask(name);
      await pass(1_000);
    }
  };
  const h = {
    config,
    clock,
    runtime,
    swarm,
    store,
    logger,
    notifier,
    agent,
    settle,
    pass,
    containerActions,
    story,
    crashLoop,
  };
  return h;
}

async function startWithService(h: ReturnType<typeof harness>, name = 'web', replicas = 1) {
  h.swarm.addService({ name, image: `${name}:1`, replicas });
  for (let replica = 0; replica < replicas; replica++) h.swarm.startTask(name);
  await h.agent.start();
  await h.pass(1_000);
}

describe('a Swarm service whose new version crash-loops', () => {
  it('is rolled back through Swarm, its tasks never restarted, and the incident is recorded under its name', async () => {
    const h = harness();
    await startWithService(h);
    const versionBefore = h.swarm.service('web').version;

    h.swarm.updateService('web', { image: 'web:2' });
    h.swarm.startTask('web');
    await h.crashLoop('web', 3);

    const rollbacks = h.swarm.callsOf('rollbackService');
    expect(rollbacks, h.story()).toHaveLength(1);
    expect(rollbacks[0]?.args).toMatchObject({ id: h.swarm.idOf('web') });
    expect((rollbacks[0]!.args as { version: number }).version).toBeGreaterThan(versionBefore);
    expect(h.swarm.service('web').image).toBe('web:1');

    // Swarm finishes the rollback; the old version runs again.
    h.swarm.setUpdateState('web', 'rollback_completed');
    h.swarm.startTask('web');
    await h.pass(15_000);

    expect(h.containerActions(), h.story()).toEqual([]);
    const [incident] = await h.store.listIncidents({ containerName: 'web' });
    expect(incident).toMatchObject({
      containerName: 'web',
      containerId: h.swarm.idOf('web'),
      trigger: 'crash_loop',
      status: 'resolved',
      autoHealed: true,
      actionsTaken: ['rollback_service'],
    });
    expect(incident?.diagnosis?.diagnosis).toContain(
      'since its update of ContainerSpec.Image (image web:1 -> web:2)',
    );
    expect(incident?.diagnosis?.diagnosis).toContain('task: non-zero exit (3)');
    expect(incident?.diagnosis?.recommendedAction).toBe('rollback_service');
    const actions = await h.store.listHealingActions({ containerName: 'web' });
    expect(actions.map((action) => [action.action, action.result, action.decidedBy])).toEqual([
      ['rollback_service', 'succeeded', 'rule'],
    ]);
    // Each task failure is said once, with Swarm's words; no container of it got an incident.
    const failed = h.logger.entries.filter((entry) => entry.event === 'swarm_task_failed');
    expect(failed).toHaveLength(3);
    expect(failed[0]?.fields).toMatchObject({
      service: 'web',
      exit_code: 3,
      error: 'task: non-zero exit (3)',
    });
    const incidents = await h.store.listIncidents({});
    expect(incidents.map((each) => each.containerName)).toEqual(['web']);
  });

  it('is escalated, not rolled back, when rollback_service is not allowed (the seed config)', async () => {
    const h = harness(`
healing:
  auto_fix_actions: [container_restart, clear_cache, reset_connections]
  manual_approval_required: [database_migration, configuration_change]
`);
    await startWithService(h);
    h.swarm.updateService('web', { image: 'web:2' });
    h.swarm.startTask('web');
    await h.crashLoop('web', 4);

    expect(h.swarm.callsOf('rollbackService')).toEqual([]);
    expect(h.swarm.callsOf('forceUpdateService')).toEqual([]);
    expect(h.containerActions()).toEqual([]);
    const [incident] = await h.store.listIncidents({ containerName: 'web' });
    expect(incident?.status).toBe('escalated');
    expect(incident?.escalationReason).toContain(
      'rollback_service is not in auto_fix_actions nor in manual_approval_required',
    );
    const skipped = await h.store.listHealingActions({ containerName: 'web' });
    expect(skipped.map((action) => [action.action, action.result])).toEqual([
      ['rollback_service', 'skipped'],
    ]);
    expect(h.notifier.notifications.map((notification) => notification.kind)).toContain('incident_escalated');
  });

  it('asks a person before rolling back when rollback_service is in manual_approval_required', async () => {
    const h = harness(`
healing:
  auto_fix_actions: [restart_container]
  manual_approval_required: [rollback_service]
`);
    await startWithService(h);
    h.swarm.updateService('web', { image: 'web:2' });
    h.swarm.startTask('web');
    await h.crashLoop('web', 3);
    expect(h.swarm.callsOf('rollbackService')).toEqual([]);
    const [approval] = h.agent.pendingApprovals();
    expect(approval).toMatchObject({ containerName: 'web', action: 'rollback_service', status: 'pending' });

    const outcome = await h.agent.approve({ id: approval!.id, by: 'alice' });
    expect(outcome).toMatchObject({ kind: 'act', changed: true });
    expect(h.swarm.callsOf('rollbackService')).toHaveLength(1);
    const actions = await h.store.listHealingActions({ containerName: 'web' });
    expect(actions.at(-1)).toMatchObject({
      action: 'rollback_service',
      decidedBy: 'person',
      result: 'succeeded',
    });
    expect(h.containerActions()).toEqual([]);
  });

  it('never rolls back a rollback: when the previous version fails too, a redeploy is asked of a person', async () => {
    const h = harness();
    await startWithService(h);
    h.swarm.updateService('web', { image: 'web:2' });
    h.swarm.startTask('web');
    await h.crashLoop('web', 3);
    expect(h.swarm.callsOf('rollbackService')).toHaveLength(1);

    // The old version fails as well (a database it needs is gone, say).
    h.swarm.setUpdateState('web', 'rollback_completed');
    h.swarm.startTask('web');
    await h.crashLoop('web', 3);

    expect(h.swarm.callsOf('rollbackService'), h.story()).toHaveLength(1);
    expect(h.swarm.callsOf('forceUpdateService')).toEqual([]);
    const [approval] = h.agent.pendingApprovals();
    expect(approval).toMatchObject({ containerName: 'web', action: 'force_redeploy_service' });
    const [incident] = await h.store.listIncidents({ containerName: 'web' });
    expect(incident?.status).toBe('awaiting_approval');

    const outcome = await h.agent.approve({ id: approval!.id, by: 'alice' });
    expect(outcome).toMatchObject({ kind: 'act', changed: true });
    expect(h.swarm.callsOf('forceUpdateService')).toHaveLength(1);
    expect(h.containerActions()).toEqual([]);
  });

  it('waits while Swarm’s own update or rollback runs', async () => {
    const h = harness();
    await startWithService(h);
    h.swarm.updateService('web', { image: 'web:2' });
    h.swarm.startTask('web');
    // Swarm keeps updating (failure_action: continue): the agent must not act against it.
    for (let failure = 0; failure < 4; failure++) {
      h.swarm.failTask('web', { exitCode: 1 });
      await h.pass(5_000);
      h.swarm.startTask('web');
    }
    expect(h.swarm.callsOf('rollbackService')).toEqual([]);
    const decisions = h.logger.entries.filter((entry) => entry.event === 'healing_decision');
    expect(decisions.at(-1)?.fields).toMatchObject({
      container: 'web',
      decision: 'wait',
      cause: 'swarm_updating',
    });

    // Once Swarm stops (its update paused on the failures), the agent rolls back.
    h.swarm.setUpdateState('web', 'paused');
    await h.crashLoop('web', 1);
    expect(h.swarm.callsOf('rollbackService')).toHaveLength(1);
  });
});

describe('services the agent leaves alone', () => {
  it('a healthy service: no incident, no call that changes it', async () => {
    const h = harness();
    await startWithService(h, 'api', 2);
    await h.pass(60_000);
    expect(await h.store.listIncidents({})).toEqual([]);
    expect(h.swarm.callsOf('rollbackService')).toEqual([]);
    expect(h.swarm.callsOf('forceUpdateService')).toEqual([]);
    expect(h.swarm.callsOf('inspectService').length).toBeGreaterThan(0);
    expect(h.containerActions()).toEqual([]);
  });

  it('a service a person scaled to 0: its open incident resolves as left alone, its approval is withdrawn', async () => {
    const h = harness(
      'healing:\n  auto_fix_actions: [restart_container]\n  manual_approval_required: [rollback_service]\n',
    );
    await startWithService(h);
    h.swarm.updateService('web', { image: 'web:2' });
    h.swarm.startTask('web');
    await h.crashLoop('web', 3);
    expect(h.agent.pendingApprovals()).toHaveLength(1);

    h.swarm.scale('web', 0);
    await h.pass(10_000);
    expect(h.swarm.callsOf('rollbackService')).toEqual([]);
    expect(h.agent.pendingApprovals()).toEqual([]);
    const [incident] = await h.store.listIncidents({ containerName: 'web' });
    expect(incident?.status).toBe('resolved');
    expect(incident?.autoHealed).toBe(false);
    expect(h.logger.entries.find((entry) => entry.event === 'incident_resolved')?.fields.how).toContain(
      'scaled to 0 replicas',
    );
    expect(h.containerActions()).toEqual([]);
  });

  it('a container that only claims to be a task of a real service: never restarted, and the service is not rolled back', async () => {
    const h = harness();
    await startWithService(h);
    h.runtime.addContainer({
      name: 'impostor',
      labels: {
        'com.docker.swarm.service.id': h.swarm.idOf('web'),
        'com.docker.swarm.service.name': 'web',
        'com.docker.swarm.task.id': 'zzzzzzzzzzzzzzzzzzzzzzzzz',
      },
    });
    await h.pass(1_000);
    for (let crash = 0; crash < 5; crash++) {
      h.runtime.crash('impostor', { exitCode: 1 });
      await h.pass(2_000);
      h.runtime.operatorStart('impostor');
      await h.pass(1_000);
    }
    // (operatorStart is the test's own move, not a call of the port.)
    expect(h.containerActions()).toEqual([]);
    expect(h.swarm.callsOf('rollbackService')).toEqual([]);
    expect(await h.store.listIncidents({})).toEqual([]);
  });
});

describe('a person and the agent’s API', () => {
  it('a request to heal a task container is refused with the reason; one naming the service goes through Swarm', async () => {
    const h = harness();
    await startWithService(h);
    const taskContainer = (await h.runtime.list()).find((container) => container.name.startsWith('web.'));
    const refused = await h.agent.requestHealing({
      container: taskContainer!.name,
      reason: 'try',
      by: 'alice',
    });
    expect(refused.kind).toBe('skip');
    expect(refused.reason).toContain('is a task of the Swarm service web');

    const redeploy = await h.agent.requestHealing({ container: 'web', reason: 'new config', by: 'alice' });
    expect(redeploy).toMatchObject({ kind: 'act', changed: true });
    expect(h.swarm.callsOf('forceUpdateService')).toHaveLength(1);
    const nothingToRollBack = await h.agent.requestHealing({
      container: 'web',
      action: 'rollback_service',
      reason: 'undo',
      by: 'alice',
    });
    // The forced update is Swarm's update in progress: never acted against.
    expect(nothingToRollBack.kind).toBe('wait');
    expect(h.containerActions()).toEqual([]);
    const [incident] = await h.store.listIncidents({ containerName: 'web' });
    expect(incident?.actionsTaken).toEqual(['force_redeploy_service']);
  });

  it('the step runner refuses a restart of a task container, whoever asks (defence behind the watcher)', async () => {
    const h = harness();
    await startWithService(h);
    const taskContainer = (await h.runtime.list()).find((container) => container.name.startsWith('web.'))!;
    // Straight at the container by ID, as an API client that found it in `docker ps` would.
    const outcome = await h.agent.requestHealing({
      container: taskContainer.id,
      action: 'restart_container',
      reason: 'try',
      by: 'bob',
    });
    expect(outcome.kind).toBe('skip');
    expect(h.containerActions()).toEqual([]);
  });
});

describe('across an agent restart', () => {
  it('an approval asked by the previous agent is carried out by the next, on the incident it left open', async () => {
    const store = new MemoryStore();
    const first = harness('', { store });
    await startWithService(first);
    first.swarm.updateService('web', { image: 'web:2' });
    first.swarm.startTask('web');
    await first.crashLoop('web', 3);
    first.swarm.setUpdateState('web', 'rollback_completed');
    first.swarm.startTask('web');
    await first.crashLoop('web', 3);
    const [asked] = first.agent.pendingApprovals();
    expect(asked).toMatchObject({ action: 'force_redeploy_service' });
    await first.agent.stop();

    // The next agent, on the same store and the same Swarm, before it looked at the service.
    const second = new WebsiteMonitorAgent({
      config: first.config,
      runtime: first.runtime,
      swarmServices: first.swarm,
      store,
      clock: first.clock,
      prober: new FakeHttpProber(),
      newId: (() => {
        let next = 1_000;
        return () => `id-${++next}`;
      })(),
    });
    agents.push(second);
    await second.start();
    expect(second.pendingApprovals().map((approval) => approval.id)).toEqual([asked!.id]);
    const outcome = await second.approve({ id: asked!.id, by: 'alice' });
    expect(outcome).toMatchObject({ kind: 'act', changed: true });
    expect(first.swarm.callsOf('forceUpdateService')).toHaveLength(1);
    const incidents = await store.listIncidents({ containerName: 'web' });
    expect(incidents).toHaveLength(1);
    expect(incidents[0]?.actionsTaken).toEqual(['rollback_service', 'force_redeploy_service']);
  });
});

describe('dry run and budgets', () => {
  it('a dry run records the rollback it would make and changes nothing', async () => {
    const h = harness('healing:\n  dry_run: true\n');
    await startWithService(h);
    h.swarm.updateService('web', { image: 'web:2' });
    h.swarm.startTask('web');
    await h.crashLoop('web', 3);
    expect(h.swarm.callsOf('rollbackService')).toEqual([]);
    const actions = await h.store.listHealingActions({ containerName: 'web' });
    expect(actions.map((action) => [action.action, action.result])).toEqual([
      ['rollback_service', 'dry_run'],
    ]);
  });

  it('a restarted agent does not get a fresh budget for service actions', async () => {
    const store = new MemoryStore();
    const h = harness('monitoring:\n  defaults:\n    max_restarts_per_hour: 1\n', { store });
    const now = h.clock.now();
    await store.saveHealingAction({
      action: {
        id: 'earlier',
        host: 'local',
        incidentId: 'i-0',
        containerId: 'svc',
        containerName: 'web',
        action: 'rollback_service',
        reason: 'an earlier agent rolled it back',
        decidedBy: 'rule',
        result: 'succeeded',
        startedAt: now - 60_000,
        durationMs: 20,
        detail: null,
        error: null,
      },
    });
    await startWithService(h);
    h.swarm.updateService('web', { image: 'web:2' });
    h.swarm.startTask('web');
    await h.crashLoop('web', 3);
    expect(h.swarm.callsOf('rollbackService')).toEqual([]);
    const [incident] = await h.store.listIncidents({ containerName: 'web' });
    expect(incident?.status).toBe('escalated');
    expect(incident?.escalationReason).toContain('used all 1 service action allowed in the last hour');
  });
});
