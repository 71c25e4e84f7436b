import {
  CRASH_EXIT_CODE,
  crashContainer,
  crashOnDemand,
  removeTestContainers,
  startTestContainer,
  testRunId,
} from '@website-monitor/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { recordEngineEvents } from './engine-events/engine-event-log.js';
import { startE2eAgent } from './harness/e2e-agent.js';
import { reportFigure } from './harness/report-figure.js';
import { waitUntil } from './harness/wait-until.js';

afterAll(async () => {
  await removeTestContainers({ runId: testRunId });
});

describe('a container that exits by itself', () => {
  it('is restarted within a second of its die, and the incident resolves as auto-healed', async () => {
    await using engine = await recordEngineEvents();
    // No network: the engine's own start of a container is what dominates die -> start, and
    // creating a bridge veth pair adds 100-300 ms of it on a loaded 2-core machine. The agent's
    // share (die -> restart call) is reported separately below.
    await using app = await startTestContainer({
      purpose: 'e2e-crash',
      behaviour: crashOnDemand,
      networkMode: 'none',
      waitFor: 'running',
    });
    await using monitor = await startE2eAgent({
      yaml: `
monitoring:
  interval_seconds: 60
  discovery: listed
  defaults:
    start_period_seconds: 0
  containers:
    - name: ${app.name}
healing:
  # Resolved after 1 s of health instead of the default 10 s, so the test stays short.
  resolve_after_seconds: 1
`,
    });

    await crashContainer(app);
    const die = await engine.waitFor(app.id, 'die');
    expect(die.exitCode).toBe(CRASH_EXIT_CODE);
    const resolved = await waitUntil(
      'the incident to resolve',
      () => monitor.eventsFor('incident:resolved', app.name)[0]?.payload,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${monitor.logText()}`);
    });
    const restart = engine.of(app.id, ['start']).find((event) => event.timeNano > die.timeNano);
    expect(restart, 'a start event after the die').toBeDefined();
    const dieToStartMs = Number(restart!.timeNano - die.timeNano) / 1e6;
    const opened = monitor.eventsFor('incident:opened', app.name)[0]!;
    const attempt = monitor.eventsFor('healing:attempt', app.name)[0]!;
    reportFigure(
      'crash: die -> opened / -> attempt / -> start',
      `${opened.at - die.time} / ${attempt.at - die.time} / ${Math.round(dieToStartMs)} ms`,
    );
    expect(dieToStartMs).toBeLessThan(1000);

    const info = await app.inspect();
    expect(info.State.Running).toBe(true);
    // The running process is the agent's restart, not the run that crashed.
    expect(Date.parse(info.State.StartedAt)).toBeGreaterThanOrEqual(die.time);

    expect(resolved.autoHealed).toBe(true);
    const incidents = await monitor.store.listIncidents({ containerName: app.name });
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({
      status: 'resolved',
      autoHealed: true,
      trigger: 'container_stopped',
      exitCode: CRASH_EXIT_CODE,
      actionsTaken: ['restart_container'],
    });
    const actions = await monitor.store.listHealingActions({ containerName: app.name });
    expect(actions.map((action) => [action.action, action.result])).toEqual([
      ['restart_container', 'succeeded'],
    ]);
    reportFigure(
      'crash: incident open -> resolved',
      incidents[0]!.resolvedAt! - incidents[0]!.openedAt,
      'ms',
    );
    reportFigure('crash: restart action duration', actions[0]!.durationMs ?? Number.NaN, 'ms');
  });

  it('is restarted at most max_restarts_per_hour times when it keeps crashing, then escalated once and left exited', async () => {
    await using engine = await recordEngineEvents();
    // Exits 1 about half a second into every run.
    await using app = await startTestContainer({
      purpose: 'e2e-crash-loop',
      behaviour: { exitAfterSeconds: 0.5, exitCode: 1 },
      publishHttp: false,
      waitFor: 'none',
    });
    const startedAt = Date.now();
    await using monitor = await startE2eAgent({
      yaml: `
monitoring:
  interval_seconds: 60
  discovery: listed
  defaults:
    # Longer than a run lasts: a restarted run is never judged healthy before it dies again,
    # so the whole loop is one incident.
    start_period_seconds: 2
    max_restarts_per_hour: 2
  containers:
    - name: ${app.name}
healing:
  backoff_initial_seconds: 1
  backoff_max_seconds: 2
  strategies:
    # The default step carries its own backoff_seconds: 10; the healing backoff applies without it.
    container_stopped:
      - action: restart_container
`,
    });

    const escalated = await waitUntil(
      'the incident to be escalated',
      () => monitor.eventsFor('incident:escalated', app.name)[0]?.payload,
      { timeoutMs: 60_000 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${monitor.logText()}`);
    });
    const escalatedAfterMs = Date.now() - startedAt;
    // Long enough for a third restart had the budget or the backoff not held (backoff max is 2 s).
    await new Promise((resolve) => setTimeout(resolve, 4000));

    const info = await app.inspect();
    expect(info.State.Status).toBe('exited');
    expect(info.State.ExitCode).toBe(1);
    // The first run plus one start per restart of ours.
    const starts = engine.of(app.id, ['start']);
    const dies = engine.of(app.id, ['die']);
    expect(starts).toHaveLength(3);
    expect(dies).toHaveLength(3);
    expect(dies.every((event) => event.exitCode === 1)).toBe(true);

    expect(monitor.eventsFor('incident:escalated', app.name)).toHaveLength(1);
    expect(escalated.escalationReason).toMatch(/restart/);
    const incidents = await monitor.store.listIncidents({ containerName: app.name });
    expect(incidents.map((incident) => incident.status)).toEqual(['escalated']);
    expect(incidents[0]!.actionsTaken).toEqual(['restart_container', 'restart_container']);
    const restarts = (await monitor.store.listHealingActions({ containerName: app.name })).filter(
      (action) => action.action === 'restart_container',
    );
    expect(restarts.map((action) => action.result)).toEqual(['succeeded', 'succeeded']);

    // The second restart backs off from the first (attempt 1: between half of and the whole
    // backoff_initial_seconds, jittered), even though the container died long before that.
    const actionGapMs = restarts[1]!.startedAt - restarts[0]!.startedAt;
    expect(actionGapMs).toBeGreaterThanOrEqual(500);
    const startGapMs = Number(starts[2]!.timeNano - starts[1]!.timeNano) / 1e6;
    reportFigure('crash loop: restart 1 -> restart 2 (engine starts)', startGapMs, 'ms');
    reportFigure('crash loop: restart 1 -> restart 2 (agent actions)', actionGapMs, 'ms');
    reportFigure('crash loop: escalated after agent start', escalatedAfterMs, 'ms');
    reportFigure('crash loop: escalation reason', escalated.escalationReason ?? '');
  });
});
