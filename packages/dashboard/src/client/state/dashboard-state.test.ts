import type { HealthVerdict, Incident } from '@website-monitor/core';
import { describe, expect, it } from 'vitest';
import { containerKey, DashboardState, historyLength } from './dashboard-state.js';

const verdict = (name: string, checkedAt: number, cpuPercent?: number): HealthVerdict => ({
  containerId: `id-${name}`,
  containerName: name,
  checkedAt,
  healthy: true,
  status: 'healthy',
  problems: [],
  metrics: {
    state: 'running',
    exitCode: null,
    oomKilled: false,
    dockerHealth: 'none',
    restartCount: 0,
    httpStatus: 200,
    responseTimeMs: 12,
    memoryBytes: 1000,
    memoryLimitBytes: 4000,
    memoryPercent: 25,
    cpuPercent,
  },
});

const incident = (status: Incident['status']): Incident => ({
  id: 'inc-1',
  host: 'h',
  containerId: 'id-web',
  containerName: 'web',
  trigger: 'container_stopped',
  problems: [],
  status,
  openedAt: 1,
  updatedAt: 1,
  resolvedAt: status === 'resolved' ? 2 : null,
  exitCode: 3,
  oomKilled: false,
  diagnosis: null,
  actionsTaken: status === 'resolved' ? ['restart_container'] : [],
  autoHealed: status === 'resolved',
  escalationReason: null,
});

const byName = (state: DashboardState, name: string) =>
  [...state.containers.values()].find((view) => view.name === name);

describe('DashboardState', () => {
  it('marks only the container a check was about, and a new container as a membership change', () => {
    const state = new DashboardState();
    state.loadStatus({ host: 'h', containers: [] });
    state.takeDirty();
    state.apply('check:completed', verdict('web', 10, 1.5));
    let dirty = state.takeDirty();
    expect([...dirty.containers]).toEqual([containerKey('h', 'web')]);
    expect(dirty.membership).toBe(true);
    state.apply('check:completed', verdict('web', 20, 2.5));
    dirty = state.takeDirty();
    expect(dirty.membership).toBe(false);
    expect(byName(state, 'web')?.history.map((point) => point.cpuPercent)).toEqual([1.5, 2.5]);
    expect(state.hasChanges).toBe(false);
  });

  it('keeps at most historyLength points, newest last', () => {
    const state = new DashboardState();
    for (let at = 1; at <= historyLength + 5; at++) state.apply('check:completed', verdict('web', at, at));
    const { history } = byName(state, 'web')!;
    expect(history).toHaveLength(historyLength);
    expect(history.at(-1)?.cpuPercent).toBe(historyLength + 5);
  });

  it('puts stored samples before the live points that arrived first, without doubling one', () => {
    const state = new DashboardState();
    for (const at of [1001, 1002, 1003]) state.apply('check:completed', verdict('web', at, at));
    state.loadHistory(containerKey('', 'web'), [
      { ...verdict('web', 500, 99), id: 's1', host: 'h' },
      { ...verdict('web', 1001, 98), id: 's2', host: 'h' },
    ]);
    const view = byName(state, 'web')!;
    expect(view.history.map((point) => [point.at, point.cpuPercent])).toEqual([
      [500, 99],
      [1001, 98],
      [1002, 1002],
      [1003, 1003],
    ]);
    expect(view.historyLoaded).toBe(true);
  });

  it('follows an incident from open to resolved on its container, and keeps the actions seen', () => {
    const state = new DashboardState();
    state.apply('check:completed', verdict('web', 1));
    state.apply('incident:opened', incident('open'));
    expect(byName(state, 'web')?.incident?.id).toBe('inc-1');
    state.apply('healing:attempt', {
      id: 'a1',
      incidentId: 'inc-1',
      action: 'restart_container',
      result: 'pending',
    });
    state.apply('healing:result', {
      id: 'a1',
      incidentId: 'inc-1',
      action: 'restart_container',
      result: 'succeeded',
    });
    state.apply('incident:resolved', incident('resolved'));
    expect(byName(state, 'web')?.incident).toBeNull();
    const resolved = state.incidents.get('inc-1')!;
    expect(state.actionsOf(resolved)).toEqual([
      { id: 'a1', incidentId: 'inc-1', action: 'restart_container', result: 'succeeded' },
    ]);
    expect(new DashboardState().actionsOf(resolved)).toEqual([{ action: 'restart_container' }]);
    expect(state.takeDirty().incidents).toBe(true);
  });

  it('takes the critical flag from the status snapshot; a change of it reorders the grid', () => {
    const line = (name: string, critical?: boolean) => ({
      id: `id-${name}`,
      name,
      monitored: true,
      state: 'running',
      health: 'healthy',
      lastCheckAt: 1,
      verdict: null,
      incident: null,
      restartsLeft: 3,
      ...(critical === undefined ? {} : { critical }),
    });
    const state = new DashboardState();
    state.loadStatus({ host: 'h', containers: [line('web'), line('api', true), line('db', false)] });
    expect([...state.containers.values()].map((view) => [view.name, view.critical])).toEqual([
      ['web', false],
      ['api', true],
      ['db', false],
    ]);
    state.takeDirty();
    state.loadStatus({ host: 'h', containers: [line('web'), line('api', true), line('db', false)] });
    expect(state.takeDirty().membership).toBe(false);
    state.loadStatus({ host: 'h', containers: [line('web', true), line('api', true), line('db', false)] });
    expect(state.takeDirty().membership).toBe(true);
    expect(byName(state, 'web')?.critical).toBe(true);
  });

  it('asks for a status snapshot once after a container appears through an event', () => {
    const state = new DashboardState();
    state.loadStatus({ host: 'h', containers: [] });
    expect(state.takeUnlisted()).toBe(false);
    state.apply('check:completed', verdict('new-app', 1));
    state.apply('check:completed', verdict('other-app', 1));
    expect(byName(state, 'new-app')?.critical).toBe(false);
    expect(state.takeUnlisted()).toBe(true);
    expect(state.takeUnlisted()).toBe(false);
    state.apply('check:completed', verdict('new-app', 2));
    expect(state.takeUnlisted()).toBe(false);
    state.apply('check:completed', verdict('third-app', 1));
    state.loadStatus({ host: 'h', containers: [] });
    expect(state.takeUnlisted()).toBe(false);
  });

  it('adds a required approval and drops it once decided', () => {
    const state = new DashboardState();
    state.apply('approval:required', { id: 'ap1', status: 'pending' });
    expect([...state.approvals.keys()]).toEqual(['ap1']);
    state.apply('approval:decided', { id: 'ap1', status: 'approved' });
    expect(state.approvals.size).toBe(0);
    state.apply('some:future-event', {});
    expect(state.takeDirty().approvals).toBe(true);
  });
});
