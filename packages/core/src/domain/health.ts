import type { ContainerState, DockerHealthStatus } from './container.js';

/**
 * What kind of failure a check found. These are also the keys of `healing.strategies` in the
 * config. `custom_error` is the kind a user's own check or diagnosis rule raises.
 */
export const problemKinds = [
  'container_stopped',
  'oom_killed',
  'crash_loop',
  'docker_unhealthy',
  'http_failed',
  'slow_response',
  'high_memory_usage',
  'high_cpu_usage',
  // NESTED inner layer: far outside the container's own learned normal, though under the general thresholds.
  'response_time_anomaly',
  'memory_leak',
  'custom_error',
] as const;
/** One of `problemKinds`. */
export type ProblemKind = (typeof problemKinds)[number];

/** Something wrong that a check found, in one sentence. */
export interface Problem {
  readonly kind: ProblemKind;
  /** One human sentence: "HTTP 500 from http://127.0.0.1:8080/health". */
  readonly message: string;
}

/** The answer of one HTTP health probe. */
export interface HttpCheckResult {
  readonly url: string;
  readonly ok: boolean;
  /** Undefined when no response came (timeout, refused). */
  readonly status: number | undefined;
  readonly responseTimeMs: number;
  /** `timeout`, `ECONNREFUSED`, `unexpected status 500` ... */
  readonly error: string | undefined;
  /** No answer came within the probe's timeout (as opposed to a refusal or a bad status). */
  readonly timedOut?: boolean;
}

/** What one check measured; `undefined` where it measured nothing (no endpoint, no stats). */
export interface HealthMetrics {
  readonly state: ContainerState;
  readonly exitCode: number | null;
  readonly oomKilled: boolean;
  readonly dockerHealth: DockerHealthStatus;
  readonly restartCount: number;
  readonly httpStatus: number | undefined;
  readonly responseTimeMs: number | undefined;
  readonly memoryBytes: number | undefined;
  readonly memoryLimitBytes: number | undefined;
  readonly memoryPercent: number | undefined;
  readonly cpuPercent: number | undefined;
}

/** `starting` is the grace period after a start; `stopped_by_operator` is left alone. */
export type HealthStatus = 'healthy' | 'unhealthy' | 'starting' | 'stopped_by_operator' | 'paused';

/** The outcome of checking one container once. */
export interface HealthVerdict {
  readonly containerId: string;
  readonly containerName: string;
  readonly checkedAt: number;
  readonly healthy: boolean;
  readonly status: HealthStatus;
  readonly problems: readonly Problem[];
  readonly metrics: HealthMetrics;
}

/** One stored row per check. */
export interface HealthSample {
  readonly id: string;
  readonly host: string;
  readonly containerId: string;
  readonly containerName: string;
  readonly checkedAt: number;
  readonly healthy: boolean;
  readonly status: HealthStatus;
  readonly problems: readonly Problem[];
  readonly metrics: HealthMetrics;
}
