import type { HealthVerdict } from '@website-monitor/core';
import { removeTestContainers, startTestContainer, testRunId } from '@website-monitor/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { recordEngineEvents } from './engine-events/engine-event-log.js';
import { startE2eAgent } from './harness/e2e-agent.js';
import { startFixedPortApp } from './harness/fixed-port-app.js';
import { reportFigure } from './harness/report-figure.js';
import { waitUntil } from './harness/wait-until.js';

afterAll(async () => {
  await removeTestContainers({ runId: testRunId });
});

describe('a running container that stops being healthy', () => {
  it('is restarted when its Docker HEALTHCHECK turns unhealthy (docker_unhealthy)', async () => {
    await using engine = await recordEngineEvents();
    await using app = await startTestContainer({
      purpose: 'e2e-docker-unhealthy',
      publishHttp: false,
      waitFor: 'running',
      healthcheck: { intervalMs: 500, retries: 1 },
    });
    await waitUntil('Docker to call it healthy', async () =>
      (await app.inspect()).State.Health?.Status === 'healthy' ? true : undefined,
    );
    // No health_endpoint: Docker's own HEALTHCHECK is the only evidence the agent gets.
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

    // The app's health mode file says "fail" until the next run, which starts with HEALTH_MODE=ok.
    await app.setHealth('fail');
    const unhealthy = await waitUntil('a health_status: unhealthy event', () =>
      engine.of(app.id, ['health_status']).find((event) => event.healthStatus === 'unhealthy'),
    );
    const restart = await waitUntil('the restart', () =>
      engine.of(app.id, ['start']).find((event) => event.timeNano > unhealthy.timeNano),
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${monitor.logText()}`);
    });
    const resolved = await waitUntil(
      'the incident to resolve',
      () => monitor.eventsFor('incident:resolved', app.name)[0]?.payload,
    );

    const info = await app.inspect();
    expect(info.State.Running).toBe(true);
    expect(info.State.Health?.Status).toBe('healthy');
    expect(Date.parse(info.State.StartedAt)).toBeGreaterThanOrEqual(unhealthy.time);

    expect(resolved.autoHealed).toBe(true);
    const incidents = await monitor.store.listIncidents({ containerName: app.name });
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({
      trigger: 'docker_unhealthy',
      status: 'resolved',
      autoHealed: true,
      actionsTaken: ['restart_container'],
    });
    const actions = await monitor.store.listHealingActions({ containerName: app.name });
    expect(actions.map((action) => [action.action, action.result])).toEqual([
      ['restart_container', 'succeeded'],
    ]);
    reportFigure(
      'docker_unhealthy: health_status unhealthy -> start',
      Number(restart.timeNano - unhealthy.timeNano) / 1e6,
      'ms',
    );
    reportFigure(
      'docker_unhealthy: incident open -> resolved',
      incidents[0]!.resolvedAt! - incidents[0]!.openedAt,
      'ms',
    );
  });

  it('is restarted only after failure_threshold failed HTTP probes, and answers /health 200 after', async () => {
    await using engine = await recordEngineEvents();
    await using app = await startFixedPortApp({ purpose: 'e2e-http-500' });
    await using monitor = await startE2eAgent({
      yaml: `
monitoring:
  interval_seconds: 60
  discovery: listed
  defaults:
    start_period_seconds: 0
    check_interval_seconds: 1
    # Kubelet's timing (failures confirmed a whole period apart), so the threshold is visible in time.
    confirm_interval_seconds: 1
    failure_threshold: 3
  containers:
    - name: ${app.name}
      health_endpoint: "${app.url('/health')}"
healing:
  # Resolved after 1 s of health instead of the default 10 s, so the test stays short.
  resolve_after_seconds: 1
`,
    });
    const probed = (event: { payload: HealthVerdict }) => event.payload.metrics.httpStatus !== undefined;
    await waitUntil('a first good probe', () =>
      monitor.eventsFor('check:completed', app.name).find((event) => probed(event) && event.payload.healthy),
    );

    const failingSince = Date.now();
    // The app's /control/fail switches /health to 500 until its next run (which starts as ok).
    expect((await fetch(app.url('/control/fail'))).status).toBe(200);
    const attempt = await waitUntil(
      'the restart attempt',
      () => monitor.eventsFor('healing:attempt', app.name)[0],
      { timeoutMs: 45_000 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${monitor.logText()}`);
    });
    const failedProbes = monitor
      .eventsFor('check:completed', app.name)
      .filter((event) => event.at <= attempt.at && event.payload.metrics.httpStatus === 500);
    const failedChecks = monitor
      .eventsFor('check:failed', app.name)
      .filter((event) => event.at <= attempt.at);
    expect(failedProbes.length).toBeGreaterThanOrEqual(3);
    // Below the threshold a failed probe is not yet a failed check: only the third one is.
    expect(failedProbes.slice(0, 2).every((event) => event.payload.status === 'healthy')).toBe(true);
    expect(failedChecks.length).toBeGreaterThanOrEqual(1);
    expect(failedChecks[0]!.at).toBeGreaterThanOrEqual(failedProbes[2]!.at);
    // Three probes one check_interval apart cannot fit in less than two intervals.
    expect(attempt.at - failedProbes[0]!.at).toBeGreaterThanOrEqual(1800);

    const resolved = await waitUntil(
      'the incident to resolve',
      () => monitor.eventsFor('incident:resolved', app.name)[0]?.payload,
    );
    expect(resolved.autoHealed).toBe(true);
    const resolvedAt = monitor.eventsFor('incident:resolved', app.name)[0]!.at;
    const lastCheckBeforeResolve = monitor
      .eventsFor('check:completed', app.name)
      .filter((event) => event.at <= resolvedAt)
      .at(-1);
    reportFigure(
      'http 500: check that resolved the incident',
      JSON.stringify({
        status: lastCheckBeforeResolve?.payload.status,
        httpStatus: lastCheckBeforeResolve?.payload.metrics.httpStatus,
      }),
    );
    const response = await fetch(app.url('/health'));
    expect(response.status).toBe(200);
    const info = await app.inspect();
    expect(info.State.Running).toBe(true);
    expect(Date.parse(info.State.StartedAt)).toBeGreaterThanOrEqual(failingSince);
    expect(engine.of(app.id, ['start'])).toHaveLength(2);

    const incidents = await monitor.store.listIncidents({ containerName: app.name });
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ trigger: 'http_failed', status: 'resolved', autoHealed: true });
    const actions = await monitor.store.listHealingActions({ containerName: app.name });
    expect(actions.map((action) => [action.action, action.result])).toEqual([
      ['restart_container', 'succeeded'],
    ]);
    const probeTimes = monitor
      .eventsFor('check:completed', app.name)
      .filter((event) => event.at <= attempt.at && probed(event))
      .map((event) => event.at);
    reportFigure(
      'http 500: gaps between probes',
      probeTimes
        .slice(1)
        .map((at, index) => `${at - probeTimes[index]!} ms`)
        .join(', '),
    );
    reportFigure('http 500: failed probes before the restart', failedProbes.length);
    reportFigure('http 500: first failed probe -> restart attempt', attempt.at - failedProbes[0]!.at, 'ms');
    reportFigure('http 500: set-health fail -> restart attempt', attempt.at - failingSince, 'ms');
  });
});
