import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerEvent, Diagnosis, HealingActionRecord, Incident } from '@website-monitor/core';
import {
  type ContainerLogs,
  crashContainer,
  crashOnDemand,
  removeTestContainers,
  startTestContainer,
  testRunId,
} from '@website-monitor/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineEventLog, recordEngineEvents } from './engine-events/engine-event-log.js';
import {
  type FailureMode,
  failureModes,
  failureScript,
  waitForTrigger,
} from './failure-modes/failure-modes.js';
import {
  agentLogAbout,
  describeIncident,
  diagnosesOf,
  restartingActions,
  restartsIn,
  waitForIncidentEnd,
} from './failure-modes/incident-story.js';
import {
  type ScriptContainer,
  scriptContainerName,
  startScriptContainer,
} from './failure-modes/script-container.js';
import { seedConfigFor } from './failure-modes/seed-config.js';
import { type E2eAgent, type RecordedAgentEvent, startE2eAgent } from './harness/e2e-agent.js';
import { reportFigure } from './harness/report-figure.js';
import { waitUntil } from './harness/wait-until.js';

// Issue 9, "How it is shown": each failure mode from a real container's own log lines ends with
// an incident whose diagnosis names the cause; causes a restart cannot fix make no restart and
// escalate within 2 s of the diagnosis; a disk-full 5xx is treated with clear_cache before any
// restart; the seed's own config heals high memory through restart_if_above_threshold; a
// dependency the agent does not watch never holds its dependents.

afterAll(async () => {
  await removeTestContainers({ runId: testRunId });
});

/** How long the agent may take to escalate or resolve once a container failed. */
const incidentEndTimeoutMs = 30_000;
/** After the incident ended: long enough for a restart the agent should not have made to show. */
const settleMs = 1_500;

const failWithLog = (monitor: E2eAgent, name: string) => (error: Error) => {
  throw new Error(
    `${error.message}\n${monitor
      .logText()
      .split('\n')
      .filter((line) => line.includes(name))
      .join('\n')}`,
  );
};

async function waitForHealthyCheck(monitor: E2eAgent, name: string, timeoutMs = 30_000): Promise<void> {
  await waitUntil(
    `a healthy check of ${name}`,
    () => monitor.eventsFor('check:completed', name).some((event) => event.payload.healthy) || undefined,
    { timeoutMs },
  ).catch(failWithLog(monitor, name));
}

/** What happened to one failure mode's container; every mode runs at once, each test reads its own. */
interface ModeOutcome {
  readonly container: ScriptContainer;
  readonly die: ContainerEvent;
  readonly oomEvents: readonly ContainerEvent[];
  readonly logs: ContainerLogs;
  readonly ended: RecordedAgentEvent & { readonly payload: Incident };
  readonly incidents: readonly Incident[];
  readonly actions: readonly HealingActionRecord[];
  /** Engine `start` events after the die: restarts, by anyone. */
  readonly startsAfterDie: readonly ContainerEvent[];
  readonly runningAtEnd: boolean;
}

describe('a container that fails for a reason of its own', () => {
  let engine: EngineEventLog | undefined;
  let monitor: E2eAgent | undefined;
  const containers = new Map<FailureMode, ScriptContainer>();
  const outcomes = new Map<FailureMode, Promise<ModeOutcome>>();
  /** Every diagnosis the agent announced, in order. */
  const announced: { readonly containerName: string; readonly diagnosis: Diagnosis }[] = [];

  beforeAll(async () => {
    engine = await recordEngineEvents();
    const start = (mode: FailureMode, name?: string) => {
      const { failure: _failure, ...options } = mode.container;
      return startScriptContainer({ ...options, script: failureScript(mode), ...(name ? { name } : {}) });
    };
    // Services that run healthy until their trigger are up before the agent: their run began
    // before it watched (as on a host where the agent starts later), so when they fail, nothing
    // of their start-up output was followed and the first diagnosis has only the exit code.
    const running = failureModes.filter((mode) => mode.fails === 'on-trigger');
    await Promise.all(running.map(async (mode) => containers.set(mode, await start(mode))));
    // Start-up failures start under the agent's eyes: one agent watches every mode's container,
    // as it would on a host, and they all fail at about the same time.
    const booting = failureModes.filter((mode) => mode.fails === 'at-start-up');
    const names = new Map(booting.map((mode) => [mode, scriptContainerName(mode.container.purpose)]));
    const listed = [...[...containers.values()].map((container) => container.name), ...names.values()];
    monitor = await startE2eAgent({
      yaml: `
monitoring:
  interval_seconds: 60
  discovery: listed
  defaults:
    start_period_seconds: 0
    check_interval_seconds: 1
  containers:
${listed.map((name) => `    - name: ${name}`).join('\n')}
healing:
  resolve_after_seconds: 2
`,
    });
    monitor.agent.on('diagnosis:completed', ({ incident, diagnosis }) => {
      announced.push({ containerName: incident.containerName, diagnosis });
    });
    await Promise.all(booting.map(async (mode) => containers.set(mode, await start(mode, names.get(mode)))));
    for (const mode of failureModes) {
      const outcome = runFailureMode(engine, monitor, mode, containers.get(mode)!);
      outcome.catch(() => {}); // read by the mode's own test
      outcomes.set(mode, outcome);
    }
  });

  afterAll(async () => {
    await monitor?.[Symbol.asyncDispose]();
    await engine?.[Symbol.asyncDispose]();
    await Promise.all([...containers.values()].map((container) => container.remove()));
  });

  for (const mode of failureModes) {
    it(`${mode.title} -> ${mode.cause}`, async () => {
      const outcome = await outcomes.get(mode)!;
      const { container, die } = outcome;
      // The evidence is the container's own: its last words and its exit code.
      expect(`${outcome.logs.stdout}${outcome.logs.stderr}`).toMatch(mode.logLine);
      expect(die.exitCode).toBe(mode.exitCode);
      if (mode.oomKilled) expect(outcome.oomEvents.length, 'an oom event').toBeGreaterThan(0);

      const story = `${outcome.incidents.map(describeIncident).join('\n')}\n--- agent log ---\n${agentLogAbout(monitor!, container.name)}`;
      expect(outcome.incidents, `one incident\n${story}`).toHaveLength(1);
      const incident = outcome.incidents[0]!;
      expect(incident.diagnosis?.cause, story).toBe(mode.cause);
      expect(incident.diagnosis?.diagnosis, story).toMatch(mode.words);

      // Every version is kept: the first one made (from the exit code alone, when the log tail
      // was not in yet), then the one that read the log tail.
      const diagnoses = diagnosesOf(incident);
      const made = announced.filter((entry) => entry.containerName === container.name);
      expect(diagnoses.length, story).toBeGreaterThanOrEqual(1);
      expect(diagnoses.at(-1)?.diagnosis, story).toEqual(incident.diagnosis);
      expect(made.length, 'diagnoses announced').toBeGreaterThanOrEqual(1);
      expect(diagnoses[0]!.diagnosis.diagnosis, `the first diagnosis is kept\n${story}`).toBe(
        made[0]!.diagnosis.diagnosis,
      );
      if (made[0]!.diagnosis.cause !== mode.cause) {
        expect(
          diagnoses.length,
          `the exit-code-only diagnosis and the refined one\n${story}`,
        ).toBeGreaterThanOrEqual(2);
        expect(diagnoses[0]!.diagnosis.diagnosis, story).toMatch(new RegExp(`\\b${mode.exitCode}\\b`));
      }
      reportFigure(
        `${mode.cause}: diagnoses in the history`,
        diagnoses.map((entry) => entry.diagnosis.cause ?? '?').join(' -> '),
      );
      const named = diagnoses.find((entry) => entry.diagnosis.cause === mode.cause);
      expect(named, story).toBeDefined();

      if (mode.restartHelps === false) {
        const restartsAllowed = mode.restartsAllowed ?? 0;
        expect(incident.status, story).toBe('escalated');
        expect(incident.escalationReason, story).toMatch(/^a restart will not help/);
        expect(outcome.ended.name).toBe('incident:escalated');
        const diagnosisToEscalationMs = outcome.ended.at - named!.at;
        reportFigure(`${mode.cause}: cause diagnosed -> escalated`, diagnosisToEscalationMs, 'ms');
        expect(diagnosisToEscalationMs, story).toBeLessThanOrEqual(2_000);
        // No restart (or only the fast one before the log tail was in): not by the agent (its
        // actions) and not on the engine (its starts).
        expect(restartsIn(outcome.actions).length, story).toBeLessThanOrEqual(restartsAllowed);
        expect(
          incident.actionsTaken.filter((action) => restartingActions.includes(action)).length,
          story,
        ).toBeLessThanOrEqual(restartsAllowed);
        expect(outcome.startsAfterDie.length, 'engine starts after the die').toBeLessThanOrEqual(
          restartsAllowed,
        );
        expect(outcome.runningAtEnd).toBe(false);
      } else if (mode.restartHelps === true) {
        expect(incident.status, story).toBe('resolved');
        expect(incident.autoHealed, story).toBe(true);
        expect(restartsIn(outcome.actions).length, story).toBeGreaterThanOrEqual(1);
        expect(outcome.startsAfterDie.length, 'engine starts after the die').toBeGreaterThanOrEqual(1);
        expect(outcome.runningAtEnd).toBe(true);
      } else {
        expect(['escalated', 'resolved'], story).toContain(incident.status);
      }
      reportFigure(
        `${mode.cause} (${container.name}): die -> ${outcome.ended.name}`,
        outcome.ended.at - die.time,
        'ms',
      );
      reportFigure(`${mode.cause}: diagnosis`, incident.diagnosis?.diagnosis ?? '(none)');
    });
  }
});

async function runFailureMode(
  engine: EngineEventLog,
  monitor: E2eAgent,
  mode: FailureMode,
  container: ScriptContainer,
): Promise<ModeOutcome> {
  if (mode.fails === 'on-trigger') {
    await waitForHealthyCheck(monitor, container.name);
    await crashContainer(container);
  }
  const die = await engine.waitFor(container.id, 'die', { timeoutMs: 20_000 });
  const ended = await waitForIncidentEnd(monitor, container.name, incidentEndTimeoutMs);
  await sleep(settleMs);
  const [logs, incidents, actions, info] = await Promise.all([
    container.logs(),
    monitor.store.listIncidents({ containerName: container.name }),
    monitor.store.listHealingActions({ containerName: container.name }),
    container.inspect(),
  ]);
  return {
    container,
    die,
    oomEvents: engine.of(container.id, ['oom']),
    logs,
    ended,
    incidents,
    actions,
    startsAfterDie: engine.of(container.id, ['start']).filter((event) => event.timeNano > die.timeNano),
    runningAtEnd: info.State.Running,
  };
}

describe.concurrent('healing follows the diagnosis, not the trigger', () => {
  it('a disk-full 5xx: clear_cache runs before any restart, and it heals the endpoint', async ({
    expect,
  }) => {
    await using engine = await recordEngineEvents();
    // The app answers 500 once its disk (a 64 KiB tmpfs on /tmp, where it also keeps its state)
    // is full; emptying /tmp is the cure, and the app's own log says what happened.
    await using app = await startScriptContainer({
      purpose: 'fm-disk-full-5xx',
      publishHttp: true,
      tmpfs: { '/tmp': 'size=64k' },
      script: `/app/testapp run &
${waitForTrigger}/app/testapp set-health fail
dd if=/dev/zero of=/tmp/cache.bin bs=4k
wait
`,
    });
    await using monitor = await startE2eAgent({
      yaml: `
monitoring:
  interval_seconds: 60
  discovery: listed
  defaults:
    start_period_seconds: 0
    check_interval_seconds: 1
  containers:
    - name: ${app.name}
      health_endpoint: ${app.url('/health')}
healing:
  resolve_after_seconds: 2
`,
    });
    await waitForHealthyCheck(monitor, app.name);
    const triggeredAt = Date.now();
    await crashContainer(app);
    await waitUntil('/health to answer 500', async () => {
      const response = await fetch(app.url('/health'), { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      return response.status === 500 ? true : undefined;
    });
    const ended = await waitForIncidentEnd(monitor, app.name, 45_000);
    await sleep(settleMs);

    const logs = await app.logs();
    expect(logs.stderr).toMatch(/^dd: error writing '\/tmp\/cache\.bin': No space left on device$/m);
    const incidents = await monitor.store.listIncidents({ containerName: app.name });
    expect(incidents).toHaveLength(1);
    const incident = incidents[0]!;
    const story = describeIncident(incident);
    expect(incident.trigger, story).toBe('http_failed');
    expect(incident.diagnosis?.cause, story).toBe('disk_full');
    expect(incident.diagnosis?.diagnosis, story).toMatch(/disk|no space|space left/i);

    const actions = await monitor.store.listHealingActions({ containerName: app.name });
    const order = actions.map((action) => `${action.action}:${action.result}`);
    const clearCache = actions.findIndex((action) => action.action === 'clear_cache');
    expect(clearCache, `clear_cache ran (${order.join(', ')})`).toBeGreaterThanOrEqual(0);
    expect(actions[clearCache]!.result, order.join(', ')).toBe('succeeded');
    const firstRestart = actions.findIndex(
      (action) => restartingActions.includes(action.action) && action.result !== 'skipped',
    );
    expect(
      firstRestart === -1 || firstRestart > clearCache,
      `no restart before clear_cache (${order.join(', ')})`,
    ).toBe(true);
    // On the engine too: nothing restarted the app before clear_cache started.
    const clearedAt = actions[clearCache]!.startedAt;
    const earlyStarts = engine
      .of(app.id, ['start'])
      .filter((event) => event.time >= triggeredAt && event.time < clearedAt);
    expect(earlyStarts).toEqual([]);

    expect(ended.name, story).toBe('incident:resolved');
    expect(incident.status, story).toBe('resolved');
    expect(incident.autoHealed, story).toBe(true);
    expect(incident.actionsTaken[0], story).toBe('clear_cache');
    const response = await fetch(app.url('/health'));
    expect(response.status).toBe(200);
    reportFigure('disk-full 5xx: actions', order.join(', '));
    reportFigure('disk-full 5xx: trigger -> resolved', ended.at - triggeredAt, 'ms');
  });

  it("the seed's config file, verbatim, heals a high-memory container through restart_if_above_threshold", async ({
    expect,
  }) => {
    await using engine = await recordEngineEvents();
    // 58 MiB written to a tmpfs is memory the container holds (cgroup shmem) and cannot give back:
    // about 92 % of its 64 MiB limit, steady, below the OOM killer. A restart mounts a fresh tmpfs.
    await using app = await startScriptContainer({
      purpose: 'fm-seed-memory',
      publishHttp: true,
      memoryLimitBytes: 64 * 1024 * 1024,
      tmpfs: { '/cache': 'size=100m' },
      script: `/app/testapp run &
${waitForTrigger}dd if=/dev/zero of=/cache/blob bs=1M count=58
echo 'cache warmed: 58 MiB held in memory'
wait
`,
    });
    await using monitor = await startE2eAgent({
      yaml: seedConfigFor({ containerName: app.name, hostPort: app.hostPort! }),
    });
    // The seed checks every 10 s by default: the first check comes with the agent's start.
    await waitForHealthyCheck(monitor, app.name, 40_000);
    const triggeredAt = Date.now();
    await crashContainer(app);
    const ended = await waitForIncidentEnd(monitor, app.name, 90_000);
    await sleep(settleMs);

    const incidents = await monitor.store.listIncidents({ containerName: app.name });
    const incident = incidents[0];
    const story = `${describeIncident(incident)}\n--- agent log ---\n${agentLogAbout(monitor, app.name)}`;
    expect(incidents, story).toHaveLength(1);
    expect(incident!.trigger, story).toBe('high_memory_usage');
    const actions = await monitor.store.listHealingActions({ containerName: app.name });
    const order = actions.map((action) => `${action.action}:${action.result}`);
    expect(
      actions.filter(
        (action) => action.action === 'restart_if_above_threshold' && action.result === 'succeeded',
      ),
      `${order.join(', ')}\n${story}`,
    ).toHaveLength(1);
    expect(
      actions.filter((action) => action.action === 'restart_container'),
      order.join(', '),
    ).toEqual([]);
    expect(ended.name, story).toBe('incident:resolved');
    expect(monitor.eventsFor('incident:escalated', app.name), story).toEqual([]);
    expect(incident!.status, story).toBe('resolved');
    expect(incident!.autoHealed, story).toBe(true);
    expect(incident!.actionsTaken, story).toContain('restart_if_above_threshold');
    expect(
      engine.of(app.id, ['start']).filter((event) => event.time >= triggeredAt).length,
    ).toBeGreaterThanOrEqual(1);
    expect((await app.inspect()).State.Running).toBe(true);
    reportFigure('seed high memory: actions', order.join(', '));
    reportFigure(
      'seed high memory: diagnosis',
      `${incident!.diagnosis?.cause}: ${incident!.diagnosis?.diagnosis}`,
    );
    reportFigure('seed high memory: trigger -> resolved', ended.at - triggeredAt, 'ms');
  });

  it('a dependency the agent does not watch never holds its dependent', async ({ expect }) => {
    // Three ways a dependency goes unwatched: opted out by label (running, its HEALTHCHECK failing), not
    // there at all, and a stranger with the app's Compose project and the dependency's service name.
    const project = `wm-test-fm-${randomBytes(3).toString('hex')}`;
    await using engine = await recordEngineEvents();
    await using optedOut = await startTestContainer({
      purpose: 'fm-dep-db-opted-out',
      behaviour: { healthMode: 'fail' },
      healthcheck: { intervalMs: 500 },
      labels: { 'website-monitor.enable': 'false' },
      publishHttp: false,
      waitFor: 'running',
    });
    await using stranger = await startTestContainer({
      purpose: 'fm-dep-db-stranger',
      behaviour: { healthMode: 'fail' },
      healthcheck: { intervalMs: 500 },
      labels: { 'com.docker.compose.project': project, 'com.docker.compose.service': 'db' },
      publishHttp: false,
      waitFor: 'running',
    });
    const absent = `wm-test-fm-dep-absent-${randomBytes(3).toString('hex')}`;
    const startApp = (purpose: string, labels?: Record<string, string>) =>
      startTestContainer({
        purpose,
        behaviour: crashOnDemand,
        publishHttp: false,
        waitFor: 'running',
        ...(labels ? { labels } : {}),
      });
    await using onOptedOut = await startApp('fm-dep-app-opted-out');
    await using onAbsent = await startApp('fm-dep-app-absent');
    await using onStranger = await startApp('fm-dep-app-compose', {
      'com.docker.compose.project': project,
      'com.docker.compose.service': 'app',
      'com.docker.compose.depends_on': 'db:service_healthy:false',
    });
    await using monitor = await startE2eAgent({
      yaml: `
monitoring:
  interval_seconds: 60
  discovery: listed
  defaults:
    start_period_seconds: 0
    check_interval_seconds: 1
  containers:
    - name: ${optedOut.name}
    - name: ${onOptedOut.name}
      depends_on: [${optedOut.name}]
    - name: ${onAbsent.name}
      depends_on: [${absent}]
    - name: ${onStranger.name}
healing:
  resolve_after_seconds: 2
`,
    });
    const cases = [
      { app: onOptedOut, dependency: optedOut.name },
      { app: onAbsent, dependency: absent },
      { app: onStranger, dependency: 'db' },
    ];
    await Promise.all(cases.map(({ app }) => waitForHealthyCheck(monitor, app.name)));
    const crashedAt = Date.now();
    await Promise.all(cases.map(({ app }) => crashContainer(app)));
    const results = await Promise.all(
      cases.map(async ({ app, dependency }) => {
        const die = await engine.waitFor(app.id, 'die');
        // Bounded: the agent decides at once, it does not wait out dependency_wait_seconds (60 s).
        const ended = await waitForIncidentEnd(monitor, app.name, 15_000);
        return { app, dependency, die, ended };
      }),
    );
    for (const { app, dependency, die, ended } of results) {
      const incident = (await monitor.store.listIncidents({ containerName: app.name }))[0];
      const story = describeIncident(incident);
      const waits = monitor.logger
        .find('healing_decision')
        .filter((entry) => entry.fields.container === app.name && entry.fields.decision === 'wait');
      reportFigure(
        `unwatched dependency (${dependency}): die -> ${ended.name}, waits`,
        `${ended.at - die.time} ms, ${waits.length}`,
      );
      if (incident?.escalationReason)
        reportFigure(`unwatched dependency (${dependency}): reason`, incident.escalationReason);
      if (ended.name === 'incident:resolved') {
        expect(incident?.autoHealed, story).toBe(true);
        const start = engine.of(app.id, ['start']).find((event) => event.timeNano > die.timeNano);
        expect(start, `${app.name} restarted`).toBeDefined();
      } else {
        expect(incident?.escalationReason, story).toContain(dependency);
      }
      expect(ended.at - die.time, story).toBeLessThan(15_000);
    }
    // The unwatched dependencies themselves were left alone.
    const touched = (id: string) =>
      engine.of(id, ['start', 'restart', 'kill', 'stop', 'die']).filter((event) => event.time >= crashedAt);
    expect(touched(optedOut.id)).toEqual([]);
    expect(touched(stranger.id)).toEqual([]);
  });

  it('a crash loop of port clashes under restart policy "always" is one incident, not one per crash', async ({
    expect,
  }) => {
    await using engine = await recordEngineEvents();
    // Up for 3 s, then a second listener on the port the first still holds: exit 1, and Docker
    // starts it again (100 ms, 200 ms, 400 ms... since no run lasts the 10 s that resets backoff).
    await using app = await startScriptContainer({
      purpose: 'fm-crash-loop',
      restartPolicy: { name: 'always' },
      script: 'echo "listening on 8080"\nhttpd -p 8080\nsleep 3\nexec httpd -f -p 8080\n',
    });
    await using monitor = await startE2eAgent({
      yaml: `
monitoring:
  interval_seconds: 60
  discovery: listed
  defaults:
    start_period_seconds: 0
    check_interval_seconds: 1
  containers:
    - name: ${app.name}
`,
    });
    const fifthDie = await engine.waitFor(app.id, 'die', { count: 5, timeoutMs: 45_000 });
    await sleep(settleMs);
    const dies = engine.of(app.id, ['die']);
    expect(dies.every((event) => event.exitCode === 1)).toBe(true);
    expect((await app.logs()).stderr).toMatch(/^httpd: bind: Address already in use$/m);

    const incidents = await monitor.store.listIncidents({ containerName: app.name });
    const story = incidents.map(describeIncident).join('\n');
    reportFigure(
      'crash loop: dies / incidents opened / reopened',
      `${dies.length} / ${monitor.eventsFor('incident:opened', app.name).length} / ${incidents[0]?.reopenCount ?? 0}`,
    );
    reportFigure(
      'crash loop: incident',
      `${incidents[0]?.status}: ${incidents[0]?.diagnosis?.cause} ${incidents[0]?.diagnosis?.diagnosis}`,
    );
    expect(incidents, story).toHaveLength(1);
    expect(monitor.eventsFor('incident:opened', app.name), story).toHaveLength(1);
    expect(monitor.eventsFor('incident:escalated', app.name).length, story).toBeLessThanOrEqual(1);
    expect(['port_in_use', 'crash_loop'], story).toContain(incidents[0]!.diagnosis?.cause);
    expect(fifthDie.exitCode).toBe(1);
  });
});
