// Errors

export type { AgentEvents } from './agent/agent-events.js';
export type { ContainerHealthAnswer, MonitorAgentApi } from './agent/monitor-agent-api.js';
export type {
  AgentHealth,
  ContainerStatus,
  HealingRequestOutcome,
  WebsiteMonitorAgentOptions,
} from './agent/website-monitor-agent.js';
// Agent
export { WebsiteMonitorAgent } from './agent/website-monitor-agent.js';
// Detection
export type { CheckContainerHealthOptions, ContainerHealthCheck } from './check/check-container-health.js';
export { checkContainerHealth } from './check/check-container-health.js';
export type { CheckRunner } from './check/check-runner.js';
export { createCheckRunner } from './check/check-runner.js';
export type { EvaluateHealthInput, HealthEvaluation, HealthThresholds } from './check/evaluate-health.js';
export { evaluateHealth } from './check/evaluate-health.js';
export { createNodeHttpProber } from './check/node-http-prober.js';
export type { ProbeCounter, ProbeCounters, ProbeOutcome, ProbeThresholds } from './check/probe-counter.js';
export { initialProbeCounter, initialProbeCounters, recordProbeOutcome } from './check/probe-counter.js';
export type { MemoryUsage } from './check/resource-usage.js';
export { cpuPercent, memoryUsage } from './check/resource-usage.js';
export type { ByteSizeResult } from './config/byte-size.js';
export { parseByteSize } from './config/byte-size.js';
// Config
export type { ComposeContainer } from './config/compose-dependencies.js';
export {
  composeDependencyContainerNames,
  composeLabels,
  dependenciesFromLabels,
} from './config/compose-dependencies.js';
export { labelPrefix } from './config/container-labels.js';
export { defaultClaudeModel, defaultMonitorConfig } from './config/default-monitor-config.js';
export type { EnvironmentVariables } from './config/env-interpolation.js';
export type { LoadMonitorConfigFileOptions } from './config/load-monitor-config-file.js';
export { loadMonitorConfigFile } from './config/load-monitor-config-file.js';
export type {
  ApiConfig,
  ClaudeConfig,
  ContainerCheckSettings,
  ContainerConfig,
  ContainerSettings,
  DiscoveryMode,
  HealingConfig,
  MonitorConfig,
  MonitoringConfig,
  NotificationsConfig,
  StorageConfig,
  StrategyStep,
  WebhookConfig,
} from './config/monitor-config.js';
export type { ParseMonitorConfigOptions, ValidateConfigResult } from './config/parse-monitor-config.js';
export { parseMonitorConfig, validateConfigText } from './config/parse-monitor-config.js';
export type {
  ResolveContainerSettingsOptions,
  ResolvedContainerSettings,
} from './config/resolve-container-settings.js';
export { resolveContainerSettings } from './config/resolve-container-settings.js';
export { isPostgresUrl } from './config/storage-url.js';
export type { DiagnosisRule, RuleFinding } from './diagnose/diagnosis-rule.js';
export { describeExitCode, exitCodeMeaning } from './diagnose/exit-codes.js';
export {
  boundedLogTail,
  defaultErrorWindow,
  defaultMaxLineBytes,
  defaultTailBytes,
  defaultTailLines,
  firstErrorIndex,
  firstErrorWindow,
  truncateLine,
} from './diagnose/log-context.js';
export type { LogEvidence, LogFacts, LogFinding } from './diagnose/log-evidence.js';
export { readLogEvidence, scanLogLines } from './diagnose/log-evidence.js';
export type { LogCause, LogSignature } from './diagnose/log-signatures.js';
export { createRuleDiagnoser, diagnoseByRules } from './diagnose/rule-diagnoser.js';
export { builtInDiagnosisRules } from './diagnose/rules/built-in-rules.js';
export type { ActionName, BuiltInActionName } from './domain/action.js';
export { builtInActionNames, normalizeActionName } from './domain/action.js';
export type { BaselineMetric, ContainerBaseline } from './domain/baseline.js';
export { baselineMetrics } from './domain/baseline.js';
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
export type { Diagnosis, DiagnosisSource, DiagnosisUsage, Urgency } from './domain/diagnosis.js';
export {
  type FailureCause,
  type FailureCauseTraits,
  failureCauses,
  failureCauseTraits,
  isFailureCause,
} from './domain/failure-cause.js';
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
  SummarizedMetric,
} from './domain/health-summary.js';
export {
  healthSummaryQueryProblem,
  healthSummaryResolutionMs,
  metricSummary,
  startOfMinute,
  summarizedMetrics,
  summarizeHealthSamples,
} from './domain/health-summary.js';
export type { Incident, IncidentHistoryEntry, IncidentStatus } from './domain/incident.js';
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
export { formatEvalReport } from './eval/format-eval-report.js';
export { corpusDirectory, loadScenarios } from './eval/load-scenarios.js';
export type { Scenario } from './eval/scenario.js';
export { parseScenario, scenarioContext, scenarioSchema } from './eval/scenario.js';
export type { CauseScore, EvalReport, GatedAnswer, ScenarioResult } from './eval/score-diagnoser.js';
export { evalTargets, scoreDiagnoser } from './eval/score-diagnoser.js';
export { builtInStrategies } from './heal/built-in/built-in-strategies.js';
export { checkDependenciesStrategy } from './heal/built-in/check-dependencies.js';
export { clearCacheStrategy, createClearCacheStrategy } from './heal/built-in/clear-cache.js';
// Healing, incidents, diagnosis
export type { CustomScriptInput } from './heal/built-in/custom-script.js';
export { customScriptStrategy } from './heal/built-in/custom-script.js';
export { diagnoseWithClaudeStrategy } from './heal/built-in/diagnose-with-claude.js';
export { garbageCollectionStrategy, gcCommandLabel } from './heal/built-in/garbage-collection.js';
export { configurationChangeStrategy, databaseMigrationStrategy } from './heal/built-in/operator-actions.js';
export { resetConnectionsStrategy } from './heal/built-in/reset-connections.js';
export { restartContainerStrategy } from './heal/built-in/restart-container.js';
export { restartIfAboveThresholdStrategy } from './heal/built-in/restart-if-above-threshold.js';
// Healing
export type { HealingContext, HealingOutcome, HealingStrategy } from './heal/healing-strategy.js';
export type { HealingPlan, PlanHealingInput, PlannedStep } from './heal/plan-healing.js';
export { bareStep, planHealing } from './heal/plan-healing.js';
export type { HealingStrategyRegistry } from './heal/strategy-registry.js';
export {
  createDefaultStrategyRegistry,
  createStrategyRegistry,
  defineHealingStrategy,
} from './heal/strategy-registry.js';
export {
  atLeastUrgency,
  criticalUrgencyFloor,
  urgencyLevels,
  withCriticalUrgency,
} from './incident/critical-urgency.js';
export { createIncidentId } from './incident/incident-id.js';
export {
  canTransition,
  escalateIncident,
  incidentTransitions,
  maxIncidentHistory,
  mergeProblemLists,
  mergeProblems,
  openIncident,
  reopenIncident,
  resolveIncident,
  transitionIncident,
  withAction,
  withDiagnosis,
} from './incident/incident-lifecycle.js';
export { IncidentTransitionError } from './incident/incident-transition-error.js';
export type { AnomalyAssessment, AnomalyThresholds } from './learn/assess-anomaly.js';
export { assessAnomaly, defaultAnomalyThresholds, describeAgainstNormal } from './learn/assess-anomaly.js';
export type { BaselineBook, BaselineBookOptions, BaselineSnapshot } from './learn/baseline-book.js';
export { createBaselineBook } from './learn/baseline-book.js';
// Learning and evaluation
export type { BaselineReading } from './learn/ewma-baseline.js';
export {
  defaultBaselineAlpha,
  defaultWarmUpSamples,
  isWarmedUp,
  standardDeviation,
  updateBaseline,
} from './learn/ewma-baseline.js';
export type {
  MemoryLeakAssessment,
  MemoryLeakThresholds,
  MemoryReading,
  MemoryTrend,
} from './learn/memory-leak.js';
export { assessMemoryLeak, defaultMemoryLeakThresholds, memoryTrend } from './learn/memory-leak.js';
// One agent per engine
export { describeLeaseConflict, describeLeaseHolder } from './lease/describe-engine-lease.js';
export type {
  EngineLeaseAttempt,
  EngineLeaseConflict,
  EngineLeaseKeeperOptions,
  EngineLeaseLoss,
  EngineLeasePlace,
} from './lease/engine-lease-keeper.js';
export {
  defaultLeaseHeartbeatMs,
  defaultMissedRenewals,
  EngineLeaseKeeper,
} from './lease/engine-lease-keeper.js';
export { checkEngineLeaseTtl } from './lease/engine-lease-ttl.js';
export { leaseGuardedRuntime } from './lease/lease-guarded-runtime.js';
export { MemoryEngineLeases } from './lease/memory-engine-leases.js';
export type { ConnectionState, WatchContainerEventsOptions } from './observe/event-watcher.js';
export { watchContainerEvents } from './observe/event-watcher.js';
export type { RunPeriodicallyOptions } from './observe/periodic.js';
export { runPeriodically } from './observe/periodic.js';
export type {
  RunLogFollower,
  RunLogFollowerOptions,
  RunLogState,
  RunLogs,
} from './observe/run-log-follower.js';
export { createRunLogFollower } from './observe/run-log-follower.js';
export { actionInvasiveness, isMoreInvasive } from './policy/action-invasiveness.js';
// Policy
export type { ApprovalQueue } from './policy/approval-queue.js';
export { approvalParamsOf, approvedStep, createApprovalQueue } from './policy/approval-queue.js';
export type { BackoffOptions } from './policy/backoff.js';
export {
  backoffCeilingMs,
  backoffDelayMs,
  effectiveBackoffAttempt,
  kubeletBackoff,
  shouldResetBackoff,
  stableJitter,
} from './policy/backoff.js';
export type { CircuitBreaker, OpenBreaker, TripResult } from './policy/circuit-breaker.js';
export { createCircuitBreaker } from './policy/circuit-breaker.js';
export type {
  DependencyState,
  EscalateCause,
  HealingDecision,
  HealingDecisionInput,
  HealingDecisionKind,
  ManualCause,
  SkipCause,
  WaitCause,
} from './policy/decide-healing.js';
export { decideHealing } from './policy/decide-healing.js';
export type {
  DependencyEdge,
  DependencyGraph,
  DependencyGraphContainer,
  DependencySource,
  UnresolvedDependency,
} from './policy/dependency-graph.js';
export { buildDependencyGraph } from './policy/dependency-graph.js';
export { expectDockerRestart } from './policy/docker-restart-policy.js';
export type { InstructionMarker } from './policy/instruction-detector.js';
export {
  detectInstructionLikeContext,
  detectInstructionLikeText,
  untrustedTextOf,
} from './policy/instruction-detector.js';
export type { EventCause, OperatorHold, OperatorIntentTracker, OwnAction } from './policy/operator-intent.js';
export { createOperatorIntentTracker, defaultKillToDieWindowMs } from './policy/operator-intent.js';
export type { RestartBudget } from './policy/restart-budget.js';
export { createRestartBudget, restartBudgetWindowMs } from './policy/restart-budget.js';
export type { EnqueueResult, RestartQueue, RestartQueueEntry } from './policy/restart-queue.js';
export { createRestartQueue, restartPriorityRanks } from './policy/restart-queue.js';
export type { Clock } from './ports/clock.js';
export { systemClock } from './ports/clock.js';
// Ports
export type { ContainerRuntime, EngineInfo } from './ports/container-runtime.js';
export type { Diagnoser, DiagnosisContext } from './ports/diagnoser.js';
export type {
  EngineLeaseAnswer,
  EngineLeaseHolder,
  EngineLeaseRecord,
  EngineLeaseStore,
} from './ports/engine-lease.js';
export { isEngineLeaseStore } from './ports/engine-lease.js';
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
export { Recorder } from './record/recorder.js';
// Redaction
export { cutPoint, maxFieldChars, truncationMarker } from './redact/bound-text.js';
export { containerSecretValues } from './redact/container-secrets.js';
export type { RecordRedactor } from './redact/record-redactor.js';
export { recordRedactor } from './redact/record-redactor.js';
export { environmentValues, redactContext } from './redact/redact-context.js';
export type { RedactDeepOptions } from './redact/redact-deep.js';
export { redactDeep } from './redact/redact-deep.js';
export { redactedFieldValue, redactLogFields } from './redact/redact-log-fields.js';
export type { RedactOptions, TextRedactor } from './redact/redact-secrets.js';
export {
  isMaskableValue,
  redactionMarker,
  redactSecrets,
  textRedactor,
} from './redact/redact-secrets.js';
export type { SecretSpan } from './redact/secret-scanner.js';
export { findSecrets } from './redact/secret-scanner.js';
