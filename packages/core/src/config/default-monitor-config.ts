import { defaultHostReportIntervalSeconds } from '../domain/host-report.js';
import type {
  ContainerCheckSettings,
  HealingConfig,
  MonitorConfig,
  StrategyStep,
  SwarmHealingConfig,
} from './monitor-config.js';

/** The Claude model the seed config names; used when `claude.model` is left out. */
export const defaultClaudeModel = 'claude-sonnet-4-5-20250929';

/**
 * What an empty config file means: watch every container, restart the ones that fail within a
 * budget, and ask a person before anything riskier. Thresholds follow the kubelet (failure
 * threshold 3, success threshold 1) because operators already know them; the HTTP probe runs
 * every 3 s and confirms a failure with quick re-probes instead of kubelet's full 10 s periods
 * (see `probeIntervalSeconds`), while resource readings keep the 10 s cadence. The 5 s start
 * period keeps a container's own boot from counting as a failure.
 *
 * @example
 * ```ts
 * import { defaultMonitorConfig } from '@website-monitor/core';
 *
 * const defaults = defaultMonitorConfig();
 * const config = { ...defaults, healing: { ...defaults.healing, dryRun: true } };
 * ```
 */
export function defaultMonitorConfig(): MonitorConfig {
  return {
    monitoring: {
      intervalSeconds: 30,
      healthCheckTimeoutSeconds: 10,
      discovery: 'all',
      maxConcurrentChecks: 16,
      // Labels come from whoever starts a container: they may point the probe at it, nowhere else.
      trustLabels: false,
      defaults: defaultCheckSettings(),
      containers: [],
    },
    healing: {
      autoHealEnabled: true,
      dryRun: false,
      autoFixActions: ['restart_container', 'clear_cache', 'reset_connections', 'rollback_service'],
      manualApprovalRequired: ['database_migration', 'configuration_change', 'force_redeploy_service'],
      strategies: defaultStrategies(),
      minConfidence: 60,
      stopTimeoutSeconds: 10,
      maxConcurrentRestarts: 2,
      // A storm's line opens up to 16 slots (restart-queue.ts): Docker's policy starts every
      // crashed container at once; 16 concurrent starts kept a 2-core engine busy without
      // handing it hundreds at a time.
      stormConcurrentRestarts: 16,
      // kubelet CrashLoopBackOff: 10 s doubling to 5 min.
      backoffInitialSeconds: 10,
      backoffMaxSeconds: 300,
      respectOperatorStops: true,
      restartDependents: false,
      restartPolicyGraceSeconds: 5,
      causePlans: {},
      // Docker's restart manager also calls a run stable after 10 s.
      resolveAfterSeconds: 10,
      // kubelet resets its crash-loop backoff after 10 min of stable running: same window.
      reopenWindowSeconds: 600,
      dependencyWaitSeconds: 60,
      swarm: defaultSwarmHealing(),
    },
    claude: {
      // Off unless asked for: diagnosis sends (redacted) logs off the host.
      enabled: false,
      model: defaultClaudeModel,
      useForDiagnosis: true,
      diagnosisWaitSeconds: 10,
    },
    storage: {
      url: undefined,
      path: defaultStoragePath,
      retentionDays: 30,
      incidentRetentionDays: undefined,
      spoolPath: defaultSpoolPath,
      spoolMaxBytes: 256 * 1024 ** 2,
    },
    notifications: { enabled: true, webhooks: [] },
    api: { allowedHosts: [] },
    agent: { standby: false },
    hosts: { reportIntervalSeconds: defaultHostReportIntervalSeconds },
  };
}

/**
 * The embedded database and the spool live together in one directory of their own, so one
 * volume mount keeps both. Relative paths are resolved against the config file's directory.
 */
export const defaultStoragePath = './.website-monitor/monitor.db';
export const defaultSpoolPath = './.website-monitor/spool.db';
/** The spool's file name when only `storage.path` is set: it goes next to the database. */
export const spoolFileName = 'spool.db';

export function defaultCheckSettings(): ContainerCheckSettings {
  return {
    checkIntervalSeconds: 10,
    // A failing endpoint is seen within 3 s and confirmed by 2 more probes 0.5 s apart: an incident
    // within ~4.5 s (p95) of the first failed answer, where kubelet's 10 s x 3 takes ~27 s.
    probeIntervalSeconds: 3,
    confirmIntervalSeconds: 0.5,
    expectedStatus: statusRange(200, 399),
    failureThreshold: 3,
    successThreshold: 1,
    startPeriodSeconds: 5,
    memoryPercentThreshold: 90,
    cpuPercentThreshold: undefined,
    responseTimeMsThreshold: 10_000,
    maxRestartsPerHour: 3,
    autoRestart: true,
    critical: false,
  };
}

/**
 * The defaults of `healing.swarm`. Swarm's own defaults set the pace: it restarts a failed task
 * after 5 s and pauses an update whose new tasks fail, so three failures in five minutes is a
 * crash loop, not a hiccup.
 *
 * @example
 * ```ts
 * import { defaultMonitorConfig, defaultSwarmHealing } from '@website-monitor/core';
 *
 * const defaults = defaultMonitorConfig();
 * // Roll back a failed update only with a person's yes:
 * const config = {
 *   ...defaults,
 *   healing: { ...defaults.healing, manualApprovalRequired: ['rollback_service'], swarm: defaultSwarmHealing() },
 * };
 * ```
 */
export function defaultSwarmHealing(): SwarmHealingConfig {
  return {
    enabled: true,
    taskFailures: 3,
    failureWindowSeconds: 300,
    recentUpdateSeconds: 3600,
    failedUpdate: ['rollback_service'],
    failingTasks: ['force_redeploy_service'],
  };
}

/** The Swarm settings of a healing config, the defaults when it has none (one built by hand). */
export function swarmHealingOf(healing: HealingConfig): SwarmHealingConfig {
  return healing.swarm ?? defaultSwarmHealing();
}

/** Per problem kind; a kind the user lists in `healing.strategies` replaces its entry here. */
export function defaultStrategies(): MonitorConfig['healing']['strategies'] {
  const restart: StrategyStep = step('restart_container', { maxAttempts: 3, backoffSeconds: 10 });
  return {
    container_stopped: [restart],
    oom_killed: [restart],
    crash_loop: [step('diagnose_with_claude'), restart],
    docker_unhealthy: [restart],
    http_failed: [restart],
    slow_response: [step('diagnose_with_claude')],
    high_memory_usage: [
      step('garbage_collection'),
      step('restart_if_above_threshold', { thresholdPercent: 90 }),
    ],
    high_cpu_usage: [step('diagnose_with_claude')],
    response_time_anomaly: [step('diagnose_with_claude')],
    memory_leak: [step('diagnose_with_claude')],
    custom_error: [step('diagnose_with_claude')],
  };
}

function step(action: string, options: Partial<Omit<StrategyStep, 'action'>> = {}): StrategyStep {
  return {
    action,
    maxAttempts: options.maxAttempts,
    backoffSeconds: options.backoffSeconds,
    thresholdPercent: options.thresholdPercent,
    script: undefined,
    timeoutSeconds: undefined,
  };
}

function statusRange(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, index) => from + index);
}
