import type { HealthVerdict, Incident } from '@website-monitor/core';
import { describe, expect, it } from 'vitest';
import type { StatusLine } from '../api/api-types.js';
import { containerKey, DashboardState } from './dashboard-state.js';

const line = (name: string, host?: string): StatusLine => ({
  id: `id-${name}`,
  name,
  monitored: true,
  state: 'running',
  health: 'healthy',
  lastCheckAt: 1,
  verdict: null,
  incident: null,
  restartsLeft: 3,
  ...(host === undefined ? {} : { host }),
});

const verdict = (name: string, checkedAt: number): HealthVerdict => ({
  containerId: `id-${name}`,
  containerName: name,
  checkedAt,
  healthy: false,
  status: 'unhealthy',
  problems: [],
  metrics: {
    state: 'running',
    exitCode: null,
    oomKilled: false,
    dockerHealth: 'none',
    restartCount: 0,
    httpStatus: undefined,
    responseTimeMs: undefined,
    memoryBytes: undefined,
    memoryLimitBytes: undefined,
    memoryPercent: undefined,
    cpuPercent: undefined,
  },
});

const incident = (host: string, updatedAt: number, status: Incident['status'] = 'open'): Incident => ({
  id: `inc-${host}`,
  host,
  containerId: 'id-web',
  containerName: 'web',
  trigger: 'container_stopped',
  problems: [],
  status,
  openedAt: 1,
  updatedAt,
  resolvedAt: null,
  exitCode: 1,
  oomKilled: false,
  diagnosis: null,
  actionsTaken: [],
  autoHealed: false,
  escalationReason: null,
});

describe('DashboardState across hosts', () => {
  it('keeps a container of the same name on two hosts apart in the fleet view', () => {
    const state = new DashboardState();
    state.selfHost = 'a';
    state.reset('*');
    state.loadStatus({ host: 'a', containers: [line('web', 'a'), line('web', 'b'), line('db', 'b')] });
    expect([...state.containers.keys()]).toEqual([
      containerKey('a', 'web'),
      containerKey('b', 'web'),
      containerKey('b', 'db'),
    ]);
    expect(state.containers.get(containerKey('b', 'web'))?.host).toBe('b');
    // Keys cannot be confused whatever the names hold.
    expect(containerKey('a/b', 'c')).not.toBe(containerKey('a', 'b/c'));
  });

  it("applies this agent's live events to its own host's containers only, in the fleet view", () => {
    const state = new DashboardState();
    state.selfHost = 'a';
    state.reset('*');
    state.loadStatus({ host: 'a', containers: [line('web', 'a'), line('web', 'b')] });
    state.takeDirty();
    state.apply('check:completed', verdict('web', 50));
    expect([...state.takeDirty().containers]).toEqual([containerKey('a', 'web')]);
    expect(state.containers.get(containerKey('a', 'web'))?.health).toBe('unhealthy');
    expect(state.containers.get(containerKey('b', 'web'))?.health).toBe('healthy');
    state.apply('incident:opened', incident('a', 2));
    expect(state.containers.get(containerKey('a', 'web'))?.incident?.id).toBe('inc-a');
    expect(state.containers.get(containerKey('b', 'web'))?.incident).toBeNull();
  });

  it("ignores this agent's events while another host is shown, but still its engine's state", () => {
    const state = new DashboardState();
    state.selfHost = 'a';
    state.loadStatus({ host: 'a', containers: [line('web')] });
    state.reset('b');
    expect(state.containers.size).toBe(0);
    expect(state.takeDirty().membership).toBe(true);
    state.loadStatus({ host: 'b', containers: [line('api')] });
    state.apply('check:completed', verdict('web', 5));
    state.apply('incident:opened', incident('a', 2));
    state.apply('approval:required', { id: 'ap1', host: 'a', status: 'pending' });
    expect([...state.containers.values()].map((view) => `${view.host}/${view.name}`)).toEqual(['b/api']);
    expect(state.incidents.size).toBe(0);
    expect(state.approvals.size).toBe(0);
    state.apply('engine:connection', { connected: false, error: 'socket closed' });
    expect(state.engine).toEqual({ connected: false, error: 'socket closed' });
  });

  it("is writable for no host picked or this agent's own, never for another host or the fleet", () => {
    const state = new DashboardState();
    expect(state.writable).toBe(true);
    state.reset('a');
    expect(state.writable).toBe(false);
    state.selfHost = 'a';
    expect(state.writable).toBe(true);
    expect(state.showsLiveEvents).toBe(true);
    state.reset('b');
    expect(state.writable).toBe(false);
    expect(state.showsLiveEvents).toBe(false);
    state.reset('*');
    expect(state.writable).toBe(false);
    expect(state.showsLiveEvents).toBe(true);
  });

  it('keeps the newer version of an incident when a polled snapshot is older than an event', () => {
    const state = new DashboardState();
    state.selfHost = 'a';
    state.reset('*');
    state.apply('incident:updated', incident('a', 20, 'healing'));
    state.loadIncidents([incident('a', 10, 'open'), incident('b', 5)]);
    expect(state.incidents.get('inc-a')?.status).toBe('healing');
    expect(state.incidents.get('inc-b')?.updatedAt).toBe(5);
    state.loadIncidents([incident('b', 6)]);
    expect([...state.incidents.keys()]).toEqual(['inc-b']);
  });

  it("counts one host's containers as its agent does for its report", () => {
    const state = new DashboardState();
    state.selfHost = 'a';
    state.reset('*');
    state.loadStatus({ host: 'a', containers: [line('web', 'a'), line('db', 'a'), line('web', 'b')] });
    expect(state.countsOf('a')).toEqual({ containers: 2, unhealthy: 0, openIncidents: 0 });
    state.apply('check:completed', verdict('web', 50));
    state.apply('incident:opened', incident('a', 2));
    expect(state.countsOf('a')).toEqual({ containers: 2, unhealthy: 1, openIncidents: 1 });
    expect(state.countsOf('b')).toEqual({ containers: 1, unhealthy: 0, openIncidents: 0 });
    expect(state.countsOf('c')).toBeUndefined();
  });
});
