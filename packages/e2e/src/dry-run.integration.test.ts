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

describe('healing.dry_run', () => {
  it('records the restart it would have done and leaves the crashed container exited', async () => {
    await using engine = await recordEngineEvents();
    await using app = await startTestContainer({
      purpose: 'e2e-dry-run',
      behaviour: crashOnDemand,
      publishHttp: false,
      waitFor: 'running',
    });
    await using monitor = await startE2eAgent({
      yaml: `
monitoring:
  interval_seconds: 1
  discovery: listed
  defaults:
    start_period_seconds: 0
  containers:
    - name: ${app.name}
healing:
  dry_run: true
`,
    });

    await crashContainer(app);
    const die = await engine.waitFor(app.id, 'die');
    const dryRun = await waitUntil('a dry-run healing result', () =>
      monitor.eventsFor('healing:result', app.name).find((event) => event.payload.result === 'dry_run'),
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${monitor.logText()}`);
    });
    // A real restart takes well under a second here; give the agent several full passes to err.
    await new Promise((resolve) => setTimeout(resolve, 3000));

    const info = await app.inspect();
    expect(info.State.Status).toBe('exited');
    expect(info.State.ExitCode).toBe(CRASH_EXIT_CODE);
    expect(engine.of(app.id, ['start']).filter((event) => event.timeNano > die.timeNano)).toEqual([]);

    const actions = await monitor.store.listHealingActions({ containerName: app.name });
    expect(actions.length).toBeGreaterThanOrEqual(1);
    expect(actions.every((action) => action.result === 'dry_run')).toBe(true);
    expect(actions[0]).toMatchObject({ action: 'restart_container', result: 'dry_run' });
    const incidents = await monitor.store.listIncidents({ containerName: app.name });
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ trigger: 'container_stopped', autoHealed: false });
    expect(incidents[0]!.status).not.toBe('resolved');
    reportFigure('dry run: die -> dry_run record', dryRun.at - die.time, 'ms');
    reportFigure('dry run: actions recorded in 3 s', actions.length);
    reportFigure('dry run: incident status', incidents[0]!.status);
    reportFigure('dry run: escalation reason', incidents[0]!.escalationReason ?? '(none)');
    reportFigure(
      'dry run: dry_run records at (ms after die)',
      actions.map((action) => action.startedAt - die.time).join(', '),
    );
  });
});
