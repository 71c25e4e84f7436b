import {
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

const dbStartPeriodSeconds = 3;

describe('an app whose dependency is down', () => {
  it('is restarted only after its dependency is back and healthy', async () => {
    await using engine = await recordEngineEvents();
    await using db = await startTestContainer({
      purpose: 'e2e-dep-db',
      behaviour: crashOnDemand,
      publishHttp: false,
      waitFor: 'running',
    });
    await using app = await startTestContainer({
      purpose: 'e2e-dep-app',
      behaviour: crashOnDemand,
      publishHttp: false,
      waitFor: 'running',
    });
    // db's start period keeps it "starting" (not healthy) for 3 s after the agent restarts it: the
    // window in which app, down as well, must wait instead of being restarted against a db that
    // cannot serve it yet.
    await using monitor = await startE2eAgent({
      yaml: `
monitoring:
  interval_seconds: 60
  discovery: listed
  defaults:
    start_period_seconds: 0
    check_interval_seconds: 1
  containers:
    - name: ${db.name}
      start_period_seconds: ${dbStartPeriodSeconds}
    - name: ${app.name}
      depends_on: [${db.name}]
healing:
  # Resolved after 1 s of health instead of the default 10 s, so the test stays short.
  resolve_after_seconds: 1
`,
    });
    await waitUntil(
      'both containers checked healthy',
      () =>
        [db.name, app.name].every((name) =>
          monitor.eventsFor('check:completed', name).some((event) => event.payload.healthy),
        ) || undefined,
      { timeoutMs: 30_000 },
    );

    await crashContainer(db);
    await crashContainer(app);
    const dbDie = await engine.waitFor(db.id, 'die');
    const appDie = await engine.waitFor(app.id, 'die');
    const failWithLog = (error: Error) => {
      throw new Error(`${error.message}\n${monitor.logText()}`);
    };
    await waitUntil(
      'both incidents to resolve',
      () =>
        (monitor.eventsFor('incident:resolved', db.name).length > 0 &&
          monitor.eventsFor('incident:resolved', app.name).length > 0) ||
        undefined,
      { timeoutMs: 60_000 },
    ).catch(failWithLog);

    const dbStart = engine.of(db.id, ['start']).find((event) => event.timeNano > dbDie.timeNano);
    const appStart = engine.of(app.id, ['start']).find((event) => event.timeNano > appDie.timeNano);
    expect(dbStart, 'db restarted').toBeDefined();
    expect(appStart, 'app restarted').toBeDefined();
    // Order on the engine: db first, and app not before db had been running for its start period.
    expect(appStart!.timeNano).toBeGreaterThan(dbStart!.timeNano);
    const dbStartToAppStartMs = Number(appStart!.timeNano - dbStart!.timeNano) / 1e6;
    expect(dbStartToAppStartMs).toBeGreaterThanOrEqual(dbStartPeriodSeconds * 1000);
    // db stayed up from its restart until app's restart: app never started against a dead db.
    expect(engine.of(db.id, ['die']).filter((event) => event.timeNano > dbStart!.timeNano)).toEqual([]);

    // Order in the agent's records: db's restart attempt before app's, and app waited on db.
    const attempts = monitor.events.filter((event) => event.name === 'healing:attempt');
    const attemptNames = attempts.map((event) => (event.payload as { containerName: string }).containerName);
    expect(attemptNames).toEqual([db.name, app.name]);
    const appWaits = monitor.logger
      .find('healing_decision')
      .filter((entry) => entry.fields.container === app.name && entry.fields.decision === 'wait');
    expect(appWaits.length).toBeGreaterThanOrEqual(1);
    expect(String(appWaits[0]!.fields.reason)).toContain(`depends on ${db.name}`);

    for (const container of [db, app]) {
      const info = await container.inspect();
      expect(info.State.Running, `${container.name} running`).toBe(true);
      const incidents = await monitor.store.listIncidents({ containerName: container.name });
      expect(incidents).toHaveLength(1);
      expect(incidents[0]).toMatchObject({
        status: 'resolved',
        autoHealed: true,
        actionsTaken: ['restart_container'],
      });
    }
    reportFigure('dependency: db die -> db start', Number(dbStart!.timeNano - dbDie.timeNano) / 1e6, 'ms');
    reportFigure(
      'dependency: app die -> app start',
      Number(appStart!.timeNano - appDie.timeNano) / 1e6,
      'ms',
    );
    reportFigure('dependency: db start -> app start', dbStartToAppStartMs, 'ms');
    reportFigure('dependency: app decisions to wait', appWaits.length);
  });
});
