import { defaultCheckSettings } from '../config/default-monitor-config.js';
import type { ContainerDetails, ContainerStatsSample } from '../domain/container.js';
import type {
  HealthMetrics,
  HealthStatus,
  HealthVerdict,
  HttpCheckResult,
  Problem,
} from '../domain/health.js';
import { ContainerRuntimeError, MonitorError } from '../errors/monitor-error.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import type { HttpProber } from '../ports/http-prober.js';
import { evaluateHealth, type HealthThresholds } from './evaluate-health.js';
import { createNodeHttpProber } from './node-http-prober.js';

/** What `checkContainerHealth` checks, and how. Only `runtime` and `name` are required. */
export interface CheckContainerHealthOptions {
  /** The engine to ask (`createDockerRuntime()`). */
  readonly runtime: ContainerRuntime;
  /** Container name (or id). */
  readonly name: string;
  /** Probed only while the container runs. */
  readonly healthEndpoint?: string;
  /** Defaults to `createNodeHttpProber()`. */
  readonly prober?: HttpProber;
  /** Defaults to 10 000 (the seed's `health_check_timeout: 10`). */
  readonly timeoutMs?: number;
  /** Defaults to 200-399, as the config does. */
  readonly expectedStatus?: readonly number[];
  /** Thresholds; the config defaults otherwise. Failure and success thresholds are always 1 here. */
  readonly settings?: Partial<HealthThresholds>;
  /** The `stats` of an earlier call, so this one can report CPU. */
  readonly previousStats?: ContainerStatsSample;
  /** Defaults to the system clock. */
  readonly clock?: Clock;
  /** Aborts the inspect, the stats reading and the probe. */
  readonly signal?: AbortSignal;
}

/** The answer of `checkContainerHealth`: the verdict, with what it was read from. */
export interface ContainerHealthCheck {
  readonly healthy: boolean;
  readonly status: HealthStatus;
  readonly metrics: HealthMetrics;
  readonly problems: readonly Problem[];
  readonly verdict: HealthVerdict;
  readonly details: ContainerDetails;
  readonly http: HttpCheckResult | undefined;
  /** Pass as `previousStats` to the next call for a CPU figure. */
  readonly stats: ContainerStatsSample | undefined;
}

/**
 * Checks one container once: the seed's `check_container_health`, usable without the agent (the CLI's
 * `check` command, a script, a test). Inspect by name; while it runs, one-shot stats and the HTTP
 * probe side by side; then the same `evaluateHealth` the agent uses.
 *
 * A one-off check has no history to debounce over, so failure and success thresholds are 1: what
 * it sees now is the answer. The start period still applies, so a container that started a moment
 * ago reads `starting` rather than failing.
 *
 * A container that does not exist is a `ContainerRuntimeError` of kind `not_found` ("no container
 * named X"), not an unhealthy verdict: there is nothing to judge, and the CLI can print that line
 * and exit 2. An unreachable engine throws likewise. A stats reading that fails (the container
 * exited between inspect and stats) only leaves the resource metrics empty.
 *
 * @example
 * ```ts
 * import { checkContainerHealth } from '@website-monitor/core';
 * import { createDockerRuntime } from '@website-monitor/docker-adapter';
 *
 * const check = await checkContainerHealth({
 *   runtime: createDockerRuntime(),
 *   name: 'web',
 *   healthEndpoint: 'http://localhost:8080/health',
 * });
 * if (!check.healthy) console.log(check.status, check.problems.map((problem) => problem.message));
 * ```
 */
export async function checkContainerHealth(
  options: CheckContainerHealthOptions,
): Promise<ContainerHealthCheck> {
  const { runtime, name, healthEndpoint, previousStats, signal } = options;
  const clock = options.clock ?? systemClock;
  const defaults = defaultCheckSettings();
  const settings: HealthThresholds = {
    startPeriodSeconds: defaults.startPeriodSeconds,
    memoryPercentThreshold: defaults.memoryPercentThreshold,
    cpuPercentThreshold: defaults.cpuPercentThreshold,
    responseTimeMsThreshold: defaults.responseTimeMsThreshold,
    ...options.settings,
    failureThreshold: 1,
    successThreshold: 1,
  };

  const details = await inspectByName(runtime, name, signal);
  let http: HttpCheckResult | undefined;
  let stats: ContainerStatsSample | undefined;
  if (details.state === 'running') {
    const prober = options.prober ?? createNodeHttpProber();
    [stats, http] = await Promise.all([
      readStats(runtime, details.id, signal),
      healthEndpoint === undefined
        ? undefined
        : prober.probe({
            url: healthEndpoint,
            timeoutMs: options.timeoutMs ?? 10_000,
            expectedStatus: options.expectedStatus ?? defaults.expectedStatus,
            ...(signal ? { signal } : {}),
          }),
    ]);
  }

  const { verdict } = evaluateHealth({
    details,
    ...(http ? { http } : {}),
    ...(stats ? { stats } : {}),
    ...(previousStats ? { previousStats } : {}),
    settings,
    now: clock.now(),
  });
  return {
    healthy: verdict.healthy,
    status: verdict.status,
    metrics: verdict.metrics,
    problems: verdict.problems,
    verdict,
    details,
    http,
    stats,
  };
}

async function inspectByName(
  runtime: ContainerRuntime,
  name: string,
  signal: AbortSignal | undefined,
): Promise<ContainerDetails> {
  try {
    return await runtime.inspect({ id: name, ...(signal ? { signal } : {}) });
  } catch (error) {
    if (error instanceof ContainerRuntimeError && error.kind === 'not_found') {
      throw new ContainerRuntimeError('not_found', `no container named "${name}"`, {
        container: name,
        cause: error,
      });
    }
    throw error;
  }
}

async function readStats(
  runtime: ContainerRuntime,
  id: string,
  signal: AbortSignal | undefined,
): Promise<ContainerStatsSample | undefined> {
  try {
    return await runtime.stats({ id, ...(signal ? { signal } : {}) });
  } catch (error) {
    // The runtime's own failures only cost the resource figures; anything else is a bug to surface.
    if (MonitorError.isInstance(error)) return undefined;
    throw error;
  }
}
