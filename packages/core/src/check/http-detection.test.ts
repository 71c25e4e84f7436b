import { describe, expect, it } from 'vitest';
import { defaultCheckSettings } from '../config/default-monitor-config.js';
import type { ContainerBaseline } from '../domain/baseline.js';
import type { ContainerDetails } from '../domain/container.js';
import type { HealthVerdict } from '../domain/health.js';
import type { BaselineSnapshot } from '../learn/baseline-book.js';
import { FakeClock } from '../testing/fake-clock.js';
import { FakeHttpProber } from '../testing/fake-http-prober.js';
import { evaluateHealth } from './evaluate-health.js';
import type { ProbeCounters } from './probe-counter.js';
import { probeEndpoint } from './probe-endpoint.js';
import { nextProbeAt } from './probe-schedule.js';

// The detection path of one endpoint, driven as the agent drives it (probe with the planned
// timeout, evaluate, schedule the next probe), on a fake clock with a fake endpoint.

const url = 'http://127.0.0.1:8080/health';
const start = Date.UTC(2026, 0, 1);
const details: ContainerDetails = {
  id: 'c0ffee',
  name: 'web',
  image: 'web:1',
  state: 'running',
  labels: {},
  imageId: 'sha256:1',
  exitCode: 0,
  oomKilled: false,
  restartCount: 0,
  startedAt: new Date(start - 3_600_000).toISOString(),
  finishedAt: null,
  error: '',
  health: { status: 'none', failingStreak: 0, log: [] },
  restartPolicy: { name: 'no', maximumRetryCount: 0 },
  networkMode: 'bridge',
  ports: [],
  env: [],
};

/** 20 ± 3 ms over 200 readings: what the baseline book holds for a fast endpoint after ten minutes. */
const warmed: BaselineSnapshot = {
  baselines: [
    {
      host: 'local',
      containerName: 'web',
      image: 'web:1',
      metric: 'response_time_ms',
      mean: 20,
      variance: 9,
      samples: 200,
      updatedAt: start,
    } satisfies ContainerBaseline,
  ],
  memoryWindow: [],
  minSamples: 30,
};

/** How the endpoint answers a probe sent at `now`: a status after a delay, or never. */
type Behaviour = (now: number) => { readonly status: number; readonly delayMs: number } | 'hang';

interface Watched {
  /** When each probe was sent. */
  readonly probes: number[];
  /** The first unhealthy verdict and when its evaluation finished. */
  readonly unhealthy: { readonly at: number; readonly verdict: HealthVerdict } | undefined;
}

/** Resolves `promise`, moving the fake clock 10 ms at a time while it waits. */
async function settle<T>(clock: FakeClock, promise: Promise<T>): Promise<T> {
  let done = false;
  const settled = promise.finally(() => {
    done = true;
  });
  while (!done) await clock.advance(10);
  return settled;
}

async function watch(options: {
  readonly behaviour: Behaviour;
  readonly forMs: number;
  readonly settings?: Partial<ReturnType<typeof defaultCheckSettings>>;
  readonly configuredTimeoutMs?: number;
  readonly baselines?: BaselineSnapshot;
}): Promise<Watched> {
  const clock = new FakeClock({ start });
  const prober = new FakeHttpProber();
  prober.respond(url, async ({ timeoutMs }) => {
    const answer = options.behaviour(clock.now());
    const delayMs = answer === 'hang' ? Number.POSITIVE_INFINITY : answer.delayMs;
    if (delayMs >= timeoutMs) {
      await clock.sleep(timeoutMs);
      return { timeout: true };
    }
    await clock.sleep(delayMs);
    return { status: answer === 'hang' ? 0 : answer.status, responseTimeMs: delayMs };
  });
  const settings = { ...defaultCheckSettings(), responseTimeMsThreshold: undefined, ...options.settings };
  const probes: number[] = [];
  let counters: ProbeCounters | undefined;
  let due = clock.now();
  while (clock.now() < start + options.forMs) {
    if (clock.now() < due) {
      await clock.advance(Math.min(50, due - clock.now()));
      continue;
    }
    const probedAt = clock.now();
    probes.push(probedAt);
    const http = await settle(
      clock,
      probeEndpoint({
        prober,
        url,
        expectedStatus: settings.expectedStatus,
        configuredTimeoutMs: options.configuredTimeoutMs ?? 10_000,
        ...(counters ? { counters } : {}),
        ...(options.baselines ? { baselines: options.baselines } : {}),
        settings,
      }),
    );
    const evaluation = evaluateHealth({
      details,
      http,
      settings,
      now: probedAt,
      ...(counters ? { counters } : {}),
      ...(options.baselines ? { baselines: options.baselines } : {}),
    });
    counters = evaluation.counters;
    if (evaluation.verdict.status === 'unhealthy') {
      return { probes, unhealthy: { at: clock.now(), verdict: evaluation.verdict } };
    }
    due = nextProbeAt({ probedAt, counters, settings });
  }
  return { probes, unhealthy: undefined };
}

const ok = { status: 200, delayMs: 20 };
/** Just after the probe at start + 9 s: the worst phase, a whole period before the next probe. */
const flipAt = start + 9_001;

describe('HTTP failure detection at the default settings', () => {
  it.each([500, 429])('confirms a %i within one probe period plus two confirm intervals', async (status) => {
    const watched = await watch({
      behaviour: (now) => (now < flipAt ? ok : { status, delayMs: 5 }),
      forMs: 60_000,
    });
    const detectionMs = watched.unhealthy!.at - flipAt;
    // 3 s to the next probe, then 2 confirmations 0.5 s apart.
    expect(detectionMs).toBeGreaterThan(3_000);
    expect(detectionMs).toBeLessThanOrEqual(3_000 + 2 * 500 + 50);
    expect(watched.unhealthy!.verdict.problems[0]!.message).toBe(
      `HTTP ${status} from ${url} (3 checks in a row)`,
    );
  });

  it('took 20-30 s with kubelet timing (10 s period, no confirmation), the old default', async () => {
    const watched = await watch({
      behaviour: (now) => (now < flipAt ? ok : { status: 500, delayMs: 5 }),
      settings: { checkIntervalSeconds: 10, probeIntervalSeconds: 10, confirmIntervalSeconds: 10 },
      forMs: 60_000,
    });
    // Probes at 10, 20 and 30 s: the third failure comes 21 s after the flip at 9 s.
    expect(watched.unhealthy!.at - flipAt).toBeGreaterThan(20_000);
  });

  it('does not open an incident for one answer that never came, without a baseline', async () => {
    let stuck = 0;
    const watched = await watch({
      behaviour: (now) => (now >= flipAt && stuck++ === 0 ? 'hang' : ok),
      forMs: 60_000,
    });
    expect(watched.unhealthy).toBeUndefined();
  });

  it('does not open an incident for one slow answer cut short by the learned normal', async () => {
    let slow = 0;
    const watched = await watch({
      behaviour: (now) => (now >= flipAt && slow++ === 0 ? { status: 200, delayMs: 1_500 } : ok),
      baselines: warmed,
      forMs: 60_000,
    });
    expect(watched.unhealthy).toBeUndefined();
  });

  it('judges a hang early, from the endpoint own learned response time', async () => {
    const watched = await watch({
      behaviour: (now) => (now < flipAt ? ok : 'hang'),
      baselines: warmed,
      forMs: 60_000,
    });
    const detectionMs = watched.unhealthy!.at - flipAt;
    // The next probe at 3 s, then three probes cut at 1 s each: far sooner than the 10 s timeout.
    expect(detectionMs).toBeLessThanOrEqual(3_000 + 3 * 1_000 + 50);
    expect(watched.unhealthy!.verdict.problems[0]!.message).toBe(
      `no response from ${url}: no answer in 1.0 s; usually answers in 20 ms, so the 10 s timeout was not waited out (3 checks in a row)`,
    );
  });

  it('waits the whole configured timeout for a hang without a baseline, then confirms it in 2 s at most', async () => {
    const watched = await watch({ behaviour: (now) => (now < flipAt ? ok : 'hang'), forMs: 60_000 });
    const firstHanging = watched.probes.find((at) => at >= flipAt)!;
    const sinceFirstHanging = watched.unhealthy!.at - firstHanging;
    expect(sinceFirstHanging).toBeGreaterThanOrEqual(10_000);
    expect(sinceFirstHanging).toBeLessThanOrEqual(10_000 + 2_000);
    expect(watched.unhealthy!.verdict.problems[0]!.message).toBe(
      `no response from ${url}: still no answer in 0.5 s, silent for 11 s in all (timeout 10 s) (3 checks in a row)`,
    );
  });
});
