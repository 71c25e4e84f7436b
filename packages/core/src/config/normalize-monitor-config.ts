import { dirname, join, resolve } from 'node:path';
import type { ProblemKind } from '../domain/health.js';
import { defaultHostReportIntervalSeconds } from '../domain/host-report.js';
import type { RawMonitorConfig } from './config-schema.js';
import { defaultMonitorConfig, defaultSwarmHealing, spoolFileName } from './default-monitor-config.js';
import type {
  ContainerCheckSettings,
  ContainerConfig,
  MonitorConfig,
  StorageConfig,
  StrategyStep,
} from './monitor-config.js';

type RawCheckSettings = NonNullable<NonNullable<RawMonitorConfig['monitoring']>['defaults']>;
type RawContainer = NonNullable<NonNullable<RawMonitorConfig['monitoring']>['containers']>[number];
type RawStrategies = NonNullable<NonNullable<RawMonitorConfig['healing']>['strategies']>;
type RawStorage = NonNullable<RawMonitorConfig['storage']>;

export interface NormalizeOptions {
  /**
   * Relative storage paths (the defaults too) are resolved against this directory: the config
   * file's, so `run` and `incidents` find the same database whatever directory they start in.
   * Undefined (a config given as text): paths stay as written, relative to the working directory.
   */
  readonly baseDirectory?: string;
}

/** Validated snake_case data to the camelCase `MonitorConfig`, with every default filled in. */
export function normalizeMonitorConfig(raw: RawMonitorConfig, options: NormalizeOptions = {}): MonitorConfig {
  const defaults = defaultMonitorConfig();
  const monitoring = raw.monitoring ?? {};
  const healing = raw.healing ?? {};
  const claude = raw.claude ?? {};
  return {
    monitoring: {
      intervalSeconds: monitoring.interval_seconds ?? defaults.monitoring.intervalSeconds,
      healthCheckTimeoutSeconds:
        monitoring.health_check_timeout ?? defaults.monitoring.healthCheckTimeoutSeconds,
      discovery: monitoring.discovery ?? defaults.monitoring.discovery,
      ...(monitoring.enable_label === undefined ? {} : { enableLabel: monitoring.enable_label }),
      maxConcurrentChecks: monitoring.max_concurrent_checks ?? defaults.monitoring.maxConcurrentChecks,
      trustLabels: monitoring.trust_labels ?? defaults.monitoring.trustLabels,
      defaults: { ...defaults.monitoring.defaults, ...checkSettingsOverrides(monitoring.defaults ?? {}) },
      containers: (monitoring.containers ?? []).map(normalizeContainer),
    },
    healing: {
      autoHealEnabled: healing.auto_heal_enabled ?? defaults.healing.autoHealEnabled,
      dryRun: healing.dry_run ?? defaults.healing.dryRun,
      autoFixActions: unique(healing.auto_fix_actions ?? defaults.healing.autoFixActions),
      manualApprovalRequired: unique(
        healing.manual_approval_required ?? defaults.healing.manualApprovalRequired,
      ),
      strategies: { ...defaults.healing.strategies, ...normalizeStrategies(healing.strategies ?? {}) },
      minConfidence: healing.min_confidence ?? defaults.healing.minConfidence,
      stopTimeoutSeconds: healing.stop_timeout_seconds ?? defaults.healing.stopTimeoutSeconds,
      maxConcurrentRestarts: healing.max_concurrent_restarts ?? defaults.healing.maxConcurrentRestarts,
      // The default storm limit never lowers a steady limit set above it.
      stormConcurrentRestarts: Math.max(
        healing.storm_concurrent_restarts ?? defaults.healing.stormConcurrentRestarts,
        healing.max_concurrent_restarts ?? defaults.healing.maxConcurrentRestarts,
      ),
      backoffInitialSeconds: healing.backoff_initial_seconds ?? defaults.healing.backoffInitialSeconds,
      backoffMaxSeconds: healing.backoff_max_seconds ?? defaults.healing.backoffMaxSeconds,
      respectOperatorStops: healing.respect_operator_stops ?? defaults.healing.respectOperatorStops,
      restartDependents: healing.restart_dependents ?? defaults.healing.restartDependents,
      restartPolicyGraceSeconds:
        healing.restart_policy_grace_seconds ?? defaults.healing.restartPolicyGraceSeconds,
      causePlans: normalizeStrategies(healing.cause_plans ?? {}),
      resolveAfterSeconds: healing.resolve_after_seconds ?? defaults.healing.resolveAfterSeconds,
      reopenWindowSeconds: healing.reopen_window_seconds ?? defaults.healing.reopenWindowSeconds,
      dependencyWaitSeconds: healing.dependency_wait_seconds ?? defaults.healing.dependencyWaitSeconds,
      swarm: normalizeSwarm(healing.swarm ?? {}),
    },
    claude: {
      enabled: claude.enabled ?? defaults.claude.enabled,
      model: claude.model ?? defaults.claude.model,
      useForDiagnosis: claude.use_for_diagnosis ?? defaults.claude.useForDiagnosis,
      diagnosisWaitSeconds: claude.diagnosis_wait_seconds ?? defaults.claude.diagnosisWaitSeconds,
    },
    storage: normalizeStorage(raw.storage ?? {}, defaults.storage, options.baseDirectory),
    notifications: {
      enabled: raw.notifications?.enabled ?? defaults.notifications.enabled,
      webhooks: (raw.notifications?.webhooks ?? []).map((webhook) => ({
        name: webhook.name,
        type: webhook.type,
        url: webhook.url,
        kinds: webhook.kinds,
        headers: webhook.headers,
        timeoutMs: webhook.timeout_ms,
        retries: webhook.retries,
        ...(webhook.text_key === undefined ? {} : { textKey: webhook.text_key }),
        ...(webhook.triggers === undefined ? {} : { triggers: webhook.triggers }),
      })),
    },
    api: {
      allowedHosts: unique((raw.api?.allowed_hosts ?? []).map((entry) => entry.toLowerCase())),
    },
    agent: { standby: raw.agent?.standby ?? defaults.agent?.standby ?? false },
    ...(raw.host === undefined ? {} : { host: raw.host }),
    hosts: {
      reportIntervalSeconds:
        raw.hosts?.report_interval ??
        defaults.hosts?.reportIntervalSeconds ??
        defaultHostReportIntervalSeconds,
    },
  };
}

function normalizeSwarm(raw: NonNullable<NonNullable<RawMonitorConfig['healing']>['swarm']>) {
  const defaults = defaultSwarmHealing();
  return {
    enabled: raw.enabled ?? defaults.enabled,
    taskFailures: raw.task_failures ?? defaults.taskFailures,
    failureWindowSeconds: raw.failure_window_seconds ?? defaults.failureWindowSeconds,
    recentUpdateSeconds: raw.recent_update_seconds ?? defaults.recentUpdateSeconds,
    failedUpdate: unique(raw.failed_update ?? defaults.failedUpdate),
    failingTasks: unique(raw.failing_tasks ?? defaults.failingTasks),
  };
}

function normalizeStorage(
  raw: RawStorage,
  defaults: StorageConfig,
  baseDirectory: string | undefined,
): StorageConfig {
  const place = (path: string) => (baseDirectory === undefined ? path : resolve(baseDirectory, path));
  const path = place(raw.path ?? defaults.path);
  // Only `path` given: the spool goes next to the database, not back to the default directory.
  const spoolPath =
    raw.spool_path !== undefined
      ? place(raw.spool_path)
      : raw.path !== undefined
        ? join(dirname(path), spoolFileName)
        : place(defaults.spoolPath);
  return {
    url: raw.url ?? defaults.url,
    path,
    retentionDays: raw.retention_days ?? defaults.retentionDays,
    incidentRetentionDays: raw.incident_retention_days ?? defaults.incidentRetentionDays,
    spoolPath,
    spoolMaxBytes: raw.spool_max_bytes ?? defaults.spoolMaxBytes,
  };
}

/**
 * Only the settings the user wrote, so a container entry can tell "not set, inherit" (key absent)
 * from "switched off" (key present, value undefined; YAML `null`).
 */
function checkSettingsOverrides(raw: RawCheckSettings): Partial<ContainerCheckSettings> {
  const settings: { -readonly [Key in keyof ContainerCheckSettings]?: ContainerCheckSettings[Key] } = {};
  if (raw.check_interval_seconds !== undefined) settings.checkIntervalSeconds = raw.check_interval_seconds;
  if (raw.probe_interval_seconds !== undefined) settings.probeIntervalSeconds = raw.probe_interval_seconds;
  if (raw.confirm_interval_seconds !== undefined)
    settings.confirmIntervalSeconds = raw.confirm_interval_seconds;
  if (raw.expected_status !== undefined) settings.expectedStatus = raw.expected_status;
  if (raw.failure_threshold !== undefined) settings.failureThreshold = raw.failure_threshold;
  if (raw.success_threshold !== undefined) settings.successThreshold = raw.success_threshold;
  if (raw.start_period_seconds !== undefined) settings.startPeriodSeconds = raw.start_period_seconds;
  if (raw.memory_percent_threshold !== undefined)
    settings.memoryPercentThreshold = raw.memory_percent_threshold ?? undefined;
  if (raw.cpu_percent_threshold !== undefined)
    settings.cpuPercentThreshold = raw.cpu_percent_threshold ?? undefined;
  if (raw.response_time_ms_threshold !== undefined)
    settings.responseTimeMsThreshold = raw.response_time_ms_threshold ?? undefined;
  if (raw.max_restarts_per_hour !== undefined) settings.maxRestartsPerHour = raw.max_restarts_per_hour;
  if (raw.auto_restart !== undefined) settings.autoRestart = raw.auto_restart;
  if (raw.critical !== undefined) settings.critical = raw.critical;
  return settings;
}

function normalizeContainer(raw: RawContainer): ContainerConfig {
  return {
    ...checkSettingsOverrides(raw),
    name: raw.name,
    healthEndpoint: raw.health_endpoint,
    dependsOn: unique(raw.depends_on ?? []),
    ignore: raw.ignore ?? false,
    ...(raw.stop_timeout_seconds === undefined ? {} : { stopTimeoutSeconds: raw.stop_timeout_seconds }),
  };
}

type RawSteps = RawStrategies[ProblemKind];

function normalizeStrategies<Key extends string>(
  raw: Partial<Record<Key, RawSteps>>,
): Partial<Record<Key, readonly StrategyStep[]>> {
  const strategies: Partial<Record<Key, readonly StrategyStep[]>> = {};
  for (const [kind, steps] of Object.entries(raw) as [Key, RawSteps][]) {
    if (steps === undefined) continue;
    strategies[kind] = steps.map((step) => ({
      action: step.action,
      maxAttempts: step.max_attempts,
      backoffSeconds: step.backoff_seconds,
      thresholdPercent: step.threshold_percent,
      script: step.script,
      timeoutSeconds: step.timeout_seconds,
    }));
  }
  return strategies;
}

function unique<Item>(items: readonly Item[]): Item[] {
  return [...new Set(items)];
}
