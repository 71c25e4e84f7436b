import { describe, expect, it } from 'vitest';
import { defaultCheckSettings } from '../config/default-monitor-config.js';
import {
  initialProbeCounters,
  type ProbeCounter,
  type ProbeCounters,
  recordProbeOutcome,
} from './probe-counter.js';
import {
  confirmsQuickly,
  nextProbeAt,
  nextStatsAt,
  planScheduledCheck,
  probePeriodMs,
} from './probe-schedule.js';

const settings = { checkIntervalSeconds: 10, probeIntervalSeconds: 3, confirmIntervalSeconds: 0.5 };
const thresholds = { failureThreshold: 3, successThreshold: 1 };

function httpAfter(outcomes: readonly ('success' | 'failure')[]): ProbeCounters {
  let http: ProbeCounter = initialProbeCounters().http;
  for (const outcome of outcomes) http = recordProbeOutcome(http, outcome, thresholds);
  return { ...initialProbeCounters(), http };
}

describe('nextProbeAt', () => {
  it('probes every probe interval while the endpoint passes', () => {
    expect(nextProbeAt({ probedAt: 1_000, counters: httpAfter(['success']), settings })).toBe(4_000);
  });

  it('confirms a failure at the confirm interval until the threshold is reached', () => {
    expect(nextProbeAt({ probedAt: 1_000, counters: httpAfter(['failure']), settings })).toBe(1_500);
    expect(nextProbeAt({ probedAt: 1_000, counters: httpAfter(['failure', 'failure']), settings })).toBe(
      1_500,
    );
    // Confirmed (failing): back to the period, as kubelet keeps probing a failed container.
    expect(
      nextProbeAt({ probedAt: 1_000, counters: httpAfter(['failure', 'failure', 'failure']), settings }),
    ).toBe(4_000);
  });

  it('returns to the period after a failure followed by a success', () => {
    expect(nextProbeAt({ probedAt: 0, counters: httpAfter(['failure', 'success']), settings })).toBe(3_000);
  });

  it('confirms a slow answer the same way as a failed one', () => {
    const slow = recordProbeOutcome(initialProbeCounters().responseTime, 'failure', thresholds);
    const counters = { ...initialProbeCounters(), responseTime: slow };
    expect(nextProbeAt({ probedAt: 0, counters, settings })).toBe(500);
  });

  it('never probes less often than the check interval, and never confirms slower than the period', () => {
    const short = { checkIntervalSeconds: 2, probeIntervalSeconds: 3, confirmIntervalSeconds: 5 };
    expect(probePeriodMs(short)).toBe(2_000);
    expect(nextProbeAt({ probedAt: 0, counters: httpAfter(['failure']), settings: short })).toBe(2_000);
  });

  it('keeps kubelet timing when the confirm interval equals the period', () => {
    const kubelet = { checkIntervalSeconds: 10, probeIntervalSeconds: 10, confirmIntervalSeconds: 10 };
    expect(nextProbeAt({ probedAt: 0, counters: httpAfter(['failure']), settings: kubelet })).toBe(10_000);
    expect(confirmsQuickly(kubelet)).toBe(false);
    expect(confirmsQuickly(settings)).toBe(true);
  });

  it('the defaults probe every 3 s and confirm 0.5 s apart, with inspect and stats every 10 s', () => {
    const defaults = defaultCheckSettings();
    expect(defaults).toMatchObject({
      checkIntervalSeconds: 10,
      probeIntervalSeconds: 3,
      confirmIntervalSeconds: 0.5,
      failureThreshold: 3,
      successThreshold: 1,
    });
  });
});

describe('nextStatsAt', () => {
  it('takes a reading with the last probe before the check interval is up', () => {
    expect(nextStatsAt({ readAt: 0, settings, hasEndpoint: true })).toBe(7_000);
    // Probes at 3, 6 and 9 s: the one at 9 s reads, 9 s after the last reading.
  });

  it('reads every check interval without an endpoint, or when the probe is as slow', () => {
    expect(nextStatsAt({ readAt: 0, settings, hasEndpoint: false })).toBe(10_000);
    const kubelet = { checkIntervalSeconds: 10, probeIntervalSeconds: 10, confirmIntervalSeconds: 10 };
    expect(nextStatsAt({ readAt: 0, settings: kubelet, hasEndpoint: true })).toBe(0);
  });
});

describe('planScheduledCheck', () => {
  const base = {
    now: 10_000,
    nextProbeAt: 20_000,
    nextCheckAt: 20_000,
    hasEndpoint: true,
    engineConnected: true,
    stateKnown: true,
  };

  it('has nothing to do before either is due', () => {
    expect(planScheduledCheck(base)).toBeUndefined();
  });

  it('a due reading rides on the next probe; nothing inspects while the event stream is up', () => {
    expect(planScheduledCheck({ ...base, nextCheckAt: 10_000 })).toBeUndefined();
    expect(planScheduledCheck({ ...base, nextCheckAt: 10_000, nextProbeAt: 10_000 })).toEqual({
      inspect: false,
      stats: true,
      probe: true,
    });
    expect(
      planScheduledCheck({ ...base, nextCheckAt: 10_000, nextProbeAt: 10_000, engineConnected: false }),
    ).toEqual({ inspect: true, stats: true, probe: true });
  });

  it('a probe between checks costs no engine call while the event stream is connected', () => {
    expect(planScheduledCheck({ ...base, nextProbeAt: 9_000 })).toEqual({
      inspect: false,
      stats: false,
      probe: true,
    });
  });

  it('inspects with the probe when the event stream is down or the state was never read', () => {
    expect(planScheduledCheck({ ...base, nextProbeAt: 9_000, engineConnected: false })).toMatchObject({
      inspect: true,
      stats: false,
    });
    expect(planScheduledCheck({ ...base, nextProbeAt: 9_000, stateKnown: false })).toMatchObject({
      inspect: true,
      stats: false,
    });
  });

  it('a container without an endpoint is checked at the check interval only', () => {
    expect(planScheduledCheck({ ...base, nextProbeAt: 0, hasEndpoint: false })).toBeUndefined();
    expect(planScheduledCheck({ ...base, nextCheckAt: 0, hasEndpoint: false })).toEqual({
      inspect: false,
      stats: true,
      probe: false,
    });
  });
});
