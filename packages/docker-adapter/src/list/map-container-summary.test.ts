import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapContainerSummary } from './map-container-summary.js';

const list = JSON.parse(
  readFileSync(new URL('./fixtures/list-api-1.41.json', import.meta.url), 'utf8'),
) as unknown[];

describe('mapContainerSummary', () => {
  it('maps GET /containers/json entries captured from Docker 20.10', () => {
    const summaries = list.map(mapContainerSummary);
    expect(summaries).toContainEqual({
      id: expect.stringMatching(/^[0-9a-f]{64}$/),
      name: 'wm-fixture-exited',
      image: 'website-monitor-adapter-test:local',
      state: 'exited',
      labels: {},
    });
    expect(summaries.find((summary) => summary.name === 'wm-fixture-running')).toMatchObject({
      // Captured while its on-failure policy was bringing it back.
      state: 'restarting',
      labels: { app: 'shop', 'website-monitor.test': '1' },
    });
  });

  it('picks the real name over legacy link aliases and strips the slash', () => {
    const summary = mapContainerSummary({
      Id: 'abc',
      Names: ['/web/db', '/db'],
      Image: 'postgres:17',
      State: 'running',
      Labels: null,
    });
    expect(summary).toEqual({ id: 'abc', name: 'db', image: 'postgres:17', state: 'running', labels: {} });
  });

  it('reports an unknown state as dead rather than as a working one', () => {
    expect(mapContainerSummary({ Id: 'x', Names: ['/x'], State: 'hibernating' }).state).toBe('dead');
  });
});
