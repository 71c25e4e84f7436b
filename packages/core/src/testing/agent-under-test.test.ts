import { describe, expect, it } from 'vitest';
import { defineHealingStrategy } from '../heal/strategy-registry.js';
import { systemClock } from '../ports/clock.js';
import { startAgentUnderTest } from './agent-under-test.js';
import { FakeContainerRuntime } from './fake-container-runtime.js';

/**
 * A fake engine with the given containers, running, on real time as a real engine is: nothing
 * waits for a fake clock to be moved (a `FakeClock` works too, moved by the test).
 */
function engine(...names: string[]) {
  const clock = systemClock;
  const runtime = new FakeContainerRuntime({ clock });
  for (const name of names) runtime.addContainer({ name });
  return { clock, runtime };
}

/**
 * A restarted container counts as healthy at its first check: a stop right after a restart then
 * settles the incident at once instead of waiting out the start period (5 s by default).
 */
const noStartPeriod = 'monitoring:\n  defaults:\n    start_period_seconds: 0\n';

/** The ids of the containers each `method` call of the fake acted on. */
function actedOn(runtime: FakeContainerRuntime, ...methods: ('restart' | 'start' | 'exec')[]): string[] {
  return methods.flatMap((method) => runtime.callsOf(method).map((call) => (call.args as { id: string }).id));
}

describe('startAgentUnderTest', () => {
  it('waits for the restart of a crashed container and reports its incident and action', async () => {
    const { clock, runtime } = engine('web');
    await using agent = await startAgentUnderTest({
      runtime,
      clock,
      containers: ['web'],
      config: noStartPeriod,
    });

    runtime.crash('web', { exitCode: 3 });
    const result = await agent.waitFor('healing:result', (action) => action.containerName === 'web');

    expect(result).toMatchObject({ action: 'restart_container', result: 'succeeded' });
    expect(actedOn(runtime, 'restart')).toEqual([runtime.idOf('web')]);
    expect(runtime.state('web')).toBe('running');
    const [incident] = agent.incidents('web');
    expect(incident).toMatchObject({ trigger: 'container_stopped', exitCode: 3 });
    expect(incident?.actionsTaken).toEqual(['restart_container']);
    expect(agent.actions('web').map((action) => [action.action, action.result])).toEqual([
      ['restart_container', 'succeeded'],
    ]);
    expect(agent.incidents('another')).toEqual([]);
    // The events are kept in order, with their position.
    const names = agent.events.map((event) => event.name);
    expect(names.indexOf('incident:opened')).toBeLessThan(names.indexOf('healing:attempt'));
    expect(names.indexOf('healing:attempt')).toBeLessThan(names.indexOf('healing:result'));
    expect(agent.events.map((event) => event.index)).toEqual(names.map((_, index) => index));
  });

  it('counts an event that came before the call, and waits for a later one with `since`', async () => {
    const { clock, runtime } = engine('web', 'worker');
    await using agent = await startAgentUnderTest({
      runtime,
      clock,
      containers: ['web', 'worker'],
      config: noStartPeriod,
    });
    runtime.crash('web', { exitCode: 3 });
    await agent.waitFor('healing:result');
    await agent.agent.idle();

    // Already recorded: resolves at once, however short the timeout.
    const first = await agent.waitFor('healing:result', undefined, { timeoutMs: 1 });
    expect(first.containerName).toBe('web');
    const mark = agent.events.length;
    runtime.crash('worker', { exitCode: 4 });
    const second = await agent.waitFor('healing:result', undefined, { since: mark });

    expect(second.containerName).toBe('worker');
    expect(agent.actions().map((action) => action.containerName)).toEqual(['web', 'worker']);
    expect(actedOn(runtime, 'restart')).toEqual([runtime.idOf('web'), runtime.idOf('worker')]);
  });

  it('rejects a wait that times out with the events that did arrive and the containers watched', async () => {
    const { clock, runtime } = engine('web');
    await using agent = await startAgentUnderTest({
      runtime,
      clock,
      containers: ['web', 'api'],
      config: noStartPeriod,
    });
    runtime.crash('web', { exitCode: 3 });
    await agent.waitFor('healing:result');

    const started = performance.now();
    const wait = agent.waitFor('healing:result', (action) => action.containerName === 'api', {
      timeoutMs: 100,
    });
    await expect(wait).rejects.toThrow(
      "waitFor('healing:result') timed out after 100 ms: no 'healing:result' event that matches the predicate arrived.",
    );
    expect(performance.now() - started).toBeLessThan(2_000);
    const message = await wait.catch((error: Error) => error.message);
    expect(message).toMatch(/^ {2}#\d+ engine:connection connected$/m);
    expect(message).toMatch(/^ {2}#\d+ incident:opened web: container_stopped, open$/m);
    expect(message).toMatch(/^ {2}#\d+ healing:result web: restart_container succeeded$/m);
    expect(message).toContain('The agent checks: web.');
    // A name the engine does not have is the usual reason a wait never ends.
    expect(message).toContain('Named but not on the engine: api.');
  });

  it('rejects a wait whose predicate throws with its error', async () => {
    const { clock, runtime } = engine('web');
    await using agent = await startAgentUnderTest({
      runtime,
      clock,
      containers: ['web'],
      config: noStartPeriod,
    });
    runtime.crash('web');
    const wait = agent.waitFor('incident:opened', () => {
      throw new Error('predicate bug');
    });
    await expect(wait).rejects.toThrow('predicate bug');
  });

  it('stops the agent when disposed, and ends the waits still pending', async () => {
    const { clock, runtime } = engine('web');
    let pending: Promise<unknown> | undefined;
    let agentRunning: () => boolean = () => true;
    {
      await using agent = await startAgentUnderTest({
        runtime,
        clock,
        containers: ['web'],
        config: noStartPeriod,
      });
      agentRunning = () => agent.agent.health().running;
      expect(agentRunning()).toBe(true);
      expect(runtime.openEventStreams).toBe(1);
      pending = agent.waitFor('incident:opened', undefined, { timeoutMs: 60_000 });
    }

    expect(agentRunning()).toBe(false);
    expect(runtime.openEventStreams).toBe(0);
    await expect(pending).rejects.toThrow("no 'incident:opened' event: the agent under test was stopped");
    // Nothing watches the engine any more.
    runtime.crash('web');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(actedOn(runtime, 'restart')).toEqual([]);
  });

  it('stops once, however often it is asked, and refuses new waits after', async () => {
    const { clock, runtime } = engine('web');
    const agent = await startAgentUnderTest({ runtime, clock, containers: ['web'], config: noStartPeriod });
    await Promise.all([agent.stop(), agent.stop(), agent[Symbol.asyncDispose]()]);
    expect(agent.logger.find('agent_stopped')).toHaveLength(1);
    await expect(agent.waitFor('healing:result')).rejects.toThrow('the agent under test was stopped');
  });

  it('leaves the containers the test does not name alone, whatever discovery the config says', async () => {
    const { clock, runtime } = engine('web', 'database', 'other-project');
    await using agent = await startAgentUnderTest({
      runtime,
      clock,
      containers: ['web'],
      config: `${noStartPeriod}  discovery: all\n`,
    });
    expect(agent.config.monitoring.discovery).toBe('listed');
    expect(agent.config.monitoring.containers.map((entry) => entry.name)).toEqual(['web']);

    runtime.crash('database', { exitCode: 1 });
    runtime.crash('other-project', { oomKilled: true });
    runtime.crash('web', { exitCode: 3 });
    await agent.waitFor('healing:result', (action) => action.containerName === 'web');
    // A full pass too, as the periodic one would make.
    await agent.agent.checkAll();
    await agent.agent.idle();

    expect(actedOn(runtime, 'restart', 'start', 'exec')).toEqual([runtime.idOf('web')]);
    expect(runtime.state('database')).toBe('exited');
    expect(runtime.state('other-project')).toBe('exited');
    const named = new Set(agent.events.map((event) => containerNameOf(event.payload)));
    expect(named).not.toContain('database');
    expect(named).not.toContain('other-project');
    const monitored = agent.agent.status().filter((container) => container.monitored);
    expect(monitored.map((container) => container.name)).toEqual(['web']);
  });

  it("with scope: 'config', the config's discovery decides", async () => {
    const { clock, runtime } = engine('web', 'database');
    await using agent = await startAgentUnderTest({
      runtime,
      clock,
      scope: 'config',
      config: `${noStartPeriod}  discovery: all\n`,
    });
    runtime.crash('database', { exitCode: 1 });
    await agent.waitFor('healing:result', (action) => action.containerName === 'database');
    expect(actedOn(runtime, 'restart')).toEqual([runtime.idOf('database')]);
  });

  it('refuses to start without a container to watch under the named scope', async () => {
    const { clock, runtime } = engine('web');
    await expect(startAgentUnderTest({ runtime, clock })).rejects.toThrow(
      "startAgentUnderTest: name the containers the agent may watch (containers: ['my-app']",
    );
    expect(runtime.callsOf('events')).toEqual([]);
  });

  it('takes a YAML config that names a plugin strategy', async () => {
    const { clock, runtime } = engine('web');
    const noop = defineHealingStrategy({
      name: 'say_hello',
      description: 'does nothing',
      restartsContainer: false,
      appliesTo: () => true,
      run: async () => ({ ok: true, detail: 'hello', changedContainer: false }),
    });
    await using agent = await startAgentUnderTest({
      runtime,
      clock,
      strategies: [noop],
      config: `
monitoring:
  containers:
    - name: web
healing:
  auto_fix_actions: [restart_container, say_hello]
`,
    });
    expect(agent.agent.strategyNames()).toContain('say_hello');
    expect(agent.config.healing.autoFixActions).toContain('say_hello');
  });
});

function containerNameOf(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  if ('containerName' in payload) return String(payload.containerName);
  if ('incident' in payload) return containerNameOf(payload.incident);
  return 'name' in payload ? String(payload.name) : undefined;
}
