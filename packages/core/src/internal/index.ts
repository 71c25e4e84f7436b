/**
 * `@website-monitor/core/internal`: the parts of the core that the website-monitor packages share
 * with each other (the CLI's engine lease, the SQL stores' rollups, the eval corpus, the pure
 * decisions behind the agent). Not part of the public API: any name here may change or disappear
 * in any release, patch releases included (docs/api.md). What a user needs is exported from
 * `@website-monitor/core`; ask for a name there rather than importing it from here.
 */
export type { CheckRunner } from '../check/check-runner.js';
export { createCheckRunner } from '../check/check-runner.js';
export type { EvaluateHealthInput, HealthEvaluation } from '../check/evaluate-health.js';
export { evaluateHealth } from '../check/evaluate-health.js';
export { createNodeHttpProber } from '../check/node-http-prober.js';
export type { ProbeCounter, ProbeCounters, ProbeOutcome, ProbeThresholds } from '../check/probe-counter.js';
export { initialProbeCounter, initialProbeCounters, recordProbeOutcome } from '../check/probe-counter.js';
export type { MemoryUsage } from '../check/resource-usage.js';
export { cpuPercent, memoryUsage } from '../check/resource-usage.js';
export type { ByteSizeResult } from '../config/byte-size.js';
export { parseByteSize } from '../config/byte-size.js';
export type { ComposeContainer } from '../config/compose-dependencies.js';
export {
  composeDependencyContainerNames,
  composeLabels,
  dependenciesFromLabels,
} from '../config/compose-dependencies.js';
export { labelPrefix } from '../config/container-labels.js';
export { defaultClaudeModel } from '../config/default-monitor-config.js';
// Public since it is documented for users (docs/configuration.md); kept here too so imports of it
// from this entry written before that keep working. Import it from `@website-monitor/core`.
export { resolveContainerSettings } from '../config/resolve-container-settings.js';
export { isPostgresUrl } from '../config/storage-url.js';
export type { DiagnosisRule, RuleFinding } from '../diagnose/diagnosis-rule.js';
export { describeExitCode, exitCodeMeaning } from '../diagnose/exit-codes.js';
export {
  boundedLogTail,
  defaultErrorWindow,
  defaultMaxLineBytes,
  defaultTailBytes,
  defaultTailLines,
  firstErrorIndex,
  firstErrorWindow,
  truncateLine,
} from '../diagnose/log-context.js';
export type { LogEvidence, LogFacts, LogFinding } from '../diagnose/log-evidence.js';
export { readLogEvidence, scanLogLines } from '../diagnose/log-evidence.js';
export type { LogCause, LogSignature } from '../diagnose/log-signatures.js';
export { createRuleDiagnoser, diagnoseByRules } from '../diagnose/rule-diagnoser.js';
export { builtInDiagnosisRules } from '../diagnose/rules/built-in-rules.js';
export { normalizeActionName } from '../domain/action.js';
export { baselineMetrics } from '../domain/baseline.js';
export type { FailureCauseTraits } from '../domain/failure-cause.js';
export { failureCauseTraits } from '../domain/failure-cause.js';
export type { SummarizedMetric } from '../domain/health-summary.js';
export { metricSummary, startOfMinute, summarizedMetrics } from '../domain/health-summary.js';
export { formatEvalReport } from '../eval/format-eval-report.js';
export { corpusDirectory, loadScenarios } from '../eval/load-scenarios.js';
export type { Scenario } from '../eval/scenario.js';
export { parseScenario, scenarioContext, scenarioSchema } from '../eval/scenario.js';
export type { CauseScore, EvalReport, GatedAnswer, ScenarioResult } from '../eval/score-diagnoser.js';
export { evalTargets, scoreDiagnoser } from '../eval/score-diagnoser.js';
export { builtInStrategies } from '../heal/built-in/built-in-strategies.js';
export { checkDependenciesStrategy } from '../heal/built-in/check-dependencies.js';
export { clearCacheStrategy, createClearCacheStrategy } from '../heal/built-in/clear-cache.js';
export type { CustomScriptInput } from '../heal/built-in/custom-script.js';
export { customScriptStrategy } from '../heal/built-in/custom-script.js';
export { diagnoseWithClaudeStrategy } from '../heal/built-in/diagnose-with-claude.js';
export { garbageCollectionStrategy, gcCommandLabel } from '../heal/built-in/garbage-collection.js';
export { configurationChangeStrategy, databaseMigrationStrategy } from '../heal/built-in/operator-actions.js';
export { resetConnectionsStrategy } from '../heal/built-in/reset-connections.js';
export { restartContainerStrategy } from '../heal/built-in/restart-container.js';
export { restartIfAboveThresholdStrategy } from '../heal/built-in/restart-if-above-threshold.js';
export type { HealingPlan, PlanHealingInput, PlannedStep } from '../heal/plan-healing.js';
export { bareStep, planHealing } from '../heal/plan-healing.js';
export {
  atLeastUrgency,
  criticalUrgencyFloor,
  urgencyLevels,
  withCriticalUrgency,
} from '../incident/critical-urgency.js';
export { createIncidentId } from '../incident/incident-id.js';
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
} from '../incident/incident-lifecycle.js';
export { IncidentTransitionError } from '../incident/incident-transition-error.js';
export type { AnomalyAssessment, AnomalyThresholds } from '../learn/assess-anomaly.js';
export { assessAnomaly, defaultAnomalyThresholds, describeAgainstNormal } from '../learn/assess-anomaly.js';
export type { BaselineBook, BaselineBookOptions, BaselineSnapshot } from '../learn/baseline-book.js';
export { createBaselineBook } from '../learn/baseline-book.js';
export type { BaselineReading } from '../learn/ewma-baseline.js';
export {
  defaultBaselineAlpha,
  defaultWarmUpSamples,
  isWarmedUp,
  standardDeviation,
  updateBaseline,
} from '../learn/ewma-baseline.js';
export type {
  MemoryLeakAssessment,
  MemoryLeakThresholds,
  MemoryReading,
  MemoryTrend,
} from '../learn/memory-leak.js';
export { assessMemoryLeak, defaultMemoryLeakThresholds, memoryTrend } from '../learn/memory-leak.js';
export { describeLeaseConflict, describeLeaseHolder } from '../lease/describe-engine-lease.js';
export type {
  EngineLeaseAttempt,
  EngineLeaseConflict,
  EngineLeaseKeeperOptions,
  EngineLeaseLoss,
  EngineLeasePlace,
  EngineLeaseUnreachablePolicy,
} from '../lease/engine-lease-keeper.js';
export {
  defaultLeaseHeartbeatMs,
  defaultMissedRenewals,
  EngineLeaseKeeper,
} from '../lease/engine-lease-keeper.js';
export { checkEngineLeaseTtl } from '../lease/engine-lease-ttl.js';
export { leaseFencedStore } from '../lease/lease-fenced-store.js';
export { leaseGuardedRuntime } from '../lease/lease-guarded-runtime.js';
export { MemoryEngineLeases } from '../lease/memory-engine-leases.js';
export type { ConnectionState, WatchContainerEventsOptions } from '../observe/event-watcher.js';
export { watchContainerEvents } from '../observe/event-watcher.js';
export type { RunPeriodicallyOptions } from '../observe/periodic.js';
export { runPeriodically } from '../observe/periodic.js';
export type {
  RunLogFollower,
  RunLogFollowerOptions,
  RunLogState,
  RunLogs,
} from '../observe/run-log-follower.js';
export { createRunLogFollower } from '../observe/run-log-follower.js';
export { actionInvasiveness, isMoreInvasive } from '../policy/action-invasiveness.js';
export type { ApprovalQueue } from '../policy/approval-queue.js';
export { approvalParamsOf, approvedStep, createApprovalQueue } from '../policy/approval-queue.js';
export type { BackoffOptions } from '../policy/backoff.js';
export {
  backoffCeilingMs,
  backoffDelayMs,
  effectiveBackoffAttempt,
  kubeletBackoff,
  shouldResetBackoff,
  stableJitter,
} from '../policy/backoff.js';
export type { CircuitBreaker, OpenBreaker, TripResult } from '../policy/circuit-breaker.js';
export { createCircuitBreaker } from '../policy/circuit-breaker.js';
export type {
  DependencyState,
  EscalateCause,
  HealingDecision,
  HealingDecisionInput,
  HealingDecisionKind,
  ManualCause,
  SkipCause,
  WaitCause,
} from '../policy/decide-healing.js';
export { decideHealing } from '../policy/decide-healing.js';
export type {
  DependencyEdge,
  DependencyGraph,
  DependencyGraphContainer,
  DependencySource,
  UnresolvedDependency,
} from '../policy/dependency-graph.js';
export { buildDependencyGraph } from '../policy/dependency-graph.js';
export { expectDockerRestart } from '../policy/docker-restart-policy.js';
export type { InstructionMarker } from '../policy/instruction-detector.js';
export {
  detectInstructionLikeContext,
  detectInstructionLikeText,
  untrustedTextOf,
} from '../policy/instruction-detector.js';
export type {
  EventCause,
  OperatorHold,
  OperatorIntentTracker,
  OwnAction,
} from '../policy/operator-intent.js';
export { createOperatorIntentTracker, defaultKillToDieWindowMs } from '../policy/operator-intent.js';
export type { RestartBudget } from '../policy/restart-budget.js';
export { createRestartBudget, restartBudgetWindowMs } from '../policy/restart-budget.js';
export type { EnqueueResult, RestartQueue, RestartQueueEntry } from '../policy/restart-queue.js';
export { createRestartQueue, restartPriorityRanks } from '../policy/restart-queue.js';
export { isEngineLeaseStore, isSessionEngineLeaseStore } from '../ports/engine-lease.js';
export { Recorder } from '../record/recorder.js';
export { cutPoint, maxFieldChars, truncationMarker } from '../redact/bound-text.js';
export { containerSecretValues } from '../redact/container-secrets.js';
export type { RecordRedactor } from '../redact/record-redactor.js';
export { recordRedactor } from '../redact/record-redactor.js';
export { environmentValues } from '../redact/redact-context.js';
export { redactedFieldValue } from '../redact/redact-log-fields.js';
export { isMaskableValue, redactionMarker } from '../redact/redact-secrets.js';
export type { SecretSpan } from '../redact/secret-scanner.js';
export { findSecrets } from '../redact/secret-scanner.js';
export type {
  ServiceEscalateCause,
  ServiceHealingDecision,
  ServiceHealingInput,
  ServiceLeftAloneCause,
  ServiceRefusal,
  ServiceSituation,
  ServiceWaitCause,
} from '../swarm/decide-service-healing.js';
export { decideServiceHealing } from '../swarm/decide-service-healing.js';
export { leaseGuardedSwarmServices } from '../swarm/lease-guarded-swarm-services.js';
export type { ServiceTaskSummary, TaskFailure } from '../swarm/service-task-summary.js';
export { summarizeServiceTasks } from '../swarm/service-task-summary.js';
export { swarmGuardedRuntime } from '../swarm/swarm-guarded-runtime.js';
export type { SwarmTaskContainers } from '../swarm/swarm-task-containers.js';
export { createSwarmTaskContainers } from '../swarm/swarm-task-containers.js';
