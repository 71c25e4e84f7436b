import { afterEach, describe, expect, it } from 'vitest';
import { names, stopStormAgents, storm as stormHarness } from './restart-storm.test-helper.js';

// Issue 12, item 5: a storm of crashes behind `max_concurrent_restarts`, storm slots switched off
// (`storm_concurrent_restarts` equal to it; restart-storm-slots.test.ts has them on). Each queued container is
// logged when it is queued and when its turn comes, never in between; it is woken by the queue
// when a slot frees (no re-decision at each check or full pass), dependencies and critical
// containers first, nobody starves, and the budget and the cap hold.

afterEach(stopStormAgents);

const storm = (options: Omit<Parameters<typeof stormHarness>[0], 'defaultHealing'>) =>
  stormHarness({
    defaultHealing: '  max_concurrent_restarts: 2\n  storm_concurrent_restarts: 2',
    ...options,
  });

describe('200 containers crashing at once behind max_concurrent_restarts: 2', () => {
  it('restarts each once, two at a time, and logs each queued container when queued and when it runs, not in between', async () => {
    const all = names(200);
    const h = storm({ containers: all.map((name) => ({ name })), restartMs: 500 });
    await h.agent.start();
    await h.agent.idle();
    for (const name of all) h.runtime.crash(name, { exitCode: 1 });
    // 200 restarts of 0.5 s two at a time take 50 s; the run covers two full passes (every 30 s)
    // and hundreds of probe ticks, each of which re-decided every waiting container before.
    await h.run(90_000);

    expect(h.restarts.map((restart) => restart.name).sort()).toEqual([...all].sort());
    expect(h.mostInFlight).toBe(2);
    const queued = h.logger.find('healing_queued');
    expect(queued).toHaveLength(198);
    expect(new Set(queued.map((entry) => entry.fields.container)).size).toBe(198);
    expect(queued[0]?.fields).toMatchObject({
      position: 1,
      action: 'restart_container',
      reason: expect.stringContaining('max_concurrent_restarts 2'),
    });
    expect(queued.at(-1)?.fields.position).toBe(198);
    expect(h.logger.find('healing_dequeued')).toHaveLength(198);
    // One decision per container, the one that acted; none while it waited, at any level.
    const decisions = h.logger.find('healing_decision');
    expect(decisions.filter((entry) => entry.fields.decision !== 'act')).toEqual([]);
    expect(decisions).toHaveLength(200);
    // O(N) lines in all: a fixed handful per container (check, incident, diagnosis, queued,
    // dequeued, decision, attempt, result, resolved), not thousands.
    const perContainer = new Map<string, number>();
    for (const entry of h.logger.entries) {
      if (entry.level === 'debug') continue;
      const container = String(entry.fields.container ?? '');
      perContainer.set(container, (perContainer.get(container) ?? 0) + 1);
    }
    expect(Math.max(...all.map((name) => perContainer.get(name) ?? 0))).toBeLessThanOrEqual(9);
    expect(h.logger.entries.filter((entry) => entry.level !== 'debug').length).toBeLessThan(10 * 200);
  }, 60_000);

  it('lets nobody starve: each waits no longer than the restarts queued ahead of it take', async () => {
    const all = names(200);
    const h = storm({ containers: all.map((name) => ({ name })), restartMs: 500 });
    await h.agent.start();
    await h.agent.idle();
    const crashedAt = h.clock.now();
    for (const name of all) h.runtime.crash(name, { exitCode: 1 });
    await h.run(90_000);

    // First come, first served among equals: the restarts go in the order of the crashes.
    expect(h.restarts.map((restart) => restart.name)).toEqual(all);
    const waits = h.logger.find('healing_dequeued').map((entry) => Number(entry.fields.waited_ms));
    // 198 waiting, two slots, 0.5 s each: the last waits 99 restarts' time, plus a tick's slack.
    expect(Math.max(...waits)).toBeLessThanOrEqual(99 * 500 + 250);
    expect(h.restarts.at(-1)!.at - crashedAt).toBeLessThanOrEqual(100 * 500 + 250);
  }, 60_000);
});

describe('the order of the restart line', () => {
  it('puts a dependency first, then critical containers, then the rest first come first served', async () => {
    const h = storm({
      containers: [
        ...names(5, 'web').map((name) => ({ name })),
        { name: 'db' },
        { name: 'api', critical: true, dependsOn: ['db'] },
        { name: 'payments', critical: true },
      ],
      // Longer than the 5 s start period, after which db counts as back and api may go.
      restartMs: 6_000,
      healing: '  max_concurrent_restarts: 1\n  storm_concurrent_restarts: 1',
    });
    await h.agent.start();
    await h.agent.idle();
    for (const name of [...names(5, 'web'), 'api', 'payments']) h.runtime.crash(name, { exitCode: 1 });
    await h.run(1_000);
    // db fails last, after everyone else is in line: it still goes first, since the critical api
    // needs it (restarting api before it would only fail again).
    h.runtime.crash('db', { exitCode: 1 });
    await h.run(120_000);

    const order = h.restarts.map((restart) => restart.name);
    expect(order).toHaveLength(8);
    // web-0 crashed first and found the slot free.
    expect(order[0]).toBe('web-0');
    expect(order[1]).toBe('db');
    expect(order.indexOf('db')).toBeLessThan(order.indexOf('api'));
    expect(new Set(order.slice(1, 4))).toEqual(new Set(['db', 'api', 'payments']));
    expect(order.slice(4)).toEqual(['web-1', 'web-2', 'web-3', 'web-4']);
    const dbQueued = h.logger.find('healing_queued').find((entry) => entry.fields.container === 'db');
    expect(dbQueued?.fields).toMatchObject({ position: 1, critical: false });
  });
});

describe('the budget and the cap in a storm of crash loops', () => {
  it('never runs more than max_concurrent_restarts at once and never spends more than max_restarts_per_hour', async () => {
    const all = names(30, 'loop');
    const h = storm({
      containers: all.map((name) => ({ name })),
      restartMs: 1_000,
      healing: '  max_concurrent_restarts: 3\n  storm_concurrent_restarts: 3',
      defaults: '    max_restarts_per_hour: 2',
      // Each run crashes again 2 s after its restart: a crash loop on every container.
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

    expect(h.mostInFlight).toBe(3);
    const perContainer = new Map<string, number>();
    for (const restart of h.restarts)
      perContainer.set(restart.name, (perContainer.get(restart.name) ?? 0) + 1);
    expect([...perContainer.keys()].sort()).toEqual([...all].sort());
    expect(Math.max(...perContainer.values())).toBe(2);
    const incidents = await h.store.listIncidents({});
    expect(incidents.filter((incident) => incident.status === 'escalated')).toHaveLength(30);
    // Still no decision logged while a container waited for a slot.
    const waits = h.logger.find('healing_decision').filter((entry) => entry.fields.decision === 'wait');
    expect(waits.filter((entry) => String(entry.fields.reason).includes('max_concurrent_restarts'))).toEqual(
      [],
    );
  }, 60_000);
});
