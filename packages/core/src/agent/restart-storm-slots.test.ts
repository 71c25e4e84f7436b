import { afterEach, describe, expect, it } from 'vitest';
import { names, stopStormAgents, storm as stormHarness } from './restart-storm.test-helper.js';

// Issue 12, item 5: the storm slots (`healing.storm_concurrent_restarts`, default 16) on, over the
// fake runtime and clock (the harness of restart-storm.test.ts, where they are off): a long line
// runs more restarts at once, up to the bound; a short one keeps `max_concurrent_restarts`; order,
// budget and the queued/dequeued lines hold.

afterEach(stopStormAgents);

const storm = (options: Omit<Parameters<typeof stormHarness>[0], 'defaultHealing'>) =>
  stormHarness({ defaultHealing: '  max_concurrent_restarts: 2', ...options });

describe('storm slots: 200 containers crashing at once with the defaults (2 steady, 16 in a storm)', () => {
  it('runs up to 16 restarts at once, each container once, logged when queued and when run, and far sooner than 2 at a time', async () => {
    const all = names(200);
    const h = storm({ containers: all.map((name) => ({ name })), restartMs: 500 });
    await h.agent.start();
    await h.agent.idle();
    const crashedAt = h.clock.now();
    for (const name of all) h.runtime.crash(name, { exitCode: 1 });
    await h.run(90_000);

    expect(h.restarts.map((restart) => restart.name).sort()).toEqual([...all].sort());
    expect(h.mostInFlight).toBe(16);
    // 2 at a time took 50 s (restart-storm.test.ts); 16 at a time about 200 / 16 x 0.5 s, plus the ramp.
    const lastAt = h.restarts.at(-1)!.at - crashedAt;
    expect(lastAt).toBeLessThanOrEqual(15_000);
    const queued = h.logger.find('healing_queued');
    const dequeued = h.logger.find('healing_dequeued');
    expect(queued.length).toBeGreaterThan(100);
    expect(new Set(queued.map((entry) => entry.fields.container)).size).toBe(queued.length);
    expect(dequeued.map((entry) => entry.fields.container).sort()).toEqual(
      queued.map((entry) => entry.fields.container).sort(),
    );
    const decisions = h.logger.find('healing_decision');
    expect(decisions.filter((entry) => entry.fields.decision !== 'act')).toEqual([]);
    expect(decisions).toHaveLength(200);
    // First come, first served among equals, in the storm slots too.
    expect(h.restarts.map((restart) => restart.name)).toEqual(all);
  }, 60_000);

  it('grows with the line: 20 crashes open fewer slots than 200, 4 crashes none beyond the steady 2', async () => {
    const peaks: number[] = [];
    for (const count of [4, 20, 200]) {
      const all = names(count);
      const h = storm({ containers: all.map((name) => ({ name })), restartMs: 500 });
      await h.agent.start();
      await h.agent.idle();
      for (const name of all) h.runtime.crash(name, { exitCode: 1 });
      await h.run(60_000);
      expect(h.restarts).toHaveLength(count);
      peaks.push(h.mostInFlight);
      await h.agent.stop();
    }
    expect(peaks[0]).toBe(2);
    expect(peaks[1]).toBeGreaterThan(2);
    expect(peaks[1]).toBeLessThan(16);
    expect(peaks[2]).toBe(16);
  }, 60_000);

  it('keeps a dependency and the critical containers ahead of the rest', async () => {
    const h = storm({
      containers: [
        ...names(60, 'web').map((name) => ({ name })),
        { name: 'db' },
        { name: 'api', critical: true, dependsOn: ['db'] },
      ],
      restartMs: 6_000,
      healing: '  max_concurrent_restarts: 1\n  storm_concurrent_restarts: 4',
    });
    await h.agent.start();
    await h.agent.idle();
    for (const name of [...names(60, 'web'), 'api']) h.runtime.crash(name, { exitCode: 1 });
    await h.run(1_000);
    h.runtime.crash('db', { exitCode: 1 });
    await h.run(300_000, 500);

    const order = h.restarts.map((restart) => restart.name);
    expect(order).toHaveLength(62);
    expect(h.mostInFlight).toBe(4);
    // web-0 found the slot free; db, which the critical api needs, is the next granted, before any web.
    expect(order[0]).toBe('web-0');
    expect(order[1]).toBe('db');
    expect(order.indexOf('db')).toBeLessThan(order.indexOf('api'));
    // api waits for db to be back (its start period), meanwhile the storm slots run webs; once db
    // is back api goes ahead of every web still in line.
    expect(order.indexOf('api')).toBeLessThan(order.indexOf('web-20'));
    expect(order.filter((name) => name.startsWith('web'))).toEqual(names(60, 'web'));
  }, 60_000);

  it('spends no more than max_restarts_per_hour in a crash-loop storm and never more than 16 at once', async () => {
    const all = names(100, 'loop');
    const h = storm({
      containers: all.map((name) => ({ name })),
      restartMs: 1_000,
      defaults: '    max_restarts_per_hour: 2',
      afterRestart: (name) => {
        void h.clock.sleep(2_000).then(() => {
          if (h.runtime.state(name) === 'running') h.runtime.crash(name, { exitCode: 1 });
        });
      },
    });
    await h.agent.start();
    await h.agent.idle();
    for (const name of all) h.runtime.crash(name, { exitCode: 1 });
    await h.run(30 * 60_000, 1_000);

    expect(h.mostInFlight).toBeLessThanOrEqual(16);
    expect(h.mostInFlight).toBeGreaterThan(2);
    const perContainer = new Map<string, number>();
    for (const restart of h.restarts)
      perContainer.set(restart.name, (perContainer.get(restart.name) ?? 0) + 1);
    expect([...perContainer.keys()].sort()).toEqual([...all].sort());
    expect(Math.max(...perContainer.values())).toBe(2);
    const incidents = await h.store.listIncidents({});
    expect(incidents.filter((incident) => incident.status === 'escalated')).toHaveLength(100);
  }, 120_000);
});
