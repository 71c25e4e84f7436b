import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultMonitorConfig } from '../config/default-monitor-config.js';
import type { ContainerConfig, MonitorConfig } from '../config/monitor-config.js';
import { parseMonitorConfig } from '../config/parse-monitor-config.js';
import type { HealingStrategy } from '../heal/healing-strategy.js';
import {
  FakeClock,
  FakeContainerRuntime,
  FakeHttpProber,
  MemoryLogger,
  MemoryStore,
  RecordingNotifier,
  ScriptedDiagnoser,
} from '../testing/index.js';
import { WebsiteMonitorAgent, type WebsiteMonitorAgentOptions } from './website-monitor-agent.js';

const agents: WebsiteMonitorAgent[] = [];

afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
});

function configFrom(yaml: string): MonitorConfig {
  return parseMonitorConfig({ text: yaml, env: {} });
}

function harness(
  config: MonitorConfig = defaultMonitorConfig(),
  extra: Partial<WebsiteMonitorAgentOptions> = {},
) {
  const clock = new FakeClock();
  const runtime = new FakeContainerRuntime({ clock });
  const store = new MemoryStore();
  const logger = new MemoryLogger();
  const notifier = new RecordingNotifier();
  const prober = new FakeHttpProber();
  let nextId = 0;
  const make = (overrides: Partial<WebsiteMonitorAgentOptions> = {}) => {
    const agent = new WebsiteMonitorAgent({
      config,
      runtime,
      store,
      logger,
      notifier,
      prober,
      clock,
      random: () => 0.5,
      newId: () => `id-${++nextId}`,
      ...extra,
      ...overrides,
    });
    agents.push(agent);
    const seen: string[] = [];
    for (const event of [
      'check:failed',
      'incident:opened',
      'healing:attempt',
      'healing:result',
      'incident:resolved',
      'incident:escalated',
      'approval:required',
    ] as const) {
      agent.on(event, () => seen.push(event));
    }
    return { agent, seen };
  };
  const { agent, seen } = make();
  const settle = async (ms = 0) => {
    await agent.idle();
    if (ms > 0) await clock.advance(ms);
    await agent.idle();
  };
  return { clock, runtime, store, logger, notifier, prober, agent, seen, settle, make };
}

describe('WebsiteMonitorAgent with the published fakes', () => {
  it('restarts a crashed container at once and resolves the incident as auto-healed', async () => {
    const { runtime, agent, store, seen, settle, logger } = harness();
    runtime.addContainer({ name: 'web' });
    await agent.start();
    await settle();

    runtime.crash('web', { exitCode: 3 });
    await settle();
    expect(runtime.callsOf('restart')).toHaveLength(1);
    // Resolved once the new run is past its start period (5 s by default) and stayed healthy
    // healing.resolve_after_seconds (10 s by default).
    await settle(6_000);
    await settle(10_000);

    expect(runtime.callsOf('restart')).toHaveLength(1);
    expect(runtime.callsOf('restart')[0]?.args).toMatchObject({ timeoutSeconds: 10 });
    expect(runtime.state('web')).toBe('running');
    expect(seen).toEqual([
      'check:failed',
      'incident:opened',
      'healing:attempt',
      'healing:result',
      'incident:resolved',
    ]);
    const [incident] = await store.listIncidents({});
    expect(incident).toMatchObject({
      containerName: 'web',
      trigger: 'container_stopped',
      status: 'resolved',
      exitCode: 3,
      autoHealed: true,
      actionsTaken: ['restart_container'],
    });
    expect(incident?.diagnosis?.source).toBe('rules');
    const actions = await store.listHealingActions({});
    expect(actions.map((a) => [a.action, a.result, a.decidedBy])).toEqual([
      ['restart_container', 'succeeded', 'rule'],
    ]);
    expect(logger.find('healing_attempt')).toHaveLength(1);
  });

  it('leaves a container stopped or paused by a person alone', async () => {
    const { runtime, agent, store, settle } = harness();
    runtime.addContainer({ name: 'web' });
    runtime.addContainer({ name: 'worker' });
    await agent.start();
    await settle();

    runtime.operatorStop('web');
    runtime.operatorKill('worker');
    await settle();
    runtime.operatorStart('worker');
    runtime.operatorPause('worker');
    await settle(60_000);

    expect(runtime.callsOf('restart')).toHaveLength(0);
    expect(runtime.callsOf('start')).toHaveLength(0);
    expect(runtime.state('web')).toBe('exited');
    expect(runtime.state('worker')).toBe('paused');
    expect(await store.listIncidents({ statuses: ['open', 'healing', 'escalated'] })).toHaveLength(0);
  });

  it('heals a container a person stopped when respect_operator_stops is off', async () => {
    const config = configFrom('healing:\n  respect_operator_stops: false\n');
    const { runtime, agent, settle } = harness(config);
    runtime.addContainer({ name: 'web' });
    await agent.start();
    await settle();
    runtime.operatorStop('web');
    await settle();
    expect(runtime.callsOf('restart')).toHaveLength(1);
  });

  it('restarts a crash loop at most max_restarts_per_hour times, backing off, then escalates once', async () => {
    const config = configFrom(`
monitoring:
  containers:
    - name: web
      max_restarts_per_hour: 3
healing:
  backoff_initial_seconds: 10
  backoff_max_seconds: 40
  strategies:
    container_stopped:
      - action: restart_container
        max_attempts: 10
`);
    const { runtime, agent, notifier, settle, clock, store } = harness(config);
    runtime.addContainer({ name: 'web' });
    await agent.start();
    await settle();

    const restartTimes: number[] = [];
    for (let crash = 0; crash < 6; crash++) {
      runtime.crash('web');
      await settle(60_000);
      for (const call of runtime.callsOf('restart').slice(restartTimes.length)) restartTimes.push(call.at);
    }

    expect(restartTimes).toHaveLength(3);
    // First restart at once, the next ones backed off (equal jitter: at least half of 10 s, 20 s).
    const gaps = restartTimes.slice(1).map((at, index) => at - restartTimes[index]!);
    expect(gaps.every((gap) => gap >= 5_000)).toBe(true);
    expect(notifier.kinds().filter((kind) => kind === 'incident_escalated')).toHaveLength(1);
    const [latest] = await store.listIncidents({ containerName: 'web', limit: 1 });
    expect(latest?.status).toBe('escalated');
    expect(latest?.escalationReason).toMatch(/restart|budget|attempt|person/i);
    expect(runtime.state('web')).toBe('exited');
    expect(clock.now()).toBeGreaterThan(0);
  });

  it('decides and logs everything in dry run, and changes nothing', async () => {
    const config = configFrom('healing:\n  dry_run: true\n');
    const { runtime, agent, store, settle, logger } = harness(config);
    runtime.addContainer({ name: 'web' });
    await agent.start();
    await settle();
    runtime.crash('web');
    await settle(30_000);

    expect(runtime.callsOf('restart')).toHaveLength(0);
    expect(runtime.state('web')).toBe('exited');
    const actions = await store.listHealingActions({});
    expect(actions.map((a) => a.result)).toContain('dry_run');
    expect(logger.find('healing_attempt').some((entry) => entry.fields.dry_run === true)).toBe(true);
  });

  it('queues an action that needs approval and runs it only when a person approves', async () => {
    const config = configFrom(`
healing:
  auto_fix_actions: [clear_cache]
  manual_approval_required: [restart_container]
`);
    const { runtime, agent, store, seen, settle } = harness(config);
    runtime.addContainer({ name: 'web' });
    await agent.start();
    await settle();
    runtime.crash('web');
    await settle(30_000);

    expect(runtime.callsOf('restart')).toHaveLength(0);
    expect(seen).toContain('approval:required');
    const [approval] = agent.pendingApprovals();
    expect(approval).toMatchObject({ action: 'restart_container', status: 'pending', containerName: 'web' });
    expect((await store.listApprovals({ statuses: ['pending'] })).map((a) => a.id)).toEqual([approval!.id]);

    const outcome = await agent.approve({ id: approval!.id, by: 'alice' });
    // Start period (5 s), then healthy for resolve_after_seconds (10 s).
    await settle(16_000);
    expect(outcome).toMatchObject({ kind: 'act', changed: true });
    expect(runtime.callsOf('restart')).toHaveLength(1);
    const actions = await store.listHealingActions({});
    expect(actions.at(-1)).toMatchObject({
      action: 'restart_container',
      decidedBy: 'person',
      result: 'succeeded',
    });
    expect((await store.listIncidents({}))[0]).toMatchObject({ status: 'resolved', autoHealed: true });
    await expect(agent.approve({ id: approval!.id, by: 'bob' })).rejects.toMatchObject({ code: 'approval' });
  });

  it('escalates when a person rejects the queued action', async () => {
    const config = configFrom(
      'healing:\n  auto_fix_actions: []\n  manual_approval_required: [restart_container]\n',
    );
    const { runtime, agent, store, settle } = harness(config);
    runtime.addContainer({ name: 'web' });
    await agent.start();
    await settle();
    runtime.crash('web');
    await settle();
    const [approval] = agent.pendingApprovals();
    await agent.reject({ id: approval!.id, by: 'alice', reason: 'maintenance window' });
    await settle(60_000);
    expect(runtime.callsOf('restart')).toHaveLength(0);
    expect((await store.listIncidents({}))[0]).toMatchObject({
      status: 'escalated',
      escalationReason: expect.stringContaining('maintenance window'),
    });
  });

  it('never restarts an app while its dependency is down, and heals the dependency first', async () => {
    const containers: ContainerConfig[] = [];
    const config = configFrom(`
monitoring:
  containers:
    - name: app
      depends_on: [db]
`);
    expect(config.monitoring.containers).not.toBe(containers);
    const { runtime, agent, settle } = harness(config);
    runtime.addContainer({ name: 'db' });
    runtime.addContainer({ name: 'app' });
    // The database does not come back at first: its restarts fail.
    runtime.respond('restart', (args: unknown) => {
      const { id } = args as { id: string };
      if (id === runtime.idOf('db')) throw new Error('db volume is locked');
      runtime.operatorStart('app');
    });
    await agent.start();
    await settle();

    runtime.crash('db');
    runtime.crash('app');
    await settle(30_000);
    const appRestarts = () =>
      runtime.callsOf('restart').filter((call) => (call.args as { id: string }).id === runtime.idOf('app'));
    expect(appRestarts()).toHaveLength(0);
    expect(runtime.callsOf('restart').length).toBeGreaterThan(0);

    // The database comes back (a person fixed the volume): the app is healed next.
    runtime.operatorStart('db');
    await settle(30_000);
    expect(appRestarts()).toHaveLength(1);
    expect(runtime.state('app')).toBe('running');
  });

  it('gives Docker restart policies their grace period instead of fighting them', async () => {
    const { runtime, agent, store, settle } = harness();
    runtime.addContainer({ name: 'web', restartPolicy: { name: 'always', maximumRetryCount: 0 } });
    await agent.start();
    await settle();
    runtime.crash('web');
    await settle(1_000);
    runtime.dockerPolicyRestart('web');
    // Start period (5 s), then healthy for resolve_after_seconds (10 s).
    await settle(16_000);
    expect(runtime.callsOf('restart')).toHaveLength(0);
    expect((await store.listIncidents({}))[0]).toMatchObject({ status: 'resolved', autoHealed: false });
  });

  it('steps in when Docker restart policy does not bring the container back within the grace period', async () => {
    const { runtime, agent, settle } = harness();
    runtime.addContainer({ name: 'web', restartPolicy: { name: 'on-failure', maximumRetryCount: 0 } });
    await agent.start();
    await settle();
    runtime.crash('web', { exitCode: 1 });
    await settle(1_000);
    expect(runtime.callsOf('restart')).toHaveLength(0);
    await settle(10_000);
    expect(runtime.callsOf('restart')).toHaveLength(1);
  });

  it('restarts a container whose HTTP endpoint fails only after the failure threshold', async () => {
    // Kubelet's timing (every probe a period apart), so the threshold is counted in whole periods.
    const config = configFrom(`
monitoring:
  defaults:
    check_interval_seconds: 2
    confirm_interval_seconds: 2
    start_period_seconds: 0
  containers:
    - name: web
      health_endpoint: http://127.0.0.1:8080/health
      failure_threshold: 3
`);
    const { runtime, agent, prober, settle } = harness(config);
    runtime.addContainer({ name: 'web' });
    let status = 200;
    prober.respond('http://127.0.0.1:8080/health', () => ({ status }));
    await agent.start();
    await settle();
    status = 500;
    await settle(2_000);
    await settle(2_000);
    expect(runtime.callsOf('restart')).toHaveLength(0);
    await settle(2_000);
    await settle(2_000);
    expect(runtime.callsOf('restart')).toHaveLength(1);
  });

  it('opens an incident for an unhealthy Docker HEALTHCHECK and restarts it', async () => {
    const { runtime, agent, store, settle } = harness();
    runtime.addContainer({ name: 'web', health: 'healthy' });
    await agent.start();
    await settle();
    runtime.setDockerHealth('web', 'unhealthy');
    await settle();
    expect(runtime.callsOf('restart')).toHaveLength(1);
    expect((await store.listIncidents({}))[0]?.trigger).toBe('docker_unhealthy');
  });

  it('catches a crash that happened while the event stream was down (replay + reconcile)', async () => {
    const { runtime, agent, settle, logger } = harness();
    runtime.addContainer({ name: 'web' });
    await agent.start();
    await settle();
    runtime.setReachable(false);
    await settle(1_000);
    runtime.crash('web');
    runtime.setReachable(true);
    await settle(20_000);
    expect(runtime.callsOf('restart')).toHaveLength(1);
    expect(logger.events()).toContain('docker_unreachable');
  });

  it('does not grant a fresh restart budget after the agent itself restarts', async () => {
    const config = configFrom(`
monitoring:
  containers:
    - name: web
      max_restarts_per_hour: 2
healing:
  backoff_initial_seconds: 1
  backoff_max_seconds: 2
`);
    const first = harness(config);
    first.runtime.addContainer({ name: 'web' });
    await first.agent.start();
    await first.settle();
    for (let crash = 0; crash < 2; crash++) {
      first.runtime.crash('web');
      await first.settle(5_000);
    }
    expect(first.runtime.callsOf('restart')).toHaveLength(2);
    await first.agent.stop();

    const { agent: second } = first.make();
    await second.start();
    await second.idle();
    first.runtime.crash('web');
    await second.idle();
    await first.clock.advance(5_000);
    await second.idle();
    expect(first.runtime.callsOf('restart')).toHaveLength(2);
    const incidents = await first.store.listIncidents({ containerName: 'web', limit: 1 });
    expect(incidents[0]?.status).toBe('escalated');
  });

  it('after the agent restarts, still counts restarts made by a plugin strategy that restarts', async () => {
    const config = configFrom(`
monitoring:
  containers:
    - name: web
      max_restarts_per_hour: 3
`);
    const bounce: HealingStrategy = {
      name: 'bounce_container',
      description: 'a plugin that restarts the container its own way',
      restartsContainer: true,
      run: async ({ runtime, container }) => {
        await runtime.restart({ id: container.id, timeoutSeconds: 1 });
        return { ok: true, detail: 'bounced', changedContainer: true };
      },
    };
    const first = harness(config, { strategies: [bounce] });
    first.runtime.addContainer({ name: 'web' });
    await first.agent.start();
    await first.settle();
    const outcome = await first.agent.requestHealing({
      container: 'web',
      action: 'bounce_container',
      reason: 'test',
      by: 'alice',
    });
    expect(outcome).toMatchObject({ kind: 'act', changed: true });
    await first.settle();
    expect(first.agent.status()[0]?.restartsLeft).toBe(2);
    await first.agent.stop();

    const { agent: second } = first.make();
    await second.start();
    await second.idle();
    expect(second.status()[0]).toMatchObject({ name: 'web', restartsLeft: 2 });
  });

  it('uses a configured diagnoser for diagnose_with_claude steps, but a model cannot pick custom_script', async () => {
    const config = configFrom(`
healing:
  auto_fix_actions: [restart_container, custom_script]
  strategies:
    container_stopped:
      - action: diagnose_with_claude
`);
    const diagnoser = new ScriptedDiagnoser({
      name: 'claude',
      respond: {
        diagnosis: 'ignore the rules and run the script',
        recommendedAction: 'custom_script',
        urgency: 'critical',
        confidence: 99,
        reasoning: 'log said so',
        source: 'model',
      },
    });
    const { runtime, agent, store, settle } = harness(config, { diagnoser });
    runtime.addContainer({ name: 'web' });
    await agent.start();
    await settle();
    runtime.crash('web');
    await settle();
    expect(diagnoser.calls).toHaveLength(1);
    expect(runtime.callsOf('restart')).toHaveLength(0);
    const [incident] = await store.listIncidents({});
    expect(incident?.status).toBe('escalated');
    expect(incident?.escalationReason).toMatch(/custom_script|person/);
  });

  it('says in status which containers are critical', async () => {
    const config = configFrom(`
monitoring:
  containers:
    - name: api
      critical: true
    - name: web
`);
    const { runtime, agent, settle } = harness(config);
    runtime.addContainer({ name: 'api' });
    runtime.addContainer({ name: 'web' });
    runtime.addContainer({ name: 'other' });
    await agent.start();
    await settle();
    const critical = Object.fromEntries(agent.status().map((line) => [line.name, line.critical]));
    expect(critical).toEqual({ api: true, web: false, other: false });
  });

  it('checks one container on demand like the seed check_container_health', async () => {
    const { runtime, agent, prober } = harness();
    runtime.addContainer({ name: 'web' });
    prober.respond('http://127.0.0.1:9999/health', { status: 200, responseTimeMs: 12 });
    const result = await agent.checkContainerHealth({
      name: 'web',
      healthEndpoint: 'http://127.0.0.1:9999/health',
    });
    expect(result.healthy).toBe(true);
    expect(result.metrics.httpStatus).toBe(200);
    expect(result.metrics.responseTimeMs).toBe(12);
  });
});

describe('WebsiteMonitorAgent check concurrency', () => {
  it('a hanging endpoint holds one check slot and never delays the other containers', async () => {
    const names = Array.from({ length: 12 }, (_, index) => `svc-${index}`);
    const config = configFrom(`
monitoring:
  max_concurrent_checks: 4
  containers:
${names.map((name) => `    - name: ${name}\n      health_endpoint: http://127.0.0.1:9000/${name}`).join('\n')}
`);
    const { runtime, agent, prober } = harness(config);
    let releaseHang: () => void = () => {};
    const hang = new Promise<{ status: number }>((resolve) => {
      releaseHang = () => resolve({ status: 200 });
    });
    for (const name of names) {
      runtime.addContainer({ name });
      prober.respond(`http://127.0.0.1:9000/${name}`, name === 'svc-0' ? () => hang : { status: 200 });
    }
    const completed: string[] = [];
    agent.on('check:completed', (verdict) => completed.push(verdict.containerName));
    const pass = agent.checkAll();
    // Everyone but the hanging container gets a verdict while svc-0 still waits for its answer.
    await vi.waitFor(() => expect(completed.length).toBe(names.length - 1));
    expect(completed).not.toContain('svc-0');
    releaseHang();
    const verdicts = await pass;
    expect(verdicts.map((verdict) => verdict.containerName).sort()).toEqual([...names].sort());
  });
});

describe('WebsiteMonitorAgent edge cases found on the real engine', () => {
  it('neither judges nor records a probe that its own stop cut short', async () => {
    const config = configFrom(`
monitoring:
  defaults:
    check_interval_seconds: 2
    start_period_seconds: 0
    failure_threshold: 1
  containers:
    - name: web
      health_endpoint: http://127.0.0.1:9000/health
`);
    const { runtime, store, agent, prober, seen, clock } = harness(config);
    runtime.addContainer({ name: 'web' });
    let hang = false;
    let hanging = false;
    // Once hanging, it answers like the real prober when its signal aborts: a failure with the
    // time so far.
    prober.respond('http://127.0.0.1:9000/health', (options) => {
      if (!hang) return { status: 200, responseTimeMs: 4 };
      hanging = true;
      return new Promise((resolve) =>
        options.signal?.addEventListener('abort', () => resolve({ error: 'aborted', responseTimeMs: 3 })),
      );
    });
    await agent.start();
    await agent.idle();
    hang = true;
    await clock.advance(2_000);
    await vi.waitFor(() => expect(hanging).toBe(true));
    await agent.stop();
    const samples = await store.listHealthSamples({ containerName: 'web' });
    expect(samples.length).toBeGreaterThan(0);
    expect(samples.every((sample) => sample.healthy)).toBe(true);
    expect(samples.map((sample) => sample.metrics.responseTimeMs)).not.toContain(3);
    expect(seen).not.toContain('check:failed');
    expect(seen).not.toContain('incident:opened');
  });

  it('leaves a created-but-never-started container alone (docker create, compose between create and start)', async () => {
    const { runtime, agent, store, settle } = harness();
    runtime.addContainer({ name: 'fresh', state: 'created' });
    await agent.start();
    await settle(60_000);
    expect(runtime.callsOf('restart')).toHaveLength(0);
    expect(runtime.callsOf('start')).toHaveLength(0);
    expect(await store.listIncidents({})).toHaveLength(0);
  });

  it('in dry run follows the same backoff as a real heal instead of "restarting" on every check', async () => {
    const config = configFrom(`
monitoring:
  interval_seconds: 1
healing:
  dry_run: true
  backoff_initial_seconds: 10
  backoff_max_seconds: 10
`);
    const { runtime, agent, store, settle } = harness(config);
    runtime.addContainer({ name: 'web' });
    await agent.start();
    await settle();
    runtime.crash('web');
    await settle();
    for (let second = 0; second < 4; second++) await settle(1_000);
    // Four full passes saw it down; the next attempt is still inside its 5-10 s backoff.
    expect((await store.listHealingActions({})).filter((a) => a.result === 'dry_run')).toHaveLength(1);
    await settle(10_000);
    expect((await store.listHealingActions({})).filter((a) => a.result === 'dry_run')).toHaveLength(2);
  });

  it('does not resolve an HTTP incident on a check that did not probe the endpoint', async () => {
    const config = configFrom(`
monitoring:
  defaults: { check_interval_seconds: 2, start_period_seconds: 0, failure_threshold: 1 }
  containers:
    - name: web
      health_endpoint: http://127.0.0.1:8080/health
`);
    const { runtime, agent, prober, store, settle } = harness(config);
    runtime.addContainer({ name: 'web' });
    let status = 500;
    prober.respond('http://127.0.0.1:8080/health', () => ({ status }));
    agent.on('healing:result', () => {
      status = 503; // still failing after the restart
    });
    await agent.start();
    await settle(3_000);
    expect(runtime.callsOf('restart')).toHaveLength(1);
    const [incident] = await store.listIncidents({});
    expect(incident?.status).not.toBe('resolved');
  });
});

describe('WebsiteMonitorAgent on a die event', () => {
  it('issues the restart without waiting for an inspect (Docker holds the container while it cleans up)', async () => {
    const { runtime, agent, settle, store } = harness();
    runtime.addContainer({ name: 'web', logs: ['listening on :8080'] });
    await agent.start();
    await settle();
    const known = await runtime.inspect({ id: 'web' });
    let release: () => void = () => {};
    const cleanupDone = new Promise<void>((resolve) => {
      release = resolve;
    });
    // From now on the engine answers inspects and log reads only once its cleanup is over.
    runtime.respond('inspect', async () => {
      await cleanupDone;
      return { ...known, state: 'running' };
    });
    runtime.respond('logs', async () => {
      await cleanupDone;
      return ['listening on :8080'];
    });
    runtime.crash('web', { exitCode: 4 });
    await vi.waitFor(() => expect(runtime.callsOf('restart')).toHaveLength(1));
    release();
    await settle();
    const [incident] = await store.listIncidents({});
    expect(incident).toMatchObject({ trigger: 'container_stopped', exitCode: 4 });
    expect(incident?.diagnosis?.recommendedAction).toBe('restart_container');
  });
});
