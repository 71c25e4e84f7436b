import type { ContainerCheckSettings } from '../config/monitor-config.js';
import type { ContainerDetails, ContainerStatsSample } from '../domain/container.js';
import type {
  HealthMetrics,
  HealthStatus,
  HealthVerdict,
  HttpCheckResult,
  Problem,
} from '../domain/health.js';
import { assessAnomaly } from '../learn/assess-anomaly.js';
import type { BaselineSnapshot } from '../learn/baseline-book.js';
import { assessMemoryLeak, startupSettleMs } from '../learn/memory-leak.js';
import {
  initialProbeCounters,
  type ProbeCounter,
  type ProbeCounters,
  type ProbeOutcome,
  type ProbeThresholds,
  recordHttpProbeTiming,
  recordProbeOutcome,
} from './probe-counter.js';
import { cpuPercent, memoryUsage } from './resource-usage.js';

/** The part of a container's settings a verdict depends on; `ContainerSettings` fits. */
export type HealthThresholds = Pick<
  ContainerCheckSettings,
  | 'failureThreshold'
  | 'successThreshold'
  | 'startPeriodSeconds'
  | 'memoryPercentThreshold'
  | 'cpuPercentThreshold'
  | 'responseTimeMsThreshold'
>;

export interface EvaluateHealthInput {
  readonly details: ContainerDetails;
  /** This round's HTTP probe, when the container has an endpoint and was probed. */
  readonly http?: HttpCheckResult;
  /** This round's stats reading, when one was taken. */
  readonly stats?: ContainerStatsSample;
  /** The reading before `stats`: CPU is a rate, so it needs two. */
  readonly previousStats?: ContainerStatsSample;
  readonly settings: HealthThresholds;
  /** What the previous evaluation returned; omitted for a container's first check. */
  readonly counters?: ProbeCounters;
  /** Milliseconds since the epoch, from the caller's `Clock`. */
  readonly now: number;
  /**
   * What is normal for this container (`BaselineBook.snapshot`), taken BEFORE this round's
   * readings are observed, so they are judged against the past. Without it only the general
   * thresholds apply.
   */
  readonly baselines?: BaselineSnapshot;
  /**
   * The newest resource figures of this run, for a round that read no stats (an HTTP probe
   * between two checks): shown in the verdict's metrics and problem messages, never counted or
   * learned from again.
   */
  readonly lastResources?: ResourceMetrics;
}

/** The resource figures of a verdict, which only a stats reading renews. */
export type ResourceMetrics = Pick<
  HealthMetrics,
  'memoryBytes' | 'memoryLimitBytes' | 'memoryPercent' | 'cpuPercent'
>;

export interface HealthEvaluation {
  readonly verdict: HealthVerdict;
  /** Hand these to the next evaluation of the same container. */
  readonly counters: ProbeCounters;
  /**
   * This round's own readings: the verdict's metrics without figures carried from `lastResources`.
   * What a baseline may learn from.
   */
  readonly readings: HealthMetrics;
}

/**
 * One container's verdict from this round's readings plus the counters carried from earlier rounds.
 * Pure: the caller gathers the readings and keeps the counters.
 *
 * Two kinds of evidence are weighed differently:
 * - Docker's own state is definitive and counts at once. An exited or dead container is down now;
 *   Docker's HEALTHCHECK `unhealthy` already went through Docker's own retries (3 by default), so
 *   adding ours would only delay the response.
 * - Our probes (HTTP, response time, memory, CPU) are debounced with kubelet semantics
 *   (`failureThreshold` readings in a row to fail, `successThreshold` to recover), because a single
 *   timeout or CPU spike is not an incident.
 *
 * Status decisions, in order:
 * - `paused`: reported as such with no problem. Pausing is nearly always a person's act; whether to
 *   touch it is the policy step's call, and a frozen process cannot answer probes anyway, so
 *   counters are left as they were.
 * - `restarting` (Docker's restart policy is between attempts): `crash_loop`, because Docker only
 *   sits in that state after the process died, and repeatedly when it keeps dying. Policy decides
 *   how long to let Docker's own restarts try (`restartPolicyGraceSeconds`).
 * - `exited`, `dead`, `created`, `removing`: `oom_killed` when the kernel killed it for memory
 *   (`OOMKilled`, whatever the exit code), `container_stopped` otherwise. Whether a person stopped
 *   it on purpose is also left to the policy step, which sees the events.
 * - `running`: Docker `unhealthy` plus every probe whose debounced result is failing. Without
 *   problems the status is `starting` while Docker's HEALTHCHECK says so or our start period holds,
 *   else `healthy`.
 *
 * Start period (Docker HEALTHCHECK `start_period`, kubelet startup probe): for
 * `startPeriodSeconds` after `startedAt`, failing readings are not counted, but a passing HTTP probe
 * ends the period early so a started app is judged at once. Counters restart for every new run of
 * the container (a new `startedAt`), as kubelet starts fresh probe workers for a new container.
 *
 * Learned baselines (NESTED inner layer) add evidence to two probes, with the same debouncing:
 * a response far above the container's own normal (`assessAnomaly`) is a failing reading of the
 * response-time probe, reported as `response_time_anomaly`; memory growing steadily over the
 * recent window (`assessMemoryLeak`) is a failing reading of the memory probe, reported as
 * `memory_leak` (readings from the container's first `startupSettleMs` after its start are left
 * out: growth while warming up is not a leak). The general thresholds still apply and win the
 * name when both fail.
 *
 * `healthy` is true only for status `healthy`; `starting` and `paused` carry no problems, so they
 * open no incident, but they are not healthy either.
 */
export function evaluateHealth(input: EvaluateHealthInput): HealthEvaluation {
  const { details, http, stats, previousStats, settings, now, baselines } = input;
  const readings = healthMetrics(details, http, stats, previousStats);
  // Shown, not judged: every decision below reads `readings`.
  const metrics =
    stats === undefined && input.lastResources !== undefined && details.state === 'running'
      ? { ...readings, ...input.lastResources }
      : readings;
  const sameRun = input.counters !== undefined && input.counters.startedAt === details.startedAt;
  const counters = sameRun && input.counters ? input.counters : initialProbeCounters(details.startedAt);
  const verdict = (status: HealthStatus, problems: readonly Problem[]): HealthVerdict => ({
    containerId: details.id,
    containerName: details.name,
    checkedAt: now,
    healthy: status === 'healthy',
    status,
    problems,
    metrics,
  });

  switch (details.state) {
    case 'paused':
      return { verdict: verdict('paused', []), counters, readings };
    case 'restarting':
      return {
        verdict: verdict('unhealthy', [
          {
            kind: 'crash_loop',
            message: `Docker is restarting the container after it exited with code ${details.exitCode ?? 'unknown'} (${details.restartCount} restarts so far)`,
          },
          ...(details.oomKilled ? [oomProblem(details)] : []),
        ]),
        counters: initialProbeCounters(details.startedAt),
        readings,
      };
    case 'running':
      break;
    default:
      return {
        verdict: verdict('unhealthy', [details.oomKilled ? oomProblem(details) : stoppedProblem(details)]),
        counters: initialProbeCounters(details.startedAt),
        readings,
      };
  }

  const thresholds: ProbeThresholds = settings;
  const learned = learnedEvidence(
    baselines,
    http,
    readings,
    now,
    startTime(details.startedAt) + startupSettleMs,
  );
  const responseAnomaly = learned.responseTime;
  const memoryLeak = learned.memoryLeak;
  const startPeriodEndsAt = startTime(details.startedAt) + Math.max(0, settings.startPeriodSeconds) * 1000;
  let next = counters;
  const inStartPeriod = () => !next.startConfirmed && now < startPeriodEndsAt;
  // A failure inside the start period is dropped, not counted: the counter stays as it was.
  const record = (counter: ProbeCounter, outcome: ProbeOutcome): ProbeCounter =>
    outcome === 'failure' && inStartPeriod() ? counter : recordProbeOutcome(counter, outcome, thresholds);

  if (http !== undefined) {
    next = {
      ...next,
      http: record(next.http, http.ok ? 'success' : 'failure'),
      httpTiming: recordHttpProbeTiming(next.httpTiming, http),
    };
    if (http.ok) next = { ...next, startConfirmed: true };
    // A response time only exists when a response came; a timeout is the HTTP probe's failure.
    if (
      http.status !== undefined &&
      (settings.responseTimeMsThreshold !== undefined || learned.responseTime)
    ) {
      const slow =
        settings.responseTimeMsThreshold !== undefined &&
        http.responseTimeMs > settings.responseTimeMsThreshold;
      const failed = slow || responseAnomaly?.anomalous === true;
      next = { ...next, responseTime: record(next.responseTime, failed ? 'failure' : 'success') };
    }
  }
  if (
    readings.memoryPercent !== undefined &&
    (settings.memoryPercentThreshold !== undefined || memoryLeak !== undefined)
  ) {
    const high =
      settings.memoryPercentThreshold !== undefined &&
      readings.memoryPercent >= settings.memoryPercentThreshold;
    const failed = high || memoryLeak?.leaking === true;
    next = { ...next, memory: record(next.memory, failed ? 'failure' : 'success') };
  }
  if (settings.cpuPercentThreshold !== undefined && readings.cpuPercent !== undefined) {
    const high = readings.cpuPercent >= settings.cpuPercentThreshold;
    next = { ...next, cpu: record(next.cpu, high ? 'failure' : 'success') };
  }

  const problems: Problem[] = [];
  if (details.health.status === 'unhealthy') problems.push(dockerUnhealthyProblem(details));
  if (next.http.failing) problems.push(httpProblem(http, next.http, settings));
  if (next.responseTime.failing) {
    problems.push(slowResponseProblem(http, next.responseTime, settings, responseAnomaly?.message));
  }
  if (next.memory.failing) problems.push(memoryProblem(metrics, next.memory, settings, memoryLeak?.message));
  if (next.cpu.failing) problems.push(cpuProblem(metrics, next.cpu, settings));

  let status: HealthStatus = 'healthy';
  if (problems.length > 0) status = 'unhealthy';
  else if (details.health.status === 'starting' || inStartPeriod()) status = 'starting';
  return { verdict: verdict(status, problems), counters: next, readings };
}

function healthMetrics(
  details: ContainerDetails,
  http: HttpCheckResult | undefined,
  stats: ContainerStatsSample | undefined,
  previousStats: ContainerStatsSample | undefined,
): HealthMetrics {
  const memory = stats === undefined ? undefined : memoryUsage(stats);
  return {
    state: details.state,
    exitCode: details.exitCode,
    oomKilled: details.oomKilled,
    dockerHealth: details.health.status,
    restartCount: details.restartCount,
    httpStatus: http?.status,
    responseTimeMs: http?.responseTimeMs,
    memoryBytes: memory?.usedBytes,
    memoryLimitBytes: memory?.limitBytes,
    memoryPercent: memory?.percent,
    // Unknown rather than 0 without an earlier reading: a first check must not claim an idle CPU.
    cpuPercent:
      stats !== undefined && previousStats !== undefined ? cpuPercent(previousStats, stats) : undefined,
  };
}

/**
 * This round's readings against the learned normal. `responseTime` is set when a warmed-up
 * response-time baseline exists and a response came; `memoryLeak` when a memory window exists;
 * each carries a message only when it is a finding.
 */
function learnedEvidence(
  snapshot: BaselineSnapshot | undefined,
  http: HttpCheckResult | undefined,
  metrics: HealthMetrics,
  now: number,
  /** Memory readings before this belong to another run or its start-up. */
  settledAt: number,
): {
  readonly responseTime: { readonly anomalous: boolean; readonly message: string | undefined } | undefined;
  readonly memoryLeak: { readonly leaking: boolean; readonly message: string | undefined } | undefined;
} {
  if (snapshot === undefined) return { responseTime: undefined, memoryLeak: undefined };
  const baseline = snapshot.baselines.find((learned) => learned.metric === 'response_time_ms');
  let responseTime: { anomalous: boolean; message: string | undefined } | undefined;
  if (baseline !== undefined && http?.status !== undefined) {
    const assessment = assessAnomaly({
      baseline,
      value: http.responseTimeMs,
      minSamples: snapshot.minSamples,
    });
    responseTime = {
      anomalous: assessment.anomalous,
      message: assessment.anomalous ? assessment.message : undefined,
    };
  }
  let memoryLeak: { leaking: boolean; message: string | undefined } | undefined;
  if (metrics.memoryBytes !== undefined && snapshot.memoryWindow.length > 0 && now >= settledAt) {
    const readings = [
      ...snapshot.memoryWindow.filter((reading) => reading.at >= settledAt && reading.at < now),
      { at: now, bytes: metrics.memoryBytes },
    ];
    const assessment = assessMemoryLeak({ readings, limitBytes: metrics.memoryLimitBytes });
    memoryLeak = {
      leaking: assessment.leaking,
      message: assessment.leaking ? assessment.message : undefined,
    };
  }
  return { responseTime, memoryLeak };
}

/** Docker reports never-started containers as year 1; those have no start period left. */
function startTime(startedAt: string | null): number {
  if (startedAt === null) return Number.NEGATIVE_INFINITY;
  const time = Date.parse(startedAt);
  return Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time;
}

function stoppedProblem(details: ContainerDetails): Problem {
  const reason = details.error ? `: ${details.error}` : '';
  switch (details.state) {
    case 'created':
      return { kind: 'container_stopped', message: 'container was created but never started' };
    case 'removing':
      return { kind: 'container_stopped', message: 'container is being removed' };
    case 'dead':
      return { kind: 'container_stopped', message: `container is dead${reason}` };
    default:
      return {
        kind: 'container_stopped',
        message: `container exited with code ${details.exitCode ?? 'unknown'}${reason}`,
      };
  }
}

function oomProblem(details: ContainerDetails): Problem {
  return {
    kind: 'oom_killed',
    message: `container was killed for running out of memory (exit code ${details.exitCode ?? 'unknown'})`,
  };
}

function dockerUnhealthyProblem(details: ContainerDetails): Problem {
  const last = details.health.log.at(-1);
  const output = last ? `: ${oneLine(last.output)}` : '';
  return {
    kind: 'docker_unhealthy',
    message: `Docker HEALTHCHECK reports unhealthy after ${details.health.failingStreak} failed runs${output}`,
  };
}

function httpProblem(
  http: HttpCheckResult | undefined,
  counter: ProbeCounter,
  settings: HealthThresholds,
): Problem {
  if (http === undefined || http.ok) {
    return { kind: 'http_failed', message: recovering('HTTP check', http?.url, counter, settings) };
  }
  const what =
    http.status !== undefined
      ? `HTTP ${http.status} from ${http.url}`
      : `no response from ${http.url}: ${http.error ?? 'unknown error'}`;
  return { kind: 'http_failed', message: `${what}${inARow(counter)}` };
}

/** `anomaly` is the message of this round's response-time anomaly, when there is one. */
function slowResponseProblem(
  http: HttpCheckResult | undefined,
  counter: ProbeCounter,
  settings: HealthThresholds,
  anomaly: string | undefined,
): Problem {
  const limit = settings.responseTimeMsThreshold;
  if (
    http === undefined ||
    http.status === undefined ||
    limit === undefined ||
    http.responseTimeMs <= limit
  ) {
    if (anomaly !== undefined) {
      return {
        kind: 'response_time_anomaly',
        message: `${http?.url ?? 'the endpoint'} answered in ${anomaly}${inARow(counter)}`,
      };
    }
    // Without a threshold only a learned baseline can have failed this probe.
    const kind = limit === undefined ? 'response_time_anomaly' : 'slow_response';
    return { kind, message: recovering('response time', http?.url, counter, settings) };
  }
  return {
    kind: 'slow_response',
    message: `${http.url} answered in ${Math.round(http.responseTimeMs)} ms, above the ${limit} ms threshold${inARow(counter)}`,
  };
}

/** `leak` is the message of this round's leak finding, when there is one. */
function memoryProblem(
  metrics: HealthMetrics,
  counter: ProbeCounter,
  settings: HealthThresholds,
  leak: string | undefined,
): Problem {
  const limit = settings.memoryPercentThreshold;
  const percent = metrics.memoryPercent;
  if (percent === undefined || limit === undefined || percent < limit) {
    if (leak !== undefined) return { kind: 'memory_leak', message: `${leak}${inARow(counter)}` };
    const kind = limit === undefined ? 'memory_leak' : 'high_memory_usage';
    return { kind, message: recovering('memory use', undefined, counter, settings) };
  }
  const mib = (bytes: number | undefined) => Math.round((bytes ?? 0) / (1024 * 1024));
  return {
    kind: 'high_memory_usage',
    message: `memory at ${percent.toFixed(1)}% (${mib(metrics.memoryBytes)} of ${mib(metrics.memoryLimitBytes)} MiB), threshold ${limit}%${inARow(counter)}`,
  };
}

function cpuProblem(metrics: HealthMetrics, counter: ProbeCounter, settings: HealthThresholds): Problem {
  const limit = settings.cpuPercentThreshold;
  const percent = metrics.cpuPercent;
  if (percent === undefined || limit === undefined || percent < limit) {
    return { kind: 'high_cpu_usage', message: recovering('CPU use', undefined, counter, settings) };
  }
  return {
    kind: 'high_cpu_usage',
    message: `CPU at ${percent.toFixed(1)}%, threshold ${limit}%${inARow(counter)}`,
  };
}

function inARow(counter: ProbeCounter): string {
  return counter.consecutiveFailures > 1 ? ` (${counter.consecutiveFailures} checks in a row)` : '';
}

/** A problem stays until `successThreshold` good readings in a row; say so rather than repeat an old figure. */
function recovering(
  what: string,
  url: string | undefined,
  counter: ProbeCounter,
  settings: HealthThresholds,
): string {
  const subject = url ? `${what} of ${url}` : what;
  if (counter.consecutiveSuccesses === 0) return `${subject} still failing (no reading this round)`;
  return `${subject} recovering: ${counter.consecutiveSuccesses} of ${settings.successThreshold} good checks in a row`;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
