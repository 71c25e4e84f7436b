import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEventLine } from './parse-event-line.js';

const lines = (name: string): string[] =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line !== '');

describe('parseEventLine', () => {
  it('maps a die captured from Docker 20.10 with exit code, labels and the exact timeNano', () => {
    const die = lines('events-api-1.41.ndjson').find((line) => line.includes('"Action":"die"'));
    const parsed = parseEventLine(die ?? '');
    expect(parsed).toEqual({
      kind: 'event',
      event: {
        action: 'die',
        containerId: '65dbd76d129251ff551e17aed50453759eb22237148b843e27f14d669a918980',
        containerName: 'wm-fixture-events',
        time: 1795841861302,
        // Above 2^53: JSON.parse alone would have rounded it.
        timeNano: 1795841861302891843n,
        exitCode: 137,
        image: 'website-monitor-adapter-test:local',
        labels: { app: 'shop' },
      },
    });
  });

  it('splits "health_status: healthy" into the action and the status', () => {
    const health = lines('events-api-1.41.ndjson').find((line) => line.includes('health_status'));
    const parsed = parseEventLine(health ?? '');
    expect(parsed).toMatchObject({
      kind: 'event',
      event: { action: 'health_status', healthStatus: 'healthy', containerName: 'wm-fixture-events' },
    });
  });

  it('reads the kill signal', () => {
    const kill = lines('events-api-1.41.ndjson').find((line) => line.includes('"Action":"kill"'));
    expect(parseEventLine(kill ?? '')).toMatchObject({ kind: 'event', event: { action: 'kill', signal: 9 } });
  });

  it('ignores exec_* noise from health checks', () => {
    const actions = lines('events-api-1.41.ndjson').map(parseEventLine);
    expect(
      actions
        .filter((parsed) => parsed.kind === 'ignored')
        .map((parsed) => parsed.kind === 'ignored' && parsed.action),
    ).toEqual([
      'exec_create: /bin/sh -c /bin/busybox true',
      'exec_start: /bin/sh -c /bin/busybox true',
      'exec_die',
      'exec_create: /bin/sh -c /bin/busybox true',
      'exec_start: /bin/sh -c /bin/busybox true',
      'exec_die',
    ]);
    expect(actions.flatMap((parsed) => (parsed.kind === 'event' ? [parsed.event.action] : []))).toEqual([
      'create',
      'start',
      'health_status',
      'kill',
      'die',
      'destroy',
    ]);
  });

  it('maps API 1.52 lines, which no longer carry status, id and from', () => {
    const parsed = lines('events-api-1.52.ndjson').map(parseEventLine);
    expect(parsed.map((result) => result.kind)).toEqual(['event', 'ignored', 'event', 'event', 'ignored']);
    expect(parsed[0]).toEqual({
      kind: 'event',
      event: {
        action: 'health_status',
        healthStatus: 'unhealthy',
        containerId: '4fa6e0f0c6786287e131c3852c58a2e01cc697a68231826813597e4994f1d6e2',
        containerName: 'shop-web',
        image: 'nginx:1.29',
        time: 1762767000123,
        timeNano: 1762767000123456789n,
        labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' },
      },
    });
    expect(parsed[3]).toMatchObject({
      event: { action: 'die', exitCode: 137, labels: { execDuration: '3' } },
    });
  });

  it('reports lines it cannot read instead of throwing', () => {
    expect(parseEventLine('{"Type":"container","Act')).toEqual({ kind: 'malformed', reason: 'not JSON' });
    expect(parseEventLine('[]')).toMatchObject({ kind: 'malformed' });
    expect(parseEventLine('{"Type":"container","Action":"die","Actor":{"ID":"x"}}')).toEqual({
      kind: 'malformed',
      reason: 'no time',
    });
    expect(
      parseEventLine('{"Type":"container","Action":"health_status: sleepy","Actor":{"ID":"x"},"timeNano":1}'),
    ).toMatchObject({
      kind: 'malformed',
    });
  });

  it('falls back to time in seconds when timeNano is missing', () => {
    const parsed = parseEventLine(
      '{"Type":"container","Action":"start","Actor":{"ID":"x","Attributes":{"name":"a"}},"time":1700000000}',
    );
    expect(parsed).toMatchObject({
      kind: 'event',
      event: { time: 1700000000000, timeNano: 1700000000000000000n },
    });
  });
});
