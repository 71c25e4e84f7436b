/**
 * `@website-monitor/core`: the public API. What is here follows semver (docs/api.md): embed the
 * agent, parse its config, write a healing strategy, a store, a notifier or a diagnoser. Fakes for
 * tests are in `@website-monitor/core/testing`; the rest of the core is `@website-monitor/core/internal`,
 * which makes no promise. `api/core.api.md` is the checked-in report of this surface.
 */

// The agent
export type { AgentEvents } from './agent/agent-events.js';
export type {
  AgentHealth,
  ContainerHealthAnswer,
  ContainerStatus,
  HealingRequestOutcome,
  MonitorAgentApi,
} from './agent/monitor-agent-api.js';
export type { WebsiteMonitorAgentOptions } from './agent/website-monitor-agent.js';
export { WebsiteMonitorAgent } from './agent/website-monitor-agent.js';

// One check without an agent
export type { CheckContainerHealthOptions, ContainerHealthCheck } from './check/check-container-health.js';
export { checkContainerHealth } from './check/check-container-health.js';
export type { HealthThresholds } from './check/evaluate-health.js';

// Config
export { defaultMonitorConfig, defaultSwarmHealing } from './config/default-monitor-config.js';
export type { EnvironmentVariables } from './config/env-interpolation.js';
export type { LoadMonitorConfigFileOptions } from './config/load-monitor-config-file.js';
export { loadMonitorConfigFile } from './config/load-monitor-config-file.js';
export type {
  AgentConfig,
  ApiConfig,
  ClaudeConfig,
  ContainerCheckSettings,
  ContainerConfig,
  ContainerSettings,
  DiscoveryMode,
  HealingConfig,
  HealthEndpointGuard,
  HostsConfig,
  MonitorConfig,
  MonitoringConfig,
  NotificationsConfig,
  StorageConfig,
  StrategyStep,
  SwarmHealingConfig,
  WebhookConfig,
} from './config/monitor-config.js';
export type { ParseMonitorConfigOptions, ValidateConfigResult } from './config/parse-monitor-config.js';
export { parseMonitorConfig, validateConfigText } from './config/parse-monitor-config.js';
export type {
  ResolveContainerSettingsOptions,
  ResolvedContainerSettings,
} from './config/resolve-container-settings.js';
export { resolveContainerSettings } from './config/resolve-container-settings.js';

// Domain types
export type { ActionName, BuiltInActionName, ServiceActionName } from './domain/action.js';
export { builtInActionNames, isServiceActionName, serviceActionNames } from './domain/action.js';
export type { BaselineMetric, ContainerBaseline } from './domain/baseline.js';
export type {
  ContainerDetails,
  ContainerEvent,
  ContainerEventAction,
  ContainerNetwork,
  ContainerState,
  ContainerStatsSample,
  ContainerSummary,
  DockerHealthStatus,
  HealthCheckRun,
  PublishedPort,
  RestartPolicy,
} from './domain/container.js';
export type { Diagnosis, DiagnosisSource, DiagnosisUsage, Urgency } from './domain/diagnosis.js';
export type { FailureCause } from './domain/failure-cause.js';
export { failureCauses, isFailureCause } from './domain/failure-cause.js';
export type {
  ActionDecidedBy,
  ActionResult,
  ApprovalRequest,
  ApprovalStatus,
  ApprovalStepParams,
  HealingActionRecord,
} from './domain/healing-action.js';
export type {
  HealthMetrics,
  HealthSample,
  HealthStatus,
  HealthVerdict,
  HttpCheckResult,
  Problem,
  ProblemKind,
} from './domain/health.js';
export { problemKinds } from './domain/health.js';
export type {
  HealthAggregate,
  HealthBucket,
  HealthSummary,
  HealthSummaryQuery,
  MetricSummary,
} from './domain/health-summary.js';
export {
  healthSummaryQueryProblem,
  healthSummaryResolutionMs,
  summarizeHealthSamples,
} from './domain/health-summary.js';
export type { HostReport, HostRole } from './domain/host-report.js';
export {
  defaultHostReportIntervalSeconds,
  hostNameProblem,
  hostReportMissedIntervals,
  isHostReporting,
  maxHostNameLength,
} from './domain/host-report.js';
export type { Incident, IncidentHistoryEntry, IncidentStatus } from './domain/incident.js';
export { openIncidentStatuses } from './domain/incident.js';

// Errors
export type { ConfigIssue, ContainerRuntimeErrorKind, MonitorErrorCode } from './errors/monitor-error.js';
export {
  ConfigError,
  ContainerRuntimeError,
  DiagnoserError,
  formatConfigIssues,
  MonitorError,
  NoSuchStrategyError,
  StoreError,
} from './errors/monitor-error.js';

// Healing strategies (plugins)
export type { HealingContext, HealingOutcome, HealingStrategy } from './heal/healing-strategy.js';
export type { HealingStrategyRegistry } from './heal/strategy-registry.js';
export {
  createDefaultStrategyRegistry,
  createStrategyRegistry,
  defineHealingStrategy,
} from './heal/strategy-registry.js';

// Ports
export type { Clock } from './ports/clock.js';
export { systemClock } from './ports/clock.js';
export type { ContainerRuntime, EngineInfo } from './ports/container-runtime.js';
export type { Diagnoser, DiagnosisContext } from './ports/diagnoser.js';
export type {
  EngineLeaseAnswer,
  EngineLeaseHolder,
  EngineLeaseRecord,
  EngineLeaseRole,
  EngineLeaseStore,
  SessionEngineLeaseStore,
} from './ports/engine-lease.js';
export type { HttpProber } from './ports/http-prober.js';
export type { Logger, LogLevel } from './ports/logger.js';
export { silentLogger } from './ports/logger.js';
export type {
  AgentAlert,
  AgentAlertKind,
  Notification,
  NotificationKind,
  Notifier,
} from './ports/notifier.js';
export type { Store } from './ports/store.js';
export type {
  SwarmService,
  SwarmServiceMode,
  SwarmServices,
  SwarmTask,
  SwarmTaskState,
  SwarmUpdateState,
  SwarmUpdateStatus,
} from './ports/swarm-services.js';

// Redaction, for whoever writes container text somewhere (a store, a notifier, a logger, a diagnoser)
export { redactContext } from './redact/redact-context.js';
export type { RedactDeepOptions } from './redact/redact-deep.js';
export { redactDeep } from './redact/redact-deep.js';
export { redactLogFields } from './redact/redact-log-fields.js';
export type { RedactOptions, TextRedactor } from './redact/redact-secrets.js';
export { redactSecrets, textRedactor } from './redact/redact-secrets.js';

// Docker Swarm: which containers are tasks (never restarted by the agent)
export type { SwarmTaskLabels, SwarmTaskRef } from './swarm/swarm-task-labels.js';
export { claimsSwarmTask, readSwarmTaskLabels, swarmLabels } from './swarm/swarm-task-labels.js';
