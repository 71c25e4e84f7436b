import { afterEach, describe, expect, it } from 'vitest';
import { parseMonitorConfig } from '../config/parse-monitor-config.js';
import { FakeClock, FakeContainerRuntime, FakeHttpProber, MemoryStore } from '../testing/index.js';
import { WebsiteMonitorAgent } from './website-monitor-agent.js';

// Issue 12, item 5: what one agent asks of the engine while it watches hundreds of idle
// containers. Stats readings stay within max_concurrent_checks (each one in flight held a socket
// to the engine), and the periodic full pass lists instead of inspecting containers the event
// stream already keeps current.

const agents: WebsiteMonitorAgent[] = [];

afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
});

function watching(count: number, monitoring = '', unmonitored = 0) {
  const names = Array.from({ length: count }, (_, index) => `idle-${index}`);
  const config = parseMonitorConfig({
    text: `monitoring:\n  discovery: listed\n${monitoring}  containers:\n${names.map((name) => `    - name: ${name}`).join('\n')}\n`,
    env: {},
  });
  const clock = new FakeClock();
  const runtime = new FakeContainerRuntime({ clock });
  for (const name of names) runtime.addContainer({ name });
  // Containers on the same host the configuration does not select (discovery: listed).
  for (let index = 0; index < unmonitored; index++) runtime.addContainer({ name: `other-${index}` });
  const agent = new WebsiteMonitorAgent({
    config,
    runtime,
    store: new MemoryStore(),
    prober: new FakeHttpProber(),
    clock,
  });
  agents.push(agent);
  return { names, clock, runtime, agent };
}

describe('an agent watching 200 idle containers', () => {
  it('keeps its stats readings within max_concurrent_checks, however many fall due together', async () => {
    const h = watching(200, '  max_concurrent_checks: 8\n');
    let inFlight = 0;
    let mostInFlight = 0;
    const { runtime } = h;
    const stats = runtime.stats.bind(runtime);
    // A reading the engine answers only after 2 s, as a loaded Docker 20.10 does.
    runtime.stats = async (options) => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      try {
        await h.clock.sleep(2_000);
        return await stats(options);
      } finally {
        inFlight--;
      }
    };
    await h.agent.start();
    for (let elapsed = 0; elapsed < 60_000; elapsed += 250) await h.clock.advance(250);

    expect(mostInFlight).toBe(8);
    // Queued, not dropped: the readings go on at the pace the engine allows (8 per 2 s here).
    expect(runtime.callsOf('stats').length).toBeGreaterThan(200);
  });

  it('does not inspect them again at each periodic pass while the event stream is connected', async () => {
    const h = watching(200);
    await h.agent.start();
    await h.agent.idle();
    // The passes at the start inspect each container: that is how it learns them.
    const atStart = h.runtime.callsOf('inspect').length;
    expect(atStart).toBeGreaterThanOrEqual(200);
    for (let elapsed = 0; elapsed < 95_000; elapsed += 250) await h.clock.advance(250);
    await h.agent.idle();
    // Three periodic passes later (every 30 s): listed three more times, inspected no more.
    expect(h.runtime.callsOf('list').length).toBeGreaterThanOrEqual(atStart / 200 + 3);
    expect(h.runtime.callsOf('inspect')).toHaveLength(atStart);
    // Each still read every 10 s.
    expect(h.runtime.callsOf('stats').length).toBeGreaterThanOrEqual(200 * 9);
  });

  it('still inspects at a pass what the events did not cover: a container that stopped running', async () => {
    const h = watching(20);
    await h.agent.start();
    await h.agent.idle();
    h.runtime.crash('idle-3', { exitCode: 1 });
    await h.agent.idle();
    const inspected = () =>
      h.runtime
        .callsOf('inspect')
        .filter((call) => (call.args as { id: string }).id === h.runtime.idOf('idle-3'));
    const before = inspected().length;
    for (let elapsed = 0; elapsed < 31_000; elapsed += 250) await h.clock.advance(250);
    await h.agent.idle();
    // Its incident is open: every pass looks at it for real.
    expect(inspected().length).toBeGreaterThan(before);
  });

  it('does not inspect the containers it does not monitor again at each pass, only when their list entry changes or every 5 minutes', async () => {
    const h = watching(5, '', 200);
    await h.agent.start();
    await h.agent.idle();
    const inspectsOf = (name: string) =>
      h.runtime.callsOf('inspect').filter((call) => (call.args as { id: string }).id === h.runtime.idOf(name))
        .length;
    // Learned once: they are in the status list (not monitored), and feed the dependency graph.
    expect(h.agent.status().filter((each) => !each.monitored)).toHaveLength(200);
    const atStart = h.runtime.callsOf('inspect').length;
    const otherAtStart = inspectsOf('other-7');
    expect(otherAtStart).toBeGreaterThanOrEqual(1);

    for (let elapsed = 0; elapsed < 95_000; elapsed += 250) await h.clock.advance(250);
    await h.agent.idle();
    // Three periodic passes: no inspect of any of the 200.
    expect(h.runtime.callsOf('inspect')).toHaveLength(atStart);

    // One that stops: its list entry changed, so the next pass inspects it (and only it).
    h.runtime.operatorStop('other-7');
    for (let elapsed = 0; elapsed < 31_000; elapsed += 250) await h.clock.advance(250);
    await h.agent.idle();
    expect(inspectsOf('other-7')).toBe(otherAtStart + 1);
    expect(h.runtime.callsOf('inspect')).toHaveLength(atStart + 1);
    expect(h.agent.status().find((each) => each.name === 'other-7')?.monitored).toBe(false);

    // What the list does not carry (networks, for the dependency graph) is refreshed every 5 minutes.
    for (let elapsed = 0; elapsed < 300_000; elapsed += 1_000) await h.clock.advance(1_000);
    await h.agent.idle();
    expect(inspectsOf('other-3')).toBe(2);
    expect(h.runtime.callsOf('inspect').length).toBeLessThanOrEqual(atStart + 1 + 200 + 200);
  });
});
