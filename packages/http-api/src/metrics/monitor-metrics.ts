import {
  type Clock,
  type Diagnosis,
  type EngineLeaseRole,
  type HealingActionRecord,
  type HealthVerdict,
  type Incident,
  type MonitorAgentApi,
  systemClock,
} from '@website-monitor/core';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the spool store tells about rows waiting for the database (`createSpooledStore().pending()`). */
export interface SpoolDepth {
  pending(): {
    readonly rows: number;
    readonly bytes: number;
    /** When the oldest pending row was spooled; null when none is. */
    readonly oldestAt?: number | null;
    /** Over the life of the spool file. */
    readonly droppedHealthSamples?: number;
    /** Set while the spool cannot be written (disk full): records then depend on the database alone. */
    readonly writeFailure?: SpoolWriteFailureState | null;
    /** Spool writes that failed, since the store was created. */
    readonly failedWrites?: number;
    /** Records neither the spool nor the database took, by kind, since the store was created. */
    readonly lostRecords?: Readonly<Record<string, number>>;
  };
}

/** What `/healthz` and `/metrics` read of a spool that cannot be written. */
export interface SpoolWriteFailureState {
  readonly since: number;
  /** `disk_full` or `write_error`. */
  readonly reason: string;
  readonly error: string;
  readonly lostRecords: number;
}

/** The agent whose events become series, and where to register them. */
export interface MonitorMetricsOptions {
  /** The running agent. */
  readonly agent: MonitorAgentApi;
  /** Defaults to a new registry of our own, never prom-client's global one. */
  readonly registry?: Registry;
  /** The spool, for the `spartan_monitor_spool_*` series. */
  readonly spool?: SpoolDepth;
  /** For the uptime; defaults to the system clock. */
  readonly clock?: Clock;
  /** This agent's part in its engine's lease, for `spartan_monitor_engine_role`; active when not given. */
  readonly role?: () => EngineLeaseRole;
}

/** The agent's Prometheus series. */
export interface MonitorMetrics {
  /** The prom-client registry the series are in. */
  readonly registry: Registry;
  /** `text/plain; version=0.0.4; charset=utf-8` */
  readonly contentType: string;
  /** The exposition text for a scrape. */
  metrics(): Promise<string>;
  /** Counts one failed engine call; wire it with `instrumentContainerRuntime`. */
  countDockerApiError(input: { readonly operation: string }): void;
  /** Stops listening to the agent and unregisters every series. */
  close(): void;
}

const healthStatuses = ['healthy', 'unhealthy', 'starting', 'stopped_by_operator', 'paused'] as const;
const restartingActions = new Set(['restart_container', 'restart_if_above_threshold', 'reset_connections']);
const tokenKinds = [
  ['inputTokens', 'input'],
  ['outputTokens', 'output'],
  ['cacheReadTokens', 'cache_read'],
  ['cacheCreationTokens', 'cache_creation'],
] as const;

/**
 * Prometheus series for the agent, kept current from its events; a scrape reads memory only and
 * never calls Docker. Per-container series carry the container name (never an id, so a
 * recreated container keeps its series) and disappear once the agent no longer knows the
 * container.
 *
 * @example
 * ```ts
 * import { createMonitorMetrics } from '@website-monitor/http-api';
 *
 * const metrics = createMonitorMetrics({ agent });
 * response.setHeader('content-type', metrics.contentType);
 * response.end(await metrics.metrics());
 * ```
 */
export function createMonitorMetrics(options: MonitorMetricsOptions): MonitorMetrics {
  const { agent } = options;
  const clock = options.clock ?? systemClock;
  const registry = options.registry ?? new Registry();
  const registers = [registry];
  const startedAt = clock.now();
  /** Container names with per-container series, to remove them when the container goes away. */
  const known = new Set<string>();
  const healing = { succeeded: 0, failed: 0 };
  const diagnosisSeen = new Map<string, Diagnosis>();

  // Registered first: its collect() runs before the other series are read, so the removal of
  // vanished containers happens before any of their series is written out.
  const openIncidents = new Gauge({
    name: 'spartan_monitor_open_incidents',
    help: 'Incidents not yet resolved or escalated.',
    registers,
    collect() {
      reconcile();
      this.set(agent.status().filter((line) => line.incident && isOpen(line.incident)).length);
    },
  });
  const role = options.role ?? ((): EngineLeaseRole => ({ role: 'active' }));
  new Gauge({
    name: 'spartan_monitor_engine_role',
    help: "This agent's part in its Docker engine's lease: 1 for the role it has (active acts; standby waits to take over), 0 for the other.",
    labelNames: ['role'] as const,
    registers,
    collect() {
      const now = role().role;
      for (const name of ['active', 'standby'] as const) this.set({ role: name }, now === name ? 1 : 0);
    },
  });
  const uptime = new Gauge({
    name: 'spartan_monitor_uptime_seconds',
    help: 'Seconds since the monitor started.',
    registers,
    collect() {
      this.set((clock.now() - startedAt) / 1000);
    },
  });
  const checkDuration = new Histogram({
    name: 'spartan_monitor_health_check_duration_seconds',
    help: 'Response time of the HTTP health probe, per container.',
    labelNames: ['container'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const restarts = new Counter({
    name: 'spartan_monitor_container_restarts_total',
    help: 'Restarts the monitor ran (restart_container, restart_if_above_threshold, reset_connections).',
    labelNames: ['container'] as const,
    registers,
  });
  const successRate = new Gauge({
    name: 'spartan_monitor_healing_success_rate',
    help: 'Succeeded healing actions over succeeded plus failed since start (NaN before the first).',
    registers,
    collect() {
      const total = healing.succeeded + healing.failed;
      this.set(total === 0 ? Number.NaN : healing.succeeded / total);
    },
  });
  const up = new Gauge({
    name: 'spartan_monitor_container_up',
    help: '1 when the container was running at its last check, 0 otherwise.',
    labelNames: ['container'] as const,
    registers,
  });
  const healthStatus = new Gauge({
    name: 'spartan_monitor_container_health_status',
    help: 'The health status of the last check: 1 for the current status, 0 for the others.',
    labelNames: ['container', 'status'] as const,
    registers,
  });
  const memory = new Gauge({
    name: 'spartan_monitor_container_memory_working_set_bytes',
    help: 'Memory working set (usage minus inactive file cache) at the last stats reading.',
    labelNames: ['container'] as const,
    registers,
  });
  const cpu = new Gauge({
    name: 'spartan_monitor_container_cpu_usage_cores',
    help: 'CPU used between the last two stats readings, in cores (CPU seconds per second).',
    labelNames: ['container'] as const,
    registers,
  });
  const responseTime = new Gauge({
    name: 'spartan_monitor_container_response_time_seconds',
    help: 'Response time of the last HTTP health probe.',
    labelNames: ['container'] as const,
    registers,
  });
  const checks = new Counter({
    name: 'spartan_monitor_checks_total',
    help: 'Checks run, by container and resulting health status.',
    labelNames: ['container', 'result'] as const,
    registers,
  });
  const healingActions = new Counter({
    name: 'spartan_monitor_healing_actions_total',
    help: 'Healing actions finished, by action and result (succeeded, failed, skipped, dry_run).',
    labelNames: ['action', 'result'] as const,
    registers,
  });
  const escalations = new Counter({
    name: 'spartan_monitor_escalations_total',
    help: 'Incidents escalated to a person.',
    labelNames: ['container'] as const,
    registers,
  });
  const pendingApprovals = new Gauge({
    name: 'spartan_monitor_pending_approvals',
    help: 'Actions waiting for a person to approve or reject them.',
    registers,
    collect() {
      this.set(agent.pendingApprovals().length);
    },
  });
  const engineConnected = new Gauge({
    name: 'spartan_monitor_docker_engine_connected',
    help: '1 while the event stream of the container engine is connected.',
    registers,
  });
  const engineDisconnects = new Counter({
    name: 'spartan_monitor_docker_engine_disconnects_total',
    help: 'Times the event stream of the container engine was lost.',
    registers,
  });
  const dockerApiErrors = new Counter({
    name: 'spartan_monitor_docker_api_errors_total',
    help: 'Failed container engine calls, by operation (counted by instrumentContainerRuntime).',
    labelNames: ['operation'] as const,
    registers,
  });
  const diagnosisCalls = new Counter({
    name: 'spartan_monitor_diagnosis_calls_total',
    help: 'Diagnoses made, by source (rules, model, person).',
    labelNames: ['source'] as const,
    registers,
  });
  const diagnosisTokens = new Counter({
    name: 'spartan_monitor_diagnosis_tokens_total',
    help: 'Tokens spent by model diagnoses, by kind (input, output, cache_read, cache_creation).',
    labelNames: ['kind'] as const,
    registers,
  });
  if (options.spool) {
    const spool = options.spool;
    new Gauge({
      name: 'spartan_monitor_spool_pending_rows',
      help: 'Rows spooled locally and not yet written to the database.',
      registers,
      // Registered before the others: one read of the spool per scrape sets all of its series.
      collect() {
        const depth = spool.pending();
        this.set(depth.rows);
        bytes.set(depth.bytes);
        oldestAge.set(
          depth.oldestAt === undefined || depth.oldestAt === null
            ? 0
            : Math.max(0, (clock.now() - depth.oldestAt) / 1000),
        );
        dropped.reset();
        dropped.inc(depth.droppedHealthSamples ?? 0);
        full.set(depth.writeFailure ? 1 : 0);
        writeFailures.reset();
        writeFailures.inc(depth.failedWrites ?? 0);
        lost.reset();
        for (const [kind, rows] of Object.entries(depth.lostRecords ?? {})) lost.inc({ kind }, rows);
      },
    });
    const bytes = new Gauge({
      name: 'spartan_monitor_spool_pending_bytes',
      help: 'Bytes spooled locally and not yet written to the database.',
      registers,
    });
    const oldestAge = new Gauge({
      name: 'spartan_monitor_spool_oldest_age_seconds',
      help: 'Age of the oldest row waiting in the spool (0 when none waits).',
      registers,
    });
    const dropped = new Counter({
      name: 'spartan_monitor_spool_dropped_health_samples_total',
      help: 'Health samples the spool dropped because it was full.',
      registers,
    });
    const full = new Gauge({
      name: 'spartan_monitor_spool_full',
      help: '1 while the spool cannot be written (disk full): records then reach the database directly, or are lost.',
      registers,
    });
    const writeFailures = new Counter({
      name: 'spartan_monitor_spool_write_failures_total',
      help: 'Writes the spool could not take (disk full or another file error).',
      registers,
    });
    const lost = new Counter({
      name: 'spartan_monitor_records_lost_total',
      help: 'Records neither the spool nor the database took, by kind (incident, healing_action, approval, health_sample, baseline).',
      labelNames: ['kind'] as const,
      registers,
    });
  }
  engineConnected.set(0);
  let engineKnown = false;
  void uptime;
  void successRate;
  void openIncidents;
  void pendingApprovals;

  const perContainer = [checkDuration, restarts, up, memory, cpu, responseTime, escalations] as const;

  function reconcile(): void {
    const current = new Set(agent.status().map((line) => line.name));
    for (const name of known) {
      if (current.has(name)) continue;
      known.delete(name);
      for (const metric of perContainer) metric.remove({ container: name });
      for (const status of healthStatuses) {
        healthStatus.remove({ container: name, status });
        checks.remove({ container: name, result: status });
      }
    }
  }

  const onCheck = (verdict: HealthVerdict) => {
    // The agent announces its engine state once, possibly before we listened; a finished check
    // proves the engine answered, which is as good until the next announcement.
    if (!engineKnown) {
      engineKnown = true;
      engineConnected.set(1);
    }
    const container = verdict.containerName;
    known.add(container);
    const { metrics } = verdict;
    up.set({ container }, metrics.state === 'running' ? 1 : 0);
    for (const status of healthStatuses) {
      healthStatus.set({ container, status }, status === verdict.status ? 1 : 0);
    }
    checks.inc({ container, result: verdict.status });
    if (metrics.memoryBytes !== undefined) memory.set({ container }, metrics.memoryBytes);
    if (metrics.cpuPercent !== undefined) cpu.set({ container }, metrics.cpuPercent / 100);
    if (metrics.responseTimeMs !== undefined) {
      responseTime.set({ container }, metrics.responseTimeMs / 1000);
      checkDuration.observe({ container }, metrics.responseTimeMs / 1000);
    }
  };

  const onHealingResult = (action: HealingActionRecord) => {
    if (action.result === 'pending') return;
    healingActions.inc({ action: action.action, result: action.result });
    if (action.result === 'succeeded') healing.succeeded++;
    if (action.result === 'failed') healing.failed++;
    if (
      restartingActions.has(action.action) &&
      (action.result === 'succeeded' || action.result === 'failed')
    ) {
      known.add(action.containerName);
      restarts.inc({ container: action.containerName });
    }
  };

  const onIncident = (incident: Incident) => {
    const diagnosis = incident.diagnosis;
    if (diagnosis && !sameDiagnosis(diagnosisSeen.get(incident.id), diagnosis)) {
      diagnosisSeen.set(incident.id, diagnosis);
      diagnosisCalls.inc({ source: diagnosis.source });
      if (diagnosis.usage) {
        for (const [field, kind] of tokenKinds) {
          const tokens = diagnosis.usage[field];
          if (tokens) diagnosisTokens.inc({ kind }, tokens);
        }
      }
    }
    if (incident.status === 'resolved') diagnosisSeen.delete(incident.id);
  };

  const onEscalated = (incident: Incident) => {
    onIncident(incident);
    known.add(incident.containerName);
    escalations.inc({ container: incident.containerName });
  };

  const onConnection = (state: { readonly connected: boolean }) => {
    engineKnown = true;
    if (!state.connected) engineDisconnects.inc();
    engineConnected.set(state.connected ? 1 : 0);
  };

  agent.on('check:completed', onCheck);
  agent.on('healing:result', onHealingResult);
  agent.on('incident:opened', onIncident);
  agent.on('incident:updated', onIncident);
  agent.on('incident:resolved', onIncident);
  agent.on('incident:escalated', onEscalated);
  agent.on('engine:connection', onConnection);
  // Seed the per-container series with what the agent already knows (the API may be created
  // after the agent started).
  for (const line of agent.status()) if (line.verdict) onCheck(line.verdict);

  return {
    registry,
    contentType: registry.contentType,
    metrics: () => registry.metrics(),
    countDockerApiError({ operation }) {
      dockerApiErrors.inc({ operation });
    },
    close() {
      agent.off('check:completed', onCheck);
      agent.off('healing:result', onHealingResult);
      agent.off('incident:opened', onIncident);
      agent.off('incident:updated', onIncident);
      agent.off('incident:resolved', onIncident);
      agent.off('incident:escalated', onEscalated);
      agent.off('engine:connection', onConnection);
      registry.clear();
    },
  };
}

function isOpen(incident: Incident): boolean {
  return incident.status !== 'resolved' && incident.status !== 'escalated';
}

function sameDiagnosis(a: Diagnosis | undefined, b: Diagnosis): boolean {
  if (!a) return false;
  if (a === b) return true;
  return (
    a.source === b.source &&
    a.diagnosis === b.diagnosis &&
    a.reasoning === b.reasoning &&
    a.confidence === b.confidence &&
    a.recommendedAction === b.recommendedAction
  );
}
