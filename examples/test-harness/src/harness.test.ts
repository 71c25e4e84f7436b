import { afterEach, describe, expect, it } from 'vitest';
import { createHarness } from './harness.js';

// A team's own runbook, written as tests: what must the agent do to *our* stack?
const stack = `
monitoring:
  defaults: { check_interval_seconds: 5, start_period_seconds: 2 }
  containers:
    - name: payments
      health_endpoint: http://127.0.0.1:8080/health
      depends_on: [redis]
    - name: redis
healing:
  restart_dependents: true
`;

let harness: ReturnType<typeof createHarness>;

afterEach(async () => {
  await harness.agent.stop();
});

describe('payments stack runbook', () => {
  it('restarts redis first when it crashes, then payments that depends on it', async () => {
    harness = createHarness(stack);
    const { runtime, prober, agent, store, elapse } = harness;
    runtime.addContainer({ name: 'redis' });
    runtime.addContainer({ name: 'payments' });
    prober.respond('http://127.0.0.1:8080/health', { status: 200 });
    await agent.start();

    runtime.crash('redis', { exitCode: 137, oomKilled: true });
    // Redis is restarted at once; its incident resolves once it stayed healthy 10 s
    // (healing.resolve_after_seconds), and then payments, which depends on it, is restarted.
    await elapse(20_000);

    const restarted = runtime.callsOf('restart').map((call) => (call.args as { id: string }).id);
    expect(restarted).toEqual([runtime.idOf('redis'), runtime.idOf('payments')]);
    const incidents = await store.listIncidents({ containerName: 'redis' });
    expect(incidents[0]).toMatchObject({
      trigger: 'oom_killed',
      oomKilled: true,
      autoHealed: true,
      status: 'resolved',
    });
  });

  it('pages a person (escalation notification) when payments keeps crashing', async () => {
    harness = createHarness(
      stack.replace('depends_on: [redis]', 'depends_on: [redis]\n      max_restarts_per_hour: 2'),
    );
    const { runtime, prober, agent, notifier, elapse } = harness;
    runtime.addContainer({ name: 'redis' });
    runtime.addContainer({ name: 'payments' });
    prober.respond('http://127.0.0.1:8080/health', { status: 200 });
    await agent.start();

    for (let crash = 0; crash < 4; crash++) {
      runtime.crash('payments');
      await elapse(60_000);
    }

    expect(runtime.callsOf('restart')).toHaveLength(2);
    expect(notifier.kinds()).toContain('incident_escalated');
  });
});
