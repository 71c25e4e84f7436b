import { ScriptedDiagnoser } from '@website-monitor/core/testing';
import { register as globalRegistry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiHarness, configFrom, startApiHarness } from '../api/api-harness.test-helper.js';
import { instrumentContainerRuntime } from './instrument-container-runtime.js';
import type { MonitorMetrics } from './monitor-metrics.js';

const harnesses: ApiHarness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((harness) => harness.close()));
});

async function harness(options: Parameters<typeof startApiHarness>[0] = {}): Promise<ApiHarness> {
  const started = await startApiHarness(options);
  harnesses.push(started);
  return started;
}

/** One sample's value from the exposition text, or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    if (line.slice(0, space) === series) return Number(line.slice(space + 1));
  }
  return undefined;
}

async function scrape(harness: ApiHarness): Promise<string> {
  const response = await harness.call('/metrics');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

describe('GET /metrics', () => {
  it('counts a crash and its heal with the seed series and the per-container ones', async () => {
    const h = await harness({ containers: ['web', 'db'] });
    h.runtime.setMemory('web', { usage: 300 * 1024 * 1024, limit: 1024 * 1024 * 1024 });
    await h.settle(31_000);
    h.runtime.crash('web', { exitCode: 1 });
    await h.settle();
    const during = await scrape(h);
    expect(sample(during, 'spartan_monitor_container_up{container="web"}')).toBe(1);
    expect(sample(during, 'spartan_monitor_open_incidents')).toBe(1);
    // Restarted, past its start period (5 s), then healthy for resolve_after_seconds (10 s).
    await h.settle(20_000);

    const text = await scrape(h);
    expect(sample(text, 'spartan_monitor_container_restarts_total{container="web"}')).toBe(1);
    expect(sample(text, 'spartan_monitor_container_restarts_total{container="db"}')).toBeUndefined();
    expect(
      sample(text, 'spartan_monitor_healing_actions_total{action="restart_container",result="succeeded"}'),
    ).toBe(1);
    expect(sample(text, 'spartan_monitor_healing_success_rate')).toBe(1);
    expect(sample(text, 'spartan_monitor_open_incidents')).toBe(0);
    expect(sample(text, 'spartan_monitor_escalations_total{container="web"}')).toBeUndefined();
    expect(sample(text, 'spartan_monitor_container_up{container="web"}')).toBe(1);
    expect(sample(text, 'spartan_monitor_container_health_status{container="web",status="healthy"}')).toBe(1);
    expect(sample(text, 'spartan_monitor_container_health_status{container="web",status="unhealthy"}')).toBe(
      0,
    );
    expect(
      sample(text, 'spartan_monitor_checks_total{container="web",result="unhealthy"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'spartan_monitor_checks_total{container="db",result="healthy"}'),
    ).toBeGreaterThanOrEqual(2);
    expect(
      sample(text, 'spartan_monitor_container_memory_working_set_bytes{container="web"}'),
    ).toBeGreaterThan(0);
    expect(sample(text, 'spartan_monitor_diagnosis_calls_total{source="rules"}')).toBe(1);
    expect(sample(text, 'spartan_monitor_docker_engine_connected')).toBe(1);
    expect(sample(text, 'spartan_monitor_pending_approvals')).toBe(0);
    expect(sample(text, 'spartan_monitor_uptime_seconds')).toBe(51);
    expect(text).toContain('# TYPE spartan_monitor_health_check_duration_seconds histogram');
    expect(text).toContain('# TYPE spartan_monitor_container_restarts_total counter');
  });

  it('drops every series of a container once it is removed, and keeps the others', async () => {
    const h = await harness({ containers: ['web', 'db'] });
    h.runtime.crash('web');
    await h.settle(10_000);
    const before = await scrape(h);
    expect(before).toContain('container="web"');
    expect(sample(before, 'spartan_monitor_container_restarts_total{container="web"}')).toBe(1);

    h.runtime.removeContainer('web');
    await h.settle();
    const after = await scrape(h);
    expect(after).not.toContain('container="web"');
    expect(sample(after, 'spartan_monitor_container_up{container="db"}')).toBe(1);
    // Totals that carry no container stay.
    expect(
      sample(after, 'spartan_monitor_healing_actions_total{action="restart_container",result="succeeded"}'),
    ).toBe(1);
  });

  it('counts a model diagnosis and its tokens', async () => {
    const config = configFrom(`
healing:
  auto_fix_actions: [restart_container]
  strategies:
    container_stopped:
      - action: diagnose_with_claude
`);
    const diagnoser = new ScriptedDiagnoser({
      name: 'claude',
      respond: {
        diagnosis: 'needs a person',
        recommendedAction: 'manual',
        urgency: 'high',
        confidence: 90,
        reasoning: 'config error in the logs',
        source: 'model',
        usage: { inputTokens: 1200, outputTokens: 80, cacheReadTokens: 1000 },
      },
    });
    const h = await harness({ config, agent: { diagnoser } });
    h.runtime.crash('web');
    await h.settle();
    const text = await scrape(h);
    expect(diagnoser.calls).toHaveLength(1);
    expect(sample(text, 'spartan_monitor_diagnosis_calls_total{source="model"}')).toBe(1);
    expect(sample(text, 'spartan_monitor_diagnosis_tokens_total{kind="input"}')).toBe(1200);
    expect(sample(text, 'spartan_monitor_diagnosis_tokens_total{kind="output"}')).toBe(80);
    expect(sample(text, 'spartan_monitor_diagnosis_tokens_total{kind="cache_read"}')).toBe(1000);
    expect(sample(text, 'spartan_monitor_diagnosis_calls_total{source="rules"}')).toBe(1);
  });

  it('counts an escalation when the restart budget is spent', async () => {
    const config = configFrom(`
monitoring:
  containers:
    - name: web
      max_restarts_per_hour: 1
`);
    const h = await harness({ config });
    h.runtime.crash('web');
    await h.settle(10_000);
    h.runtime.crash('web');
    await h.settle(10_000);
    const text = await scrape(h);
    expect(sample(text, 'spartan_monitor_container_restarts_total{container="web"}')).toBe(1);
    expect(sample(text, 'spartan_monitor_escalations_total{container="web"}')).toBe(1);
    expect(sample(text, 'spartan_monitor_open_incidents')).toBe(0);
    expect(sample(text, 'spartan_monitor_container_up{container="web"}')).toBe(0);
  });

  it('counts Docker API errors through instrumentContainerRuntime, and engine disconnects', async () => {
    let metrics: MonitorMetrics | undefined;
    const h = await harness({
      server: { token: 't0ken' },
      wrapRuntime: (runtime) =>
        instrumentContainerRuntime({
          runtime,
          onError: ({ operation }) => metrics?.countDockerApiError({ operation }),
        }),
    });
    metrics = h.server.api.metrics;
    // "No such container" is an answer, not an engine failure.
    expect((await h.post('/monitor/heal/ghost', { reason: 'x' }, 't0ken')).status).toBe(404);
    expect(await scrape(h)).not.toContain('spartan_monitor_docker_api_errors_total{');
    h.runtime.setReachable(false);
    await h.settle(31_000);
    const text = await scrape(h);
    expect(sample(text, 'spartan_monitor_docker_api_errors_total{operation="list"}')).toBeGreaterThanOrEqual(
      1,
    );
    expect(sample(text, 'spartan_monitor_docker_engine_connected')).toBe(0);
    expect(sample(text, 'spartan_monitor_docker_engine_disconnects_total')).toBe(1);
  });

  it('reports the spool depth and keeps its series out of the global registry', async () => {
    let rows = 3;
    const h = await harness({
      server: {
        spool: {
          pending: () => ({
            rows,
            bytes: rows * 100,
            oldestAt: rows > 0 ? h.clock.now() - 90_000 : null,
            droppedHealthSamples: 7,
          }),
        },
      },
    });
    const text = await scrape(h);
    expect(sample(text, 'spartan_monitor_spool_pending_rows')).toBe(3);
    expect(sample(text, 'spartan_monitor_spool_pending_bytes')).toBe(300);
    expect(sample(text, 'spartan_monitor_spool_oldest_age_seconds')).toBe(90);
    expect(sample(text, 'spartan_monitor_spool_dropped_health_samples_total')).toBe(7);
    rows = 0;
    const drained = await scrape(h);
    expect(sample(drained, 'spartan_monitor_spool_pending_rows')).toBe(0);
    expect(sample(drained, 'spartan_monitor_spool_oldest_age_seconds')).toBe(0);
    expect(sample(drained, 'spartan_monitor_spool_dropped_health_samples_total')).toBe(7);
    expect(await globalRegistry.getSingleMetric('spartan_monitor_uptime_seconds')).toBeUndefined();
    // A scrape reads memory only: no engine call.
    const calls = h.runtime.calls.length;
    await scrape(h);
    expect(h.runtime.calls.length).toBe(calls);
  });
});
