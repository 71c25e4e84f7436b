import { openIncidentStatuses } from '@website-monitor/core';
import { removeTestContainers, startTestContainer, testRunId } from '@website-monitor/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { recordEngineEvents } from './engine-events/engine-event-log.js';
import { startE2eAgent } from './harness/e2e-agent.js';
import { reportFigure } from './harness/report-figure.js';
import { waitUntil } from './harness/wait-until.js';

afterAll(async () => {
  await removeTestContainers({ runId: testRunId });
});

const leftAloneForMs = 10_000;

describe('a container a person stopped', () => {
  it('stays stopped for 10 s and leaves no incident open', async () => {
    await using engine = await recordEngineEvents();
    await using app = await startTestContainer({
      purpose: 'e2e-operator-stop',
      publishHttp: false,
      waitFor: 'running',
    });
    await using monitor = await startE2eAgent({
      yaml: `
monitoring:
  interval_seconds: 2
  discovery: listed
  defaults:
    start_period_seconds: 0
    check_interval_seconds: 1
  containers:
    - name: ${app.name}
`,
    });
    await waitUntil('a healthy check', () =>
      monitor.eventsFor('check:completed', app.name).find((event) => event.payload.healthy),
    );

    // What `docker stop` does: POST /containers/{id}/stop (dockerode container.stop).
    await app.stop({ timeoutSeconds: 5 });
    const stop = await engine.waitFor(app.id, 'stop');
    // Several full passes (every 2 s) and event-driven checks happen in this time.
    await new Promise((resolve) => setTimeout(resolve, leftAloneForMs));

    const info = await app.inspect();
    expect(info.State.Status).toBe('exited');
    expect(engine.of(app.id, ['start']).filter((event) => event.timeNano > stop.timeNano)).toEqual([]);
    expect(monitor.eventsFor('healing:attempt', app.name)).toEqual([]);
    const open = await monitor.store.listIncidents({
      containerName: app.name,
      statuses: openIncidentStatuses,
    });
    expect(open).toEqual([]);
    const verdict = monitor.agent.status().find((status) => status.name === app.name)?.verdict;
    expect(verdict?.status).toBe('stopped_by_operator');
    const checksAfterStop = monitor
      .eventsFor('check:completed', app.name)
      .filter((event) => event.at >= stop.time);
    expect(checksAfterStop.length).toBeGreaterThanOrEqual(3);
    reportFigure('operator stop: checks while stopped', checksAfterStop.length);
    reportFigure(
      'operator stop: what the agent logged about it',
      monitor.logger.entries
        .filter((entry) => entry.fields.container === app.name && entry.event !== 'check_failed')
        .map(
          (entry) =>
            `${entry.event}${entry.fields.action ? `(${entry.fields.action}${entry.fields.cause ? `:${entry.fields.cause}` : ''})` : ''}${entry.fields.decision ? `=${entry.fields.decision}` : ''}`,
        )
        .join(' '),
    );
    reportFigure(
      'operator stop: incidents recorded',
      JSON.stringify((await monitor.store.listIncidents({ containerName: app.name })).map((i) => i.status)),
    );
  });
});
