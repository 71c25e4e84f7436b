import { afterEach, describe, expect, it } from 'vitest';
import type { SpoolDepth, SpoolWriteFailureState } from '../metrics/monitor-metrics.js';
import { type ApiHarness, startApiHarness } from './api-harness.test-helper.js';

const harnesses: ApiHarness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((harness) => harness.close()));
});

/** A spool whose write state a test sets, as `createSpooledStore().pending()` reports it. */
function spoolState() {
  const state: { writeFailure: SpoolWriteFailureState | null; failedWrites: number; lost: number } = {
    writeFailure: null,
    failedWrites: 0,
    lost: 0,
  };
  const spool: SpoolDepth = {
    pending: () => ({
      rows: 0,
      bytes: 0,
      oldestAt: null,
      writeFailure: state.writeFailure,
      failedWrites: state.failedWrites,
      lostRecords: { incident: state.lost, health_sample: 0 },
    }),
  };
  return { state, spool };
}

function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    if (line.slice(0, space) === series) return Number(line.slice(space + 1));
  }
  return undefined;
}

describe('a spool that cannot be written', () => {
  it('makes /healthz degraded (200, status and warning say why) until it takes writes again', async () => {
    const { state, spool } = spoolState();
    const h = await startApiHarness({ server: { spool } });
    harnesses.push(h);
    const healthy = await h.call('/healthz');
    expect(healthy.status).toBe(200);
    expect(await healthy.json()).toMatchObject({ ok: true, status: 'ok', warnings: [] });

    state.writeFailure = {
      since: h.clock.now() - 42_000,
      reason: 'disk_full',
      error: 'database or disk is full',
      lostRecords: 2,
    };
    const degraded = await h.call('/healthz');
    expect(degraded.status).toBe(200);
    expect(await degraded.json()).toMatchObject({
      ok: true,
      status: 'degraded',
      problems: [],
      warnings: [
        'spool is full (database or disk is full) for 42 s: records reach the database directly and are lost while it is down (2 lost so far)',
      ],
    });

    state.writeFailure = null;
    expect(await (await h.call('/healthz')).json()).toMatchObject({ status: 'ok', warnings: [] });
  });

  it('is failing, not degraded, when the engine is lost too', async () => {
    const { state, spool } = spoolState();
    const h = await startApiHarness({ server: { spool } });
    harnesses.push(h);
    state.writeFailure = {
      since: h.clock.now(),
      reason: 'write_error',
      error: 'disk I/O error',
      lostRecords: 0,
    };
    h.runtime.setReachable(false);
    await h.settle();
    const answer = await h.call('/healthz');
    expect(answer.status).toBe(503);
    expect(await answer.json()).toMatchObject({
      status: 'failing',
      warnings: [expect.stringMatching(/^spool cannot be written \(disk I\/O error\)/)],
    });
  });

  it('shows in /metrics: spool_full, write failures and lost records by kind', async () => {
    const { state, spool } = spoolState();
    const h = await startApiHarness({ server: { spool } });
    harnesses.push(h);
    const before = await (await h.call('/metrics')).text();
    expect(sample(before, 'spartan_monitor_spool_full')).toBe(0);
    expect(sample(before, 'spartan_monitor_spool_write_failures_total')).toBe(0);

    state.writeFailure = {
      since: h.clock.now(),
      reason: 'disk_full',
      error: 'database or disk is full',
      lostRecords: 3,
    };
    state.failedWrites = 5;
    state.lost = 3;
    const during = await (await h.call('/metrics')).text();
    expect(sample(during, 'spartan_monitor_spool_full')).toBe(1);
    expect(sample(during, 'spartan_monitor_spool_write_failures_total')).toBe(5);
    expect(sample(during, 'spartan_monitor_records_lost_total{kind="incident"}')).toBe(3);
    expect(sample(during, 'spartan_monitor_records_lost_total{kind="health_sample"}')).toBe(0);

    state.writeFailure = null;
    const after = await (await h.call('/metrics')).text();
    expect(sample(after, 'spartan_monitor_spool_full')).toBe(0);
    expect(sample(after, 'spartan_monitor_records_lost_total{kind="incident"}')).toBe(3);
  });
});
