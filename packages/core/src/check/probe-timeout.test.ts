import { describe, expect, it } from 'vitest';
import type { ContainerBaseline } from '../domain/baseline.js';
import type { HttpCheckResult } from '../domain/health.js';
import type { BaselineSnapshot } from '../learn/baseline-book.js';
import {
  initialProbeCounters,
  type ProbeCounters,
  recordHttpProbeTiming,
  recordProbeOutcome,
} from './probe-counter.js';
import { explainProbeTimeout, planProbeTimeout } from './probe-timeout.js';

function responseTime(mean: number, sd: number, samples = 100): BaselineSnapshot {
  const baseline: ContainerBaseline = {
    host: 'local',
    containerName: 'web',
    image: 'web:1',
    metric: 'response_time_ms',
    mean,
    variance: sd * sd,
    samples,
    updatedAt: 0,
  };
  return { baselines: [baseline], memoryWindow: [], minSamples: 30 };
}

const url = 'http://127.0.0.1:8080/health';
const thresholds = { failureThreshold: 3, successThreshold: 1 };

/** Counters after answers taking `answersMs`, then one probe that waited `silenceMs` in vain. */
function afterSilence(silenceMs: number, answersMs: readonly number[] = [20]): ProbeCounters {
  let counters = initialProbeCounters();
  for (const ms of answersMs) {
    counters = {
      ...counters,
      http: recordProbeOutcome(counters.http, 'success', thresholds),
      httpTiming: recordHttpProbeTiming(counters.httpTiming, { status: 200, responseTimeMs: ms }),
    };
  }
  return {
    ...counters,
    http: recordProbeOutcome(counters.http, 'failure', thresholds),
    httpTiming: recordHttpProbeTiming(counters.httpTiming, {
      status: undefined,
      responseTimeMs: silenceMs,
      timedOut: true,
    }),
  };
}

describe('planProbeTimeout', () => {
  it('uses the configured timeout while nothing is known', () => {
    expect(planProbeTimeout({ configuredMs: 10_000 })).toEqual({
      timeoutMs: 10_000,
      configuredMs: 10_000,
      basis: 'configured',
    });
  });

  it('cuts a fast endpoint short at 1 s once its baseline is warmed up', () => {
    expect(planProbeTimeout({ configuredMs: 10_000, baselines: responseTime(20, 3) })).toMatchObject({
      timeoutMs: 1_000,
      basis: 'learned',
      usualMs: 20,
    });
  });

  it('scales with the endpoint own normal, and never beyond the configured timeout', () => {
    // 5 x (400 + 4 x 50) = 3 s
    expect(planProbeTimeout({ configuredMs: 10_000, baselines: responseTime(400, 50) }).timeoutMs).toBe(
      3_000,
    );
    expect(planProbeTimeout({ configuredMs: 10_000, baselines: responseTime(2_000, 300) })).toMatchObject({
      timeoutMs: 10_000,
      basis: 'configured',
    });
  });

  it('ignores a baseline that is not warmed up yet', () => {
    expect(planProbeTimeout({ configuredMs: 10_000, baselines: responseTime(20, 3, 29) }).basis).toBe(
      'configured',
    );
  });

  it('confirms a silence of the whole configured timeout with a short probe', () => {
    expect(planProbeTimeout({ configuredMs: 10_000, counters: afterSilence(10_003) })).toEqual({
      timeoutMs: 500,
      configuredMs: 10_000,
      basis: 'confirming_silence',
      silentForMs: 10_003,
    });
  });

  it('gives the confirmation three times the slowest recent answer of a slow endpoint', () => {
    const plan = planProbeTimeout({ configuredMs: 10_000, counters: afterSilence(10_000, [1_500, 800]) });
    // 1 500 halves to 750 at the next answer, which took 800.
    expect(plan).toMatchObject({ timeoutMs: 2_400, basis: 'confirming_silence' });
  });

  it('keeps a silence of learned cuts within the configured timeout', () => {
    // 5 x (600 + 4 x 50) = 4 s a cut: after two cuts, the third waits what is left of the 10 s.
    let counters = afterSilence(4_000);
    counters = {
      ...counters,
      http: recordProbeOutcome(counters.http, 'failure', thresholds),
      httpTiming: recordHttpProbeTiming(counters.httpTiming, {
        status: undefined,
        responseTimeMs: 4_000,
        timedOut: true,
      }),
    };
    const plan = planProbeTimeout({ configuredMs: 10_000, baselines: responseTime(600, 50), counters });
    expect(plan).toMatchObject({ timeoutMs: 2_000, basis: 'confirming_silence', silentForMs: 8_000 });
  });

  it('confirms a probe cut by the learned normal with the same learned cut', () => {
    const plan = planProbeTimeout({
      configuredMs: 10_000,
      baselines: responseTime(20, 3),
      counters: afterSilence(1_000),
    });
    expect(plan).toMatchObject({ timeoutMs: 1_000, basis: 'learned' });
  });

  it('stops shortening once the failure is confirmed (the incident is open)', () => {
    let counters = afterSilence(10_000);
    for (let index = 0; index < 2; index++) {
      counters = { ...counters, http: recordProbeOutcome(counters.http, 'failure', thresholds) };
    }
    expect(counters.http.failing).toBe(true);
    expect(planProbeTimeout({ configuredMs: 10_000, counters }).basis).toBe('configured');
  });
});

describe('explainProbeTimeout', () => {
  const timedOut: HttpCheckResult = {
    url,
    ok: false,
    status: undefined,
    responseTimeMs: 1_000,
    error: 'timeout after 1000ms',
    timedOut: true,
  };

  it('says why a probe cut short by the learned normal was not given the configured timeout', () => {
    const plan = planProbeTimeout({ configuredMs: 10_000, baselines: responseTime(20, 3) });
    expect(explainProbeTimeout(timedOut, plan)).toEqual({
      ...timedOut,
      error: 'no answer in 1.0 s; usually answers in 20 ms, so the 10 s timeout was not waited out',
    });
  });

  it('says a confirmation of a silence is one', () => {
    const plan = planProbeTimeout({ configuredMs: 10_000, counters: afterSilence(10_000) });
    expect(explainProbeTimeout({ ...timedOut, responseTimeMs: 500 }, plan).error).toBe(
      'still no answer in 0.5 s, silent for 10.5 s in all (timeout 10 s)',
    );
  });

  it('leaves answers, refusals and configured timeouts as they are', () => {
    const learned = planProbeTimeout({ configuredMs: 10_000, baselines: responseTime(20, 3) });
    const refused: HttpCheckResult = { ...timedOut, timedOut: undefined, error: 'ECONNREFUSED' };
    expect(explainProbeTimeout(refused, learned)).toBe(refused);
    const answered: HttpCheckResult = { url, ok: false, status: 500, responseTimeMs: 5, error: 'x' };
    expect(explainProbeTimeout(answered, learned)).toBe(answered);
    expect(explainProbeTimeout(timedOut, planProbeTimeout({ configuredMs: 1_000 }))).toBe(timedOut);
  });
});

describe('planProbeTimeout with kubelet timing', () => {
  it('gives every probe its whole timeout when confirmations are not quick', () => {
    const plan = planProbeTimeout({
      configuredMs: 10_000,
      counters: afterSilence(10_000),
      quickConfirmation: false,
    });
    expect(plan).toMatchObject({ timeoutMs: 10_000, basis: 'configured' });
  });
});
