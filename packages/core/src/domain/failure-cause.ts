import type { BuiltInActionName } from './action.js';

/**
 * What went wrong, as one of a fixed set of causes. A diagnosis names one, so the healing plan can
 * follow the cause rather than the trigger that noticed it: a crash caused by a port clash and a
 * crash caused by a segfault look the same to Docker, but only one of them a restart can fix.
 */
export const failureCauses = [
  'disk_full',
  'read_only_filesystem',
  'too_many_open_files',
  'connection_exhaustion',
  'port_in_use',
  'dependency_unreachable',
  'dns_failure',
  'tls_failure',
  'missing_config',
  'permission_denied',
  'missing_binary',
  'segfault',
  'out_of_memory',
  'memory_pressure',
  'memory_leak',
  'cpu_runaway',
  'crash_loop',
  'crash',
  'clean_exit',
  'server_errors',
  'rate_limited',
  'timeout',
  'slow_response',
  'response_time_anomaly',
  'docker_unhealthy',
  'healthy_now',
  'unknown',
] as const;
/** One of `failureCauses`. */
export type FailureCause = (typeof failureCauses)[number];

export interface FailureCauseTraits {
  /** Words a person reads: "disk full", "port already in use". */
  readonly label: string;
  /**
   * Whether restarting the container can fix this cause. When false, a restart repeats the
   * failure (the same config, the same busy port, the same full disk) and burns the budget.
   */
  readonly restartHelps: boolean;
  /**
   * Non-restart actions that treat the cause itself, tried before anything else (in order).
   * Empty when only a person (or another container's healing) can fix it.
   */
  readonly remedies: readonly BuiltInActionName[];
}

const traits: Readonly<Record<FailureCause, FailureCauseTraits>> = {
  disk_full: { label: 'disk full', restartHelps: false, remedies: ['clear_cache'] },
  read_only_filesystem: { label: 'read-only file system', restartHelps: false, remedies: [] },
  too_many_open_files: { label: 'too many open files', restartHelps: true, remedies: [] },
  connection_exhaustion: {
    label: 'connections exhausted',
    restartHelps: true,
    remedies: ['reset_connections'],
  },
  port_in_use: { label: 'port already in use', restartHelps: false, remedies: [] },
  dependency_unreachable: { label: 'dependency unreachable', restartHelps: false, remedies: [] },
  dns_failure: { label: 'name resolution failed', restartHelps: false, remedies: [] },
  tls_failure: { label: 'TLS failure', restartHelps: false, remedies: [] },
  missing_config: { label: 'missing or invalid configuration', restartHelps: false, remedies: [] },
  permission_denied: { label: 'permission denied', restartHelps: false, remedies: [] },
  missing_binary: { label: 'missing binary or entrypoint', restartHelps: false, remedies: [] },
  segfault: { label: 'segmentation fault', restartHelps: true, remedies: [] },
  out_of_memory: { label: 'out of memory', restartHelps: true, remedies: [] },
  memory_pressure: { label: 'memory pressure', restartHelps: true, remedies: ['garbage_collection'] },
  memory_leak: { label: 'memory leak', restartHelps: true, remedies: [] },
  cpu_runaway: { label: 'runaway CPU', restartHelps: true, remedies: [] },
  crash_loop: { label: 'crash loop', restartHelps: false, remedies: [] },
  crash: { label: 'crash', restartHelps: true, remedies: [] },
  clean_exit: { label: 'exited cleanly', restartHelps: true, remedies: [] },
  server_errors: { label: 'server errors (5xx)', restartHelps: true, remedies: [] },
  rate_limited: { label: 'rate limited (429)', restartHelps: false, remedies: [] },
  timeout: { label: 'timeout', restartHelps: true, remedies: [] },
  slow_response: { label: 'slow responses', restartHelps: true, remedies: [] },
  response_time_anomaly: { label: 'response time anomaly', restartHelps: true, remedies: [] },
  docker_unhealthy: { label: 'Docker HEALTHCHECK failing', restartHelps: true, remedies: [] },
  healthy_now: { label: 'healthy now', restartHelps: false, remedies: [] },
  unknown: { label: 'unknown cause', restartHelps: true, remedies: [] },
};

export function failureCauseTraits(cause: FailureCause): FailureCauseTraits {
  return traits[cause];
}

/**
 * Whether a value (a model's answer, a stored row) names one of the `failureCauses`.
 *
 * @example
 * ```ts
 * import { isFailureCause } from '@website-monitor/core';
 *
 * const cause = isFailureCause(answer.cause) ? answer.cause : 'unknown';
 * ```
 */
export function isFailureCause(value: unknown): value is FailureCause {
  return typeof value === 'string' && Object.hasOwn(traits, value);
}
