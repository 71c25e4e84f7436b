import { afterEach, describe, expect, it } from 'vitest';
import type { MonitorConfig } from '../config/monitor-config.js';
import { parseMonitorConfig } from '../config/parse-monitor-config.js';
import type { FakeContainerInit } from '../testing/index.js';
import {
  FakeClock,
  FakeContainerRuntime,
  FakeHttpProber,
  flushMicrotasks,
  MemoryLogger,
  MemoryStore,
  RecordingNotifier,
} from '../testing/index.js';
import { WebsiteMonitorAgent } from './website-monitor-agent.js';

// Issue 9, parts 2, 4 and 6, through the agent with the published fakes: the diagnosis picks the
// plan, a restart that cannot help is never made, refused steps are skipped and recorded, nothing
// waits for ever, and critical containers go first.

const agents: WebsiteMonitorAgent[] = [];

afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
});

function configFrom(yaml: string): MonitorConfig {
  return parseMonitorConfig({ text: yaml, env: {} });
}

function harness(yaml = '') {
  const config = configFrom(yaml);
  const clock = new FakeClock();
  const runtime = new FakeContainerRuntime({ clock });
  const store = new MemoryStore();
  const logger = new MemoryLogger();
  const notifier = new RecordingNotifier();
  const prober = new FakeHttpProber();
  let nextId = 0;
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
  });
  agents.push(agent);
  const settle = async (ms = 0) => {
    await agent.idle();
    if (ms > 0) await clock.advance(ms);
    await agent.idle();
  };
  /** Advances in steps, so loops and timers run as they would in time. */
  const pass = async (ms: number, step = 1_000) => {
    for (let elapsed = 0; elapsed < ms; elapsed += step) await settle(step);
  };
  /** Advances a second at a time until `done` holds, for at most `ms`. */
  const passUntil = async (done: () => boolean, ms: number) => {
    for (let elapsed = 0; elapsed < ms && !done(); elapsed += 1_000) await settle(1_000);
  };
  const restartsOf = (name: string) =>
    runtime.callsOf('restart').filter((call) => (call.args as { id: string }).id === runtime.idOf(name));
  const incidentsOf = (name: string) => store.listIncidents({ containerName: name });
  const actionsOf = async (name: string) =>
    (await store.listHealingActions({})).filter((action) => action.containerName === name);
  /** The agent's log about one container, for a failing assertion's message. */
  const story = (name: string) =>
    logger.entries
      .filter((entry) => entry.fields.container === name && entry.event !== 'docker_event')
      .map((entry) => `${entry.event} ${JSON.stringify(entry.fields)}`)
      .join('\n');
  return {
    config,
    story,
    clock,
    runtime,
    store,
    logger,
    notifier,
    prober,
    agent,
    settle,
    pass,
    passUntil,
    restartsOf,
    incidentsOf,
    actionsOf,
  };
}

type Harness = ReturnType<typeof harness>;

/**
 * A container the agent watches from its start (`docker create` then `docker start`), so its run's
 * output is followed from the first line, as on a host where the agent was already running.
 */
async function startWatched(h: Harness, init: FakeContainerInit): Promise<void> {
  h.runtime.addContainer({ ...init, state: 'created' });
  await h.agent.start();
  await h.settle();
  h.runtime.operatorStart(init.name);
  await h.settle();
}

describe('a crash whose own start-up lines say a restart will not help', () => {
  it.each([
    {
      title: 'Node: listen EADDRINUSE',
      exitCode: 1,
      logs: [
        'Server starting on port 8080',
        'node:events:496',
        "      throw er; // Unhandled 'error' event",
        '      ^',
        '',
        'Error: listen EADDRINUSE: address already in use :::8080',
        '    at Server.setupListenHandle [as _listen2] (node:net:1817:16)',
        '    at listenInCluster (node:net:1865:12)',
        "  code: 'EADDRINUSE',",
        '  errno: -98,',
        "  syscall: 'listen',",
      ],
      cause: 'port_in_use',
      words: /port 8080/,
    },
    {
      title: 'a missing environment variable',
      exitCode: 1,
      logs: [
        'Traceback (most recent call last):',
        '  File "/app/main.py", line 4, in <module>',
        "    DATABASE_URL = os.environ['DATABASE_URL']",
        '  File "/usr/local/lib/python3.12/os.py", line 714, in __getitem__',
        '    raise KeyError(key) from None',
        "KeyError: 'DATABASE_URL'",
      ],
      cause: 'missing_config',
      words: /DATABASE_URL|config|environment/i,
    },
    {
      title: 'permission denied',
      exitCode: 1,
      logs: [
        "Error: EACCES: permission denied, open '/data/app.db'",
        '    at Object.openSync (node:fs:573:18)',
        '  errno: -13,',
        "  code: 'EACCES',",
      ],
      cause: 'permission_denied',
      words: /permission denied/i,
    },
    {
      title: 'exit 127, no logs',
      exitCode: 127,
      logs: [],
      cause: 'missing_binary',
      words: /127/,
    },
  ])('$title: no restart, escalated at once naming the cause', async ({ exitCode, logs, cause, words }) => {
    const h = harness();
    await startWatched(h, { name: 'api' });
    h.runtime.crash('api', { exitCode, logs });
    await h.settle();
    await h.pass(60_000);

    expect(h.restartsOf('api')).toHaveLength(0);
    const [incident, ...more] = await h.incidentsOf('api');
    expect(more).toHaveLength(0);
    expect(incident?.status).toBe('escalated');
    expect(incident?.escalationReason).toMatch(/^a restart will not help: /);
    expect(incident?.diagnosis?.cause).toBe(cause);
    expect(incident?.diagnosis?.diagnosis).toMatch(words);
    expect(incident?.escalationReason).toContain(incident?.diagnosis?.diagnosis);
    expect((await h.actionsOf('api')).filter((action) => action.result !== 'skipped')).toEqual([]);
  });
});

/** A Node server whose port is taken, as it says so on stderr. */
const eaddrinuse = [
  'Server starting on port 8080',
  'Error: listen EADDRINUSE: address already in use :::8080',
  '    at Server.setupListenHandle [as _listen2] (node:net:1817:16)',
  "  code: 'EADDRINUSE',",
];

describe('a crash after the follow window (no followed lines at its die)', () => {
  it('restarts on the exit code first, then the diagnosis that read the tail stops the restarts', async () => {
    const h = harness();
    // Running long before the agent started: none of its lines were followed.
    h.runtime.addContainer({ name: 'api' });
    await h.agent.start();
    await h.settle();
    // The tail is slow to come (Docker cleaning up after the die): held until the restart is made.
    let tailIn = () => {};
    const tail = new Promise<void>((resolve) => {
      tailIn = resolve;
    });
    h.runtime.respond('logs', async () => {
      await tail;
      return eaddrinuse;
    });
    h.runtime.crash('api', { exitCode: 1, logs: eaddrinuse });
    for (let turn = 0; turn < 50 && h.restartsOf('api').length === 0; turn++) await flushMicrotasks();
    expect(h.restartsOf('api'), h.story('api')).toHaveLength(1);
    // The port is still taken: the new run fails at start-up the same way, before the tail is in.
    h.runtime.crash('api', { exitCode: 1, logs: eaddrinuse });
    await flushMicrotasks(20);
    tailIn();
    await h.settle();
    await h.pass(120_000);

    expect(h.restartsOf('api'), h.story('api')).toHaveLength(1);
    const [incident, ...more] = await h.incidentsOf('api');
    expect(more).toHaveLength(0);
    expect(incident?.status).toBe('escalated');
    expect(incident?.diagnosis?.cause).toBe('port_in_use');
    expect(incident?.escalationReason).toBe(`a restart will not help: ${incident?.diagnosis?.diagnosis}`);
    const diagnoses = (incident?.history ?? []).flatMap((entry) =>
      entry.kind === 'diagnosed' ? [entry.diagnosis] : [],
    );
    expect(diagnoses.map((diagnosis) => diagnosis.cause)).toEqual(['crash', 'port_in_use']);
    expect(diagnoses[0]?.diagnosis).toMatch(/exit code 1/);
    expect(h.logger.find('diagnosis_refined')).toHaveLength(1);
  });
});

describe('a disk-full HTTP 500', () => {
  const yaml = `
monitoring:
  containers:
    - name: web
      health_endpoint: http://web:8080/health
`;
  const enospc = [
    '2026-01-01T00:00:09.120Z ERROR [upload] Error: ENOSPC: no space left on device, write',
    '    at Object.writeSync (node:fs:927:3)',
  ];

  async function failingWithFullDisk(h: Harness, cleared: () => void) {
    h.runtime.addContainer({ name: 'web' });
    let status = 200;
    h.prober.respond('http://web:8080/health', () => ({ status }));
    h.runtime.respond('exec', (args) => {
      if (args.argv.includes('-maxdepth')) return { exitCode: 0, output: '/tmp\n/var/tmp\n' };
      if (args.argv.includes('rm')) cleared();
      return { exitCode: 0, output: '' };
    });
    await h.agent.start();
    await h.pass(10_000);
    h.runtime.appendLogs('web', enospc);
    status = 500;
    return { recover: () => (status = 200) };
  }

  it('runs clear_cache before any restart, and is healed by it', async () => {
    const h = harness(yaml);
    let recover = () => {};
    ({ recover } = await failingWithFullDisk(h, () => recover()));
    await h.pass(30_000);

    expect(h.restartsOf('web')).toHaveLength(0);
    const [incident] = await h.incidentsOf('web');
    expect(incident?.diagnosis?.cause).toBe('disk_full');
    expect(incident).toMatchObject({ status: 'resolved', autoHealed: true, actionsTaken: ['clear_cache'] });
  });

  it('escalates once clear_cache did not help, without a restart or another clear_cache', async () => {
    const h = harness(yaml);
    await failingWithFullDisk(h, () => {});
    await h.pass(120_000);

    expect(h.restartsOf('web')).toHaveLength(0);
    const [incident, ...more] = await h.incidentsOf('web');
    expect(more).toHaveLength(0);
    expect(incident?.status).toBe('escalated');
    expect(incident?.actionsTaken).toEqual(['clear_cache']);
    expect(incident?.escalationReason).toMatch(/^a restart will not help: web answers HTTP 500: disk full/);
    expect(incident?.escalationReason).toContain('clear_cache was tried 1 time');
    const ran = (await h.actionsOf('web')).filter((action) => action.result !== 'skipped');
    expect(ran.map((action) => action.action)).toEqual(['clear_cache']);
  });
});

/** The seed's configuration section and its "Custom Healing Strategies", as its author wrote them. */
const seedYaml = `monitoring:
  interval_seconds: 30  # How often to check
  health_check_timeout: 10  # HTTP timeout

  containers:
    - name: spartan-research-station
      health_endpoint: "http://localhost:8888/health"
      critical: true
      auto_restart: true
      max_restarts_per_hour: 3

healing:
  auto_heal_enabled: true

  auto_fix_actions:  # Done automatically
    - container_restart
    - clear_cache
    - reset_connections

  manual_approval_required:  # Requires user
    - database_migration
    - configuration_change

  strategies:
    container_stopped:
      - action: restart_container
        max_attempts: 3
        backoff_seconds: 10

    high_memory_usage:
      - action: garbage_collection
      - action: restart_if_above_threshold
        threshold_percent: 90

    custom_error:
      - action: diagnose_with_claude
      - action: custom_script
        script: /app/scripts/custom_fix.sh

claude:
  enabled: true
  model: "claude-sonnet-4-5-20250929"
  use_for_diagnosis: true
`;

const mib = 2 ** 20;

describe('high memory', () => {
  it("the seed's config, verbatim, heals it through restart_if_above_threshold (garbage_collection skipped)", async () => {
    const h = harness(seedYaml);
    const name = 'spartan-research-station';
    h.runtime.addContainer({ name, memory: { usage: 300 * mib, limit: 1024 * mib } });
    h.prober.respond('http://localhost:8888/health', () => ({ status: 200 }));
    await h.agent.start();
    await h.pass(30_000);
    h.runtime.setMemory(name, { usage: 980 * mib, limit: 1024 * mib });
    await h.passUntil(() => h.restartsOf(name).length > 0, 60_000);
    expect(h.restartsOf(name), h.story(name)).toHaveLength(1);
    // The restart gave the memory back.
    h.runtime.setMemory(name, { usage: 300 * mib, limit: 1024 * mib });
    await h.pass(60_000);

    expect(h.restartsOf(name)).toHaveLength(1);
    const [incident, ...more] = await h.incidentsOf(name);
    expect(more).toHaveLength(0);
    expect(incident).toMatchObject({
      trigger: 'high_memory_usage',
      status: 'resolved',
      autoHealed: true,
      actionsTaken: ['restart_if_above_threshold'],
    });
    const actions = await h.actionsOf(name);
    expect(actions.map((action) => [action.action, action.result])).toEqual([
      ['garbage_collection', 'skipped'],
      ['restart_if_above_threshold', 'succeeded'],
    ]);
    expect(actions[0]?.reason).toMatch(/garbage_collection is not in auto_fix_actions/);
  });

  it('moves on to restart_if_above_threshold when garbage_collection ran and memory stayed high', async () => {
    const h = harness(`
monitoring:
  containers:
    - name: worker
healing:
  auto_fix_actions: [restart_container, garbage_collection]
`);
    h.runtime.addContainer({
      name: 'worker',
      memory: { usage: 300 * mib, limit: 1024 * mib },
      labels: { 'website-monitor.gc_command': '["kill","-USR2","1"]' },
    });
    h.runtime.respond('exec', { exitCode: 0, output: '' });
    await h.agent.start();
    await h.pass(30_000);
    h.runtime.setMemory('worker', { usage: 980 * mib, limit: 1024 * mib });
    await h.passUntil(() => h.restartsOf('worker').length > 0, 180_000);
    h.runtime.setMemory('worker', { usage: 300 * mib, limit: 1024 * mib });
    await h.pass(60_000);

    expect(h.runtime.callsOf('exec')).toHaveLength(1);
    expect(h.restartsOf('worker'), h.story('worker')).toHaveLength(1);
    const [incident, ...more] = await h.incidentsOf('worker');
    expect(more).toHaveLength(0);
    expect(incident).toMatchObject({
      status: 'resolved',
      actionsTaken: ['garbage_collection', 'restart_if_above_threshold'],
    });
    // The label the garbage_collection action reads is a known one.
    expect(h.logger.find('label_ignored')).toEqual([]);
  });
});

describe('steps the policy refuses', () => {
  it('records a refused step as skipped once per incident and tries the next step', async () => {
    const h = harness(`
monitoring:
  containers:
    - name: web
healing:
  auto_fix_actions: [restart_container]
  backoff_initial_seconds: 10
  strategies:
    container_stopped:
      - action: clear_cache
      - action: restart_container
        max_attempts: 2
`);
    h.runtime.addContainer({ name: 'web' });
    await h.agent.start();
    await h.settle();
    // Fails again 2 s after each restart: one incident, worked on at every crash.
    for (let crash = 0; crash < 4; crash++) {
      await h.passUntil(() => h.runtime.state('web') === 'running', 60_000);
      if (h.runtime.state('web') !== 'running') break;
      await h.pass(2_000);
      h.runtime.crash('web', { exitCode: 3 });
    }
    await h.pass(60_000);

    const [incident, ...more] = await h.incidentsOf('web');
    expect(more, h.story('web')).toHaveLength(0);
    expect(h.restartsOf('web')).toHaveLength(2);
    const actions = await h.actionsOf('web');
    const skipped = actions.filter((action) => action.result === 'skipped');
    expect(
      skipped.map((action) => action.action),
      h.story('web'),
    ).toEqual(['clear_cache', 'restart_container']);
    expect(skipped[0]?.reason).toBe('clear_cache is not in auto_fix_actions, so web is left to a person');
    expect(incident?.status).toBe('escalated');
    expect(incident?.escalationReason).toBe(
      'no healing step could act on web: clear_cache is not in auto_fix_actions, so web is left to a person; ' +
        'restart_container was tried 2 times on web (max_attempts 2) without fixing it',
    );
  });

  it('escalates at once listing every reason when no step can act', async () => {
    const h = harness(`
monitoring:
  containers:
    - name: web
healing:
  auto_fix_actions: [clear_cache]
  strategies:
    container_stopped:
      - action: garbage_collection
      - action: restart_container
`);
    h.runtime.addContainer({ name: 'web' });
    await h.agent.start();
    await h.settle();
    h.runtime.crash('web', { exitCode: 3 });
    await h.settle();

    expect(h.restartsOf('web')).toHaveLength(0);
    const [incident] = await h.incidentsOf('web');
    expect(incident?.status).toBe('escalated');
    expect(incident?.escalationReason).toBe(
      'no healing step could act on web: garbage_collection is not in auto_fix_actions, so web is left to a person; ' +
        'restart_container is not in auto_fix_actions, so web is left to a person',
    );
    expect((await h.actionsOf('web')).map((action) => [action.action, action.result])).toEqual([
      ['garbage_collection', 'skipped'],
      ['restart_container', 'skipped'],
    ]);
  });
});

describe('a step that changes nothing', () => {
  it('does not keep an incident open for ever once the steps that could fix it are used up', async () => {
    const h = harness(`
monitoring:
  containers:
    - name: web
      health_endpoint: http://web:8080/health
healing:
  auto_fix_actions: [restart_container, check_dependencies]
  strategies:
    http_failed:
      - action: check_dependencies
      - action: restart_container
        max_attempts: 1
`);
    h.runtime.addContainer({ name: 'web' });
    let status = 200;
    h.prober.respond('http://web:8080/health', () => ({ status }));
    await h.agent.start();
    await h.pass(10_000);
    // A bad release: the endpoint fails again after the restart.
    status = 500;
    await h.pass(120_000);

    expect(h.restartsOf('web')).toHaveLength(1);
    const [incident, ...more] = await h.incidentsOf('web');
    expect(more).toHaveLength(0);
    expect(incident?.status, h.story('web')).toBe('escalated');
    expect(incident?.escalationReason).toBe(
      'no healing step could act on web: restart_container was tried 1 time on web (max_attempts 1) without fixing it',
    );
    const looks = (await h.actionsOf('web')).filter((action) => action.action === 'check_dependencies');
    expect(looks).toHaveLength(1);
  });
});

describe('auto_restart: false', () => {
  it.each([
    { title: 'a crash', failure: 'crash' },
    { title: 'a failing endpoint', failure: 'http' },
  ])('$title is escalated at once, and no incident is left diagnosing or healing', async ({ failure }) => {
    const h = harness(`
monitoring:
  containers:
    - name: web
      auto_restart: false
      health_endpoint: http://web:8080/health
`);
    h.runtime.addContainer({ name: 'web' });
    let status = 200;
    h.prober.respond('http://web:8080/health', () => ({ status }));
    await h.agent.start();
    await h.pass(10_000);
    if (failure === 'crash') h.runtime.crash('web', { exitCode: 3 });
    else status = 503;
    await h.pass(20_000);

    expect(h.restartsOf('web')).toHaveLength(0);
    const incidents = await h.incidentsOf('web');
    expect(incidents, h.story('web')).toHaveLength(1);
    expect(incidents[0]?.status).toBe('escalated');
    expect(incidents[0]?.escalationReason).toContain('auto_restart is off for web');
    expect(await h.store.listIncidents({ statuses: ['open', 'diagnosing', 'healing'] })).toEqual([]);
  });
});

describe('dependencies', () => {
  it.each([
    { title: 'opted out with website-monitor.enable=false', present: true },
    { title: 'absent', present: false },
  ])('a dependency the agent does not watch ($title) does not hold the app', async ({ present }) => {
    const h = harness(`
monitoring:
  containers:
    - name: app
      depends_on: [db]
`);
    if (present) h.runtime.addContainer({ name: 'db', labels: { 'website-monitor.enable': 'false' } });
    h.runtime.addContainer({ name: 'app' });
    await h.agent.start();
    await h.settle();
    // The unwatched database is down as well: nobody judges it, so nothing would say it is back.
    h.runtime.crash('app', { exitCode: 1 });
    await h.settle();

    expect(h.restartsOf('app'), h.story('app')).toHaveLength(1);
    expect(h.logger.find('healing_decision').filter((entry) => entry.fields.decision === 'wait')).toEqual([]);
    if (present) expect(h.restartsOf('db')).toHaveLength(0);
    // Whatever the diagnosis blames, the record says why the app was not held for it.
    const [incident] = await h.incidentsOf('app');
    const [restart] = await h.actionsOf('app');
    if (incident?.diagnosis?.cause === 'dependency_unreachable') {
      expect(restart?.reason).toMatch(/healing anyway: db is not watched by this agent/);
    }
  });

  it('a watched dependency that stays down holds the app at most dependency_wait_seconds, then the app is healed', async () => {
    const h = harness(`
monitoring:
  containers:
    - name: db
    - name: app
      depends_on: [db]
healing:
  dependency_wait_seconds: 20
`);
    h.runtime.addContainer({ name: 'db' });
    h.runtime.addContainer({ name: 'app' });
    // The database cannot be brought back (its volume is locked); the app's restart works.
    h.runtime.respond('restart', (args: unknown) => {
      const { id } = args as { id: string };
      if (id === h.runtime.idOf('db')) throw new Error('db volume is locked');
      h.runtime.operatorStart('app');
    });
    await h.agent.start();
    await h.settle();
    h.runtime.crash('db', { exitCode: 1 });
    h.runtime.crash('app', { exitCode: 1 });
    await h.settle();
    const crashedAt = h.clock.now();
    await h.passUntil(() => h.restartsOf('app').length > 0, 60_000);

    const [restart] = h.restartsOf('app');
    expect(restart, h.story('app')).toBeDefined();
    expect(restart!.at - crashedAt).toBeGreaterThanOrEqual(20_000);
    expect(restart!.at - crashedAt).toBeLessThanOrEqual(21_000);
    const acted = h.logger
      .find('healing_decision')
      .find((entry) => entry.fields.container === 'app' && entry.fields.decision === 'act');
    expect(acted?.fields.reason).toMatch(/although db is still unhealthy after 20 s of waiting$/);
    const [action] = (await h.actionsOf('app')).filter((record) => record.action === 'restart_container');
    expect(action?.reason).toContain('db is still unhealthy after 20 s of waiting');
  });

  it('an app that cannot reach its dependency waits while the dependency is healed, then is restarted', async () => {
    const h = harness(`
monitoring:
  containers:
    - name: db
    - name: app
      depends_on: [db]
`);
    h.runtime.addContainer({ name: 'db' });
    h.runtime.addContainer({ name: 'app' });
    // The database's first restart fails; it comes back on the second (after its backoff).
    let dbRestarts = 0;
    let dbBackAt: number | undefined;
    h.runtime.respond('restart', (args: unknown) => {
      const { id } = args as { id: string };
      if (id === h.runtime.idOf('db')) {
        if (++dbRestarts === 1) throw new Error('db is still shutting down');
        dbBackAt = h.clock.now();
        h.runtime.operatorStart('db');
        return;
      }
      h.runtime.operatorStart('app');
    });
    await h.agent.start();
    await h.settle();
    h.runtime.crash('db', { exitCode: 1 });
    await h.settle();
    h.runtime.crash('app', {
      exitCode: 1,
      logs: [
        'Error: connect ECONNREFUSED 127.0.0.1:5432',
        '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16) {',
        '  errno: -111,',
        "  code: 'ECONNREFUSED',",
      ],
    });
    await h.settle();
    expect(h.restartsOf('app')).toHaveLength(0);
    await h.passUntil(() => h.restartsOf('app').length > 0, 60_000);

    expect(dbBackAt, h.story('db')).toBeDefined();
    const appRestarts = h.restartsOf('app');
    expect(appRestarts, h.story('app')).toHaveLength(1);
    expect(appRestarts[0]!.at).toBeGreaterThanOrEqual(dbBackAt!);
    const [incident] = await h.incidentsOf('app');
    expect(incident?.diagnosis?.cause).toBe('dependency_unreachable');
    await h.pass(30_000);
    expect(h.restartsOf('app')).toHaveLength(1);
    expect((await h.incidentsOf('app'))[0]?.status).toBe('resolved');
  });
});

describe('critical containers', () => {
  it('go first when max_concurrent_restarts queues restarts, at least high urgency, and notifications say so', async () => {
    const h = harness(`
monitoring:
  containers:
    - name: alpha
    - name: beta
    - name: gamma
      critical: true
healing:
  max_concurrent_restarts: 1
`);
    for (const name of ['alpha', 'beta', 'gamma']) h.runtime.addContainer({ name, health: 'healthy' });
    const names = new Map(['alpha', 'beta', 'gamma'].map((name) => [h.runtime.idOf(name), name]));
    // Each restart takes 15 s (a slow stop), so the others queue behind it for several checks.
    h.runtime.respond('restart', async (args: unknown) => {
      const name = names.get((args as { id: string }).id)!;
      await h.clock.sleep(15_000);
      h.runtime.operatorStart(name);
      h.runtime.setDockerHealth(name, 'healthy');
    });
    await h.agent.start();
    await h.settle();
    // A failing HEALTHCHECK is of medium urgency by itself; gamma, critical, fails last.
    h.runtime.setDockerHealth('alpha', 'unhealthy');
    h.runtime.setDockerHealth('beta', 'unhealthy');
    h.runtime.setDockerHealth('gamma', 'unhealthy');
    // No `idle()` while a restart sleeps on the fake clock: time moves on its own.
    for (let elapsed = 0; elapsed < 90_000; elapsed += 500) await h.clock.advance(500);

    const order = h.runtime.callsOf('restart').map((call) => names.get((call.args as { id: string }).id));
    expect(order, h.story('gamma')).toEqual(['alpha', 'gamma', 'beta']);
    const queued = h.logger.find('healing_queued').map((entry) => entry.fields.container);
    expect(queued.sort()).toEqual(['beta', 'gamma']);
    expect(
      h.logger.find('healing_queued').find((entry) => entry.fields.container === 'gamma')?.fields,
    ).toMatchObject({ critical: true });

    const incidents = new Map(
      (await h.store.listIncidents({})).map((incident) => [incident.containerName, incident]),
    );
    expect(incidents.get('gamma')?.diagnosis?.urgency).toBe('high');
    expect(incidents.get('beta')?.diagnosis?.urgency).toBe('medium');
    expect(incidents.get('gamma')?.diagnosis?.reasoning).toMatch(/the container is marked critical/);
    const opened = h.notifier.notifications.filter((notification) => notification.kind === 'incident_opened');
    expect(
      opened.map((notification) => [notification.incident?.containerName, notification.critical]).sort(),
    ).toEqual([
      ['alpha', false],
      ['beta', false],
      ['gamma', true],
    ]);
  });
});

describe("a person's request", () => {
  it('restarts a container with only the defaults the REST API fills in, recording who asked and why', async () => {
    const h = harness();
    h.runtime.addContainer({ name: 'web' });
    await h.agent.start();
    await h.settle();

    const outcome = await h.agent.requestHealing({
      container: 'web',
      reason: 'manual request via API',
      by: 'api',
    });
    await h.settle();

    expect(outcome).toMatchObject({ kind: 'act', changed: true });
    expect(h.restartsOf('web')).toHaveLength(1);
    const [action] = await h.actionsOf('web');
    expect(action).toMatchObject({
      action: 'restart_container',
      decidedBy: 'person',
      reason: 'requested by api: manual request via API',
    });
  });

  it('is carried out even where the rules would not restart (a port clash a person has since fixed)', async () => {
    const h = harness();
    await startWatched(h, { name: 'api' });
    h.runtime.crash('api', { exitCode: 1, logs: eaddrinuse });
    await h.settle();
    expect((await h.incidentsOf('api'))[0]?.status).toBe('escalated');

    const outcome = await h.agent.requestHealing({ container: 'api', reason: 'freed the port', by: 'alice' });
    await h.settle();
    expect(outcome).toMatchObject({ kind: 'act', changed: true });
    expect(h.restartsOf('api')).toHaveLength(1);
    expect(h.runtime.state('api')).toBe('running');
  });
});

describe('a check made while our own action runs', () => {
  it('does not make the healer go round again and restart a container the action just brought back', async () => {
    const h = harness(`
monitoring:
  containers:
    - name: web
      health_endpoint: http://web:8080/health
`);
    h.runtime.addContainer({ name: 'web' });
    let status = 200;
    h.prober.respond('http://web:8080/health', () => ({ status }));
    // A graceful stop that uses most of its 10 s: the endpoint keeps failing while it runs.
    h.runtime.respond('restart', async () => {
      await h.clock.sleep(8_000);
      status = 200;
      h.runtime.operatorStart('web');
    });
    await h.agent.start();
    await h.pass(10_000);
    status = 500;
    for (let elapsed = 0; elapsed < 60_000; elapsed += 500) await h.clock.advance(500);
    await h.settle();

    expect(h.restartsOf('web'), h.story('web')).toHaveLength(1);
    expect((await h.incidentsOf('web'))[0]).toMatchObject({ status: 'resolved', autoHealed: true });
  });
});
