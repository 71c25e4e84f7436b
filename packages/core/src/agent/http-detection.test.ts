import { afterEach, describe, expect, it } from 'vitest';
import type { MonitorConfig } from '../config/monitor-config.js';
import { parseMonitorConfig } from '../config/parse-monitor-config.js';
import type { Incident } from '../domain/incident.js';
import type { FakeHttpAnswer } from '../testing/index.js';
import { FakeClock, FakeContainerRuntime, FakeHttpProber, MemoryStore } from '../testing/index.js';
import { WebsiteMonitorAgent } from './website-monitor-agent.js';

// HTTP failures at the default probe settings, end to end through the agent on a fake clock:
// the probe schedule (3 s period, 0.5 s confirmations), the probe-only checks between full checks,
// and the timeout learned from the endpoint's own response time.

const url = 'http://127.0.0.1:8080/health';
const agents: WebsiteMonitorAgent[] = [];

afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
});

/** How the endpoint answers now: a status, or no answer within the probe's timeout. */
type Endpoint = { status: number; delayMs?: number } | 'hang';

async function watchedEndpoint(options: { config?: MonitorConfig; store?: MemoryStore } = {}) {
  const config =
    options.config ??
    parseMonitorConfig({
      env: {},
      text: `monitoring:\n  containers:\n    - name: web\n      health_endpoint: ${url}\n`,
    });
  const clock = new FakeClock();
  const runtime = new FakeContainerRuntime({ clock });
  const prober = new FakeHttpProber();
  const store = options.store ?? new MemoryStore();
  let endpoint: Endpoint = { status: 200, delayMs: 20 };
  const probes: number[] = [];
  prober.respond(url, async ({ timeoutMs, signal }): Promise<FakeHttpAnswer> => {
    probes.push(clock.now());
    const now = endpoint;
    const delayMs = now === 'hang' ? Number.POSITIVE_INFINITY : (now.delayMs ?? 5);
    try {
      await clock.sleep(Math.min(delayMs, timeoutMs), signal);
    } catch {
      // The agent is stopping: answer as the real prober does when its signal aborts.
      return { error: 'aborted' };
    }
    if (delayMs >= timeoutMs) return { timeout: true };
    return { status: now === 'hang' ? 0 : now.status, responseTimeMs: delayMs };
  });
  runtime.addContainer({ name: 'web' });
  const agent = new WebsiteMonitorAgent({ config, runtime, prober, clock, store, random: () => 0.5 });
  agents.push(agent);
  const opened: { at: number; incident: Incident }[] = [];
  agent.on('incident:opened', (incident) => opened.push({ at: clock.now(), incident }));
  await agent.start();
  // Runs the agent for `ms` of fake time, 10 ms at a time (probes answer within that).
  const run = async (ms: number) => {
    const until = clock.now() + ms;
    while (clock.now() < until) await clock.advance(10);
  };
  return {
    clock,
    runtime,
    probes,
    opened,
    run,
    set(next: Endpoint) {
      endpoint = next;
    },
  };
}

/** Moves to just after a probe, so the next one is a whole period away: the worst phase. */
async function justAfterAProbe(watched: Awaited<ReturnType<typeof watchedEndpoint>>) {
  const count = watched.probes.length;
  while (watched.probes.length === count) await watched.run(10);
  await watched.run(30);
}

describe('HTTP failure detection through the agent, default settings', () => {
  it.each([500, 429])(
    'opens the incident for a %i within a probe period plus two confirmations',
    async (status) => {
      const watched = await watchedEndpoint();
      await watched.run(20_000);
      await justAfterAProbe(watched);
      const switchedAt = watched.clock.now();
      watched.set({ status });
      await watched.run(10_000);
      expect(watched.opened).toHaveLength(1);
      const detectionMs = watched.opened[0]!.at - switchedAt;
      // 3 s to the next probe, two confirmations 0.5 s apart, each found by a 250 ms tick at worst.
      expect(detectionMs).toBeGreaterThan(2_900);
      expect(detectionMs).toBeLessThanOrEqual(3_000 + 2 * 500 + 3 * 250 + 100);
      expect(watched.opened[0]!.incident.problems[0]!.message).toBe(
        `HTTP ${status} from ${url} (3 checks in a row)`,
      );
    },
  );

  it('does not open an incident for one answer that never came', async () => {
    const watched = await watchedEndpoint();
    await watched.run(20_000);
    await justAfterAProbe(watched);
    watched.set('hang');
    const count = watched.probes.length;
    while (watched.probes.length === count) await watched.run(10);
    // Only that one request hangs: the next probes answer at once.
    watched.set({ status: 200, delayMs: 20 });
    await watched.run(60_000);
    expect(watched.opened).toEqual([]);
  });

  it('sends one probe per period, also when a probe takes longer than a tick', async () => {
    const watched = await watchedEndpoint();
    watched.set({ status: 200, delayMs: 400 });
    await watched.run(1_000);
    const before = watched.probes.length;
    await watched.run(30_000);
    expect(watched.probes.length - before).toBeGreaterThanOrEqual(9);
    expect(watched.probes.length - before).toBeLessThanOrEqual(11);
  });

  it('probes without an inspect while events flow, and reads stats every check interval', async () => {
    const watched = await watchedEndpoint();
    await watched.run(1_000);
    const probesBefore = watched.probes.length;
    const inspectsBefore = watched.runtime.callsOf('inspect').length;
    const statsBefore = watched.runtime.callsOf('stats').length;
    await watched.run(60_000);
    // A probe every 3 s; stats every 10 s; inspects only in the 30 s full pass.
    expect(watched.probes.length - probesBefore).toBeGreaterThanOrEqual(19);
    expect(watched.runtime.callsOf('stats').length - statsBefore).toBeLessThanOrEqual(7);
    expect(watched.runtime.callsOf('inspect').length - inspectsBefore).toBeLessThanOrEqual(3);
  });
});

describe('a hanging endpoint', () => {
  it('is judged from its own learned response time once the baseline is warm', async () => {
    const store = new MemoryStore();
    // What ten minutes of 20 ± 3 ms answers taught an earlier run of the agent.
    await store.saveBaselines({
      baselines: [
        {
          host: 'local',
          containerName: 'web',
          image: 'example/app:1',
          metric: 'response_time_ms',
          mean: 20,
          variance: 9,
          samples: 200,
          updatedAt: Date.UTC(2026, 0, 1),
        },
      ],
    });
    const watched = await watchedEndpoint({ store });
    await watched.run(20_000);
    await justAfterAProbe(watched);
    const switchedAt = watched.clock.now();
    watched.set('hang');
    await watched.run(20_000);
    expect(watched.opened).toHaveLength(1);
    const detectionMs = watched.opened[0]!.at - switchedAt;
    // The next probe within 3 s, then three probes cut at 1 s: far inside the 10 s timeout.
    expect(detectionMs).toBeLessThanOrEqual(3_000 + 3 * 1_000 + 3 * 250 + 100);
    expect(watched.opened[0]!.incident.problems[0]!.message).toBe(
      `no response from ${url}: no answer in 1.0 s; usually answers in 20 ms, so the 10 s timeout was not waited out (3 checks in a row)`,
    );
  });

  it('waits the whole timeout once without a baseline, then opens the incident within 2 s', async () => {
    const watched = await watchedEndpoint();
    await watched.run(20_000);
    await justAfterAProbe(watched);
    const switchedAt = watched.clock.now();
    watched.set('hang');
    await watched.run(30_000);
    expect(watched.opened).toHaveLength(1);
    const firstSilent = watched.probes.find((at) => at >= switchedAt)!;
    const sinceFirstSilent = watched.opened[0]!.at - firstSilent;
    expect(sinceFirstSilent).toBeGreaterThanOrEqual(10_000);
    expect(sinceFirstSilent).toBeLessThanOrEqual(10_000 + 2_000);
    expect(watched.opened[0]!.incident.problems[0]!.message).toMatch(
      /^no response from .*: still no answer in 0\.5 s, silent for 1\d(\.\d)? s in all \(timeout 10 s\) \(3 checks in a row\)$/,
    );
  });
});
