import { randomBytes } from 'node:crypto';
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

/** The labels `docker compose up` writes, for a project started from `workingDir`. */
function composeLabels(project: string, service: string, workingDir: string, dependsOn?: string) {
  return {
    'com.docker.compose.project': project,
    'com.docker.compose.service': service,
    'com.docker.compose.project.working_dir': workingDir,
    'com.docker.compose.project.config_files': `${workingDir}/compose.yaml`,
    'com.docker.compose.oneoff': 'False',
    ...(dependsOn === undefined ? {} : { 'com.docker.compose.depends_on': dependsOn }),
  };
}

// Issue 10, item 2: a container anyone can start with a project's labels held that project's
// crashing app in "wait for dependency" (19 waits in 30 s, no restart).
describe("a stranger with a Compose project's labels", () => {
  it('does not hold the crashing app of that project: the app is restarted at once', async () => {
    const project = `wm-it-${randomBytes(3).toString('hex')}`;
    await using engine = await recordEngineEvents();
    await using db = await startTestContainer({
      purpose: 'stranger-db',
      publishHttp: false,
      waitFor: 'running',
      labels: composeLabels(project, 'db', `/srv/${project}`),
    });
    await using app = await startTestContainer({
      purpose: 'stranger-app',
      behaviour: crashOnDemand,
      publishHttp: false,
      waitFor: 'running',
      labels: composeLabels(project, 'app', `/srv/${project}`, 'db:service_healthy:false'),
    });
    // Never healthy (its own HEALTHCHECK fails), same project and service as the real db, but
    // started from another directory.
    await using stranger = await startTestContainer({
      purpose: 'stranger',
      behaviour: { healthMode: 'fail' },
      publishHttp: false,
      waitFor: 'running',
      healthcheck: { intervalMs: 500, retries: 1 },
      labels: composeLabels(project, 'db', '/home/someone-else'),
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
    - name: ${db.name}
    - name: ${app.name}
    - name: ${stranger.name}
      # Left unhealthy: the agent must not heal it into health during the test.
      auto_restart: false
healing:
  resolve_after_seconds: 1
  # Were the stranger taken for the db, the app would wait this long.
  dependency_wait_seconds: 120
`,
    });
    const failWithLog = (error: Error) => {
      throw new Error(`${error.message}\n${monitor.logText()}`);
    };
    await waitUntil(
      'db and app checked healthy, the stranger unhealthy',
      () =>
        ([db.name, app.name].every((name) =>
          monitor.eventsFor('check:completed', name).some((event) => event.payload.healthy),
        ) &&
          monitor.eventsFor('check:completed', stranger.name).some((event) => !event.payload.healthy)) ||
        undefined,
      { timeoutMs: 30_000 },
    ).catch(failWithLog);

    await crashContainer(app);
    const appDie = await engine.waitFor(app.id, 'die');
    const appStart = await waitUntil(
      'the app restarted',
      () => engine.of(app.id, ['start']).find((event) => event.timeNano > appDie.timeNano),
      { timeoutMs: 30_000 },
    ).catch(failWithLog);

    const dieToStartMs = Number(appStart.timeNano - appDie.timeNano) / 1e6;
    // Far less than the 120 s the stranger would have held it.
    expect(dieToStartMs).toBeLessThan(20_000);
    const appWaits = monitor.logger
      .find('healing_decision')
      .filter((entry) => entry.fields.container === app.name && entry.fields.decision === 'wait');
    expect(appWaits).toEqual([]);
    const strangerStillUnhealthy = await stranger.inspect();
    expect(strangerStillUnhealthy.State.Health?.Status).toBe('unhealthy');
    expect(
      engine.of(stranger.id, ['restart', 'start']).filter((event) => event.timeNano > appDie.timeNano),
    ).toEqual([]);
    reportFigure('compose stranger: app die -> app start', dieToStartMs, 'ms');
  });
});
