// Errors

// Config
export type {
  ClaudeConfig,
  ContainerCheckSettings,
  ContainerConfig,
  ContainerSettings,
  DiscoveryMode,
  HealingConfig,
  MonitorConfig,
  MonitoringConfig,
  StrategyStep,
} from './config/monitor-config.js';
export type { ActionName, BuiltInActionName } from './domain/action.js';
export { builtInActionNames, normalizeActionName } from './domain/action.js';
// Domain
export type {
  ContainerDetails,
  ContainerEvent,
  ContainerEventAction,
  ContainerState,
  ContainerStatsSample,
  ContainerSummary,
  DockerHealthStatus,
  HealthCheckRun,
  PublishedPort,
  RestartPolicy,
} from './domain/container.js';
export type { Diagnosis, DiagnosisSource, Urgency } from './domain/diagnosis.js';
export type {
  ActionDecidedBy,
  ActionResult,
  ApprovalRequest,
  ApprovalStatus,
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
export type { Incident, IncidentStatus } from './domain/incident.js';
export { openIncidentStatuses } from './domain/incident.js';
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
// Healing
export type { HealingContext, HealingOutcome, HealingStrategy } from './heal/healing-strategy.js';
export type { Clock } from './ports/clock.js';
export { systemClock } from './ports/clock.js';
// Ports
export type { ContainerRuntime } from './ports/container-runtime.js';
export type { Diagnoser, DiagnosisContext } from './ports/diagnoser.js';
export type { Logger, LogLevel } from './ports/logger.js';
export { silentLogger } from './ports/logger.js';
export type { Notification, NotificationKind, Notifier } from './ports/notifier.js';
export type { Store } from './ports/store.js';
