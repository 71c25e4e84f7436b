import { describe, expect, it } from 'vitest';
import type { ContainerDetails, ContainerSummary } from '../domain/container.js';
import type { HealthVerdict } from '../domain/health.js';
import { planPassCheck, unmonitoredRefreshMs } from './full-pass-plan.js';

const now = 1_000_000;
const listed: ContainerSummary = {
  id: 'c1',
  name: 'web',
  image: 'app:1',
  state: 'running',
  labels: { 'com.docker.compose.service': 'web' },
};
const details = { ...listed } as ContainerDetails;
const healthy = { healthy: true } as HealthVerdict;
type PassWatch = Parameters<typeof planPassCheck>[0]['watch'];
const settings = {} as NonNullable<PassWatch['settings']>;
const watch: PassWatch = {
  details,
  inspectedAt: now - 1_000,
  settings,
  verdict: healthy,
  incident: undefined,
  nextProbeAt: now + 1_000,
  nextCheckAt: now + 5_000,
};
const plan = (
  overrides: Partial<PassWatch> = {},
  options: { reason?: string; connected?: boolean; entry?: ContainerSummary } = {},
) =>
  planPassCheck({
    reason: options.reason ?? 'periodic',
    engineConnected: options.connected ?? true,
    listed: options.entry ?? listed,
    watch: { ...watch, ...overrides },
    now,
  });

describe('planPassCheck: what a full pass does with one listed container', () => {
  it('leaves a monitored container alone while it runs healthy with nothing due', () => {
    expect(plan()).toBeUndefined();
    // Its probe is due: checked, without an inspect.
    expect(plan({ nextProbeAt: now })).toEqual({ probe: true, stats: false, knownState: true });
  });

  it('inspects a monitored container whose list entry or verdict says something changed', () => {
    expect(plan({}, { entry: { ...listed, state: 'exited' } })).toEqual({
      probe: false,
      stats: false,
      knownState: false,
    });
    expect(plan({ verdict: { healthy: false } as HealthVerdict })?.knownState).toBe(false);
    expect(plan({ incident: {} as never })?.knownState).toBe(false);
  });

  it('inspects everything at a pass that is not periodic or while the event stream is down', () => {
    expect(plan({}, { reason: 'start' })).toEqual({ probe: false, stats: false, knownState: false });
    expect(plan({}, { connected: false })).toEqual({ probe: false, stats: false, knownState: false });
    expect(plan({ settings: null }, { connected: false })).toBeDefined();
  });

  it('does not inspect an unmonitored container again unless its state, name or labels changed, or 5 minutes passed', () => {
    const other: Partial<PassWatch> = { settings: null, verdict: undefined };
    expect(plan(other)).toBeUndefined();
    expect(plan(other, { entry: { ...listed, state: 'exited' } })).toBeDefined();
    expect(plan(other, { entry: { ...listed, name: 'web-renamed' } })).toBeDefined();
    expect(
      plan(other, { entry: { ...listed, labels: { 'com.docker.compose.service': 'api' } } }),
    ).toBeDefined();
    expect(plan(other, { entry: { ...listed, labels: {} } })).toBeDefined();
    expect(plan({ ...other, inspectedAt: now - unmonitoredRefreshMs })).toBeDefined();
    // Never inspected yet (a new container): inspected.
    expect(plan({ ...other, details: undefined, inspectedAt: undefined })).toBeDefined();
  });
});
