import { describe, expect, it } from 'vitest';
import type { HostSummary } from '../api/api-types.js';
import { boundedText, describeFleet, describeHost, maxLabelLength, maxTitleLength } from './host-health.js';

const now = Date.parse('2026-12-04T12:00:00Z');
const host = (overrides: Partial<HostSummary> = {}): HostSummary => ({
  host: 'node-a',
  engineId: 'ABCD:EFGH',
  engineName: 'node-a',
  role: 'active',
  agentVersion: '0.1.0',
  startedAt: '2026-12-04T10:00:00Z',
  lastSeenAt: '2026-12-04T11:59:50Z',
  reporting: true,
  self: false,
  containers: 12,
  unhealthy: 0,
  openIncidents: 0,
  ...overrides,
});

describe('host health in the picker', () => {
  it('shows a reporting host with its counts and when it was last seen', () => {
    const view = describeHost(host({ containers: 1, openIncidents: 1 }), now);
    expect(view.state).toBe('unhealthy');
    expect(view.counts).toBe('1 container · 0 unhealthy · 1 open incident');
    expect(view.seen).toBe('seen 10 s ago');
    expect(view.role).toBeNull();
    expect(describeHost(host(), now).state).toBe('healthy');
    expect(describeHost(host({ unhealthy: 2 }), now).counts).toBe(
      '12 containers · 2 unhealthy · 0 open incidents',
    );
  });

  it('marks a host whose agent stopped reporting, with since when, whatever its counts say', () => {
    const view = describeHost(
      host({ reporting: false, lastSeenAt: '2026-12-04T11:48:00Z', unhealthy: 3 }),
      now,
    );
    expect(view.state).toBe('not-reporting');
    expect(view.seen).toMatch(/^not reporting since \d\d:\d\d \(12 min ago\)$/);
    const old = describeHost(host({ reporting: false, lastSeenAt: '2026-12-01T08:00:00Z' }), now);
    expect(old.seen).toBe('not reporting since 2026-12-01 (2026-12-01)');
    expect(describeHost(host({ reporting: false, lastSeenAt: 'garbage' }), now).seen).toBe('not reporting');
  });

  it('badges a standby agent and names the engine when it differs from the host', () => {
    const view = describeHost(host({ role: 'standby', engineName: 'docker-7' }), now);
    expect(view.role).toBe('standby');
    expect(view.title).toBe(
      'node-a (engine docker-7, agent 0.1.0, standby, last report 2026-12-04T11:59:50Z)',
    );
  });

  it('bounds what the API says: a label and a title never exceed their length', () => {
    const long = `${'x'.repeat(5000)}<script>`;
    const view = describeHost(host({ host: long, engineName: long, agentVersion: long }), now);
    expect([...view.label]).toHaveLength(maxLabelLength);
    expect(view.label.endsWith('…')).toBe(true);
    expect([...view.title].length).toBeLessThanOrEqual(maxTitleLength);
    expect(boundedText('short')).toBe('short');
    // Code points, not UTF-16 units: an emoji is not cut in half.
    const emoji = boundedText('😀'.repeat(100), 5);
    expect(emoji).toBe('😀😀😀😀…');
  });

  it('sums the fleet for the "All hosts" entry', () => {
    expect(describeFleet([host(), host({ host: 'b', unhealthy: 2, reporting: false })])).toBe(
      '2 hosts · 2 unhealthy · 1 not reporting',
    );
    expect(describeFleet([host()])).toBe('1 host · 0 unhealthy');
  });
});
