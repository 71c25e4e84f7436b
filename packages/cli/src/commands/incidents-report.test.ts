import type { Incident } from '@website-monitor/core';
import { describe, expect, it } from 'vitest';
import { formatDuration, formatIncidentTable, timeToRecoverMs } from './incidents-report.js';

const base: Incident = {
  id: 'i',
  host: 'agent-a',
  containerId: 'c',
  containerName: 'web',
  trigger: 'crash_loop',
  problems: [],
  status: 'resolved',
  openedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
  updatedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
  resolvedAt: Date.UTC(2026, 0, 2, 3, 6, 10),
  exitCode: 1,
  oomKilled: false,
  diagnosis: {
    diagnosis:
      'The application cannot reach its database at db:5432 and exits at start; restarting will not help',
    recommendedAction: 'manual',
    urgency: 'high',
    confidence: 80,
    reasoning: '',
    source: 'model',
  },
  actionsTaken: [],
  autoHealed: false,
  escalationReason: null,
};

describe('incidents report', () => {
  it('formats recovery times for a person', () => {
    expect(formatDuration(undefined)).toBe('-');
    expect(formatDuration(554)).toBe('554 ms');
    expect(formatDuration(4_250)).toBe('4.3 s');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000)).toBe('2 h 5 min');
  });

  it('counts time to recover for resolved incidents only', () => {
    expect(timeToRecoverMs(base)).toBe(125_000);
    expect(timeToRecoverMs({ ...base, status: 'escalated' })).toBeUndefined();
  });

  it('shortens a long diagnosis, keeps its source, and shows the host only when there are several', () => {
    const single = formatIncidentTable([base]);
    expect(single).not.toContain('HOST');
    expect(single).toContain('The application cannot reach its database at db… (model, 80%)');
    const several = formatIncidentTable([base, { ...base, id: 'j', host: 'agent-b' }]);
    expect(several.split('\n')[0]).toMatch(/^OPENED \(UTC\) +HOST +CONTAINER/);
    expect(several.split('\n')[2]).toMatch(/^2026-01-02 03:04:05 +agent-b +web +crash_loop +resolved/);
  });
});
