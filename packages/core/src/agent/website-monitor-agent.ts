import { EventEmitter } from 'eventemitter3';
import { createNodeHttpProber } from '../check/node-http-prober.js';
import type { MonitorConfig } from '../config/monitor-config.js';
import type { ApprovalRequest } from '../domain/healing-action.js';
import type { HealthVerdict } from '../domain/health.js';
import { defaultHostReportIntervalSeconds } from '../domain/host-report.js';
import { MonitorError } from '../errors/monitor-error.js';
import type { HealingStrategy } from '../heal/healing-strategy.js';
import { createDefaultStrategyRegistry, type HealingStrategyRegistry } from '../heal/strategy-registry.js';
import { type BaselineBook, createBaselineBook } from '../learn/baseline-book.js';
import { watchContainerEvents } from '../observe/event-watcher.js';
import { runPeriodically } from '../observe/periodic.js';
import { createRunLogFollower, type RunLogFollower } from '../observe/run-log-follower.js';
import { createApprovalQueue } from '../policy/approval-queue.js';
import { createCircuitBreaker } from '../policy/circuit-breaker.js';
import { createOperatorIntentTracker } from '../policy/operator-intent.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { ContainerRuntime, EngineInfo } from '../ports/container-runtime.js';
import type { Diagnoser } from '../ports/diagnoser.js';
import type { HttpProber } from '../ports/http-prober.js';
import { type Logger, silentLogger } from '../ports/logger.js';
import type { Notifier } from '../ports/notifier.js';
import type { Store } from '../ports/store.js';
import type { SwarmServices } from '../ports/swarm-services.js';
import { writeHostReport } from '../record/host-report-writer.js';
import { Recorder } from '../record/recorder.js';
import { warmSecretScanner } from '../redact/warm-secret-scanner.js';
import { swarmGuardedRuntime } from '../swarm/swarm-guarded-runtime.js';
import { createSwarmServiceWatcher, type SwarmServiceWatcher } from '../swarm/swarm-service-watcher.js';
import { createSwarmTaskContainers } from '../swarm/swarm-task-containers.js';
import { MemoryStore } from '../testing/memory-store.js';
import type { AgentEvents } from './agent-events.js';
import { type AgentLog, describeError } from './agent-support.js';
import { type ContainerObserver, createContainerObserver, probeTickMs } from './container-observer.js';
import { type ContainerRegistry, createContainerRegistry } from './container-registry.js';
import { createDiagnosisService } from './diagnosis-service.js';
import { createHealer, type Healer } from './healer.js';
import { createIncidentCoordinator, type IncidentCoordinator } from './incident-coordinator.js';
import type {
  AgentHealth,
  ContainerHealthAnswer,
  ContainerStatus,
  HealingRequestOutcome,
  MonitorAgentApi,
} from './monitor-agent-api.js';
import { createRestartLedger, type RestartLedger, restartsContainerIn } from './restart-ledger.js';
import { createRestoredIncidents, type RestoreDeps, restoreState } from './restore.js';
import { applyRetention, retentionIntervalMs } from './retention.js';
import { settleIncidentsOnStop, withinMs } from './stop-settlement.js';
import { createWorkTracker, type WorkTracker } from './work-tracker.js';

export type {
  AgentHealth,
  ContainerStatus,
  HealingRequestOutcome,
  MonitorAgentApi,
} from './monitor-agent-api.js';

/**
 * What a `WebsiteMonitorAgent` is built from: the config and a container runtime are required;
 * every other port has a default (an in-memory store, no notifier, the rules as the only
 * diagnoser, the system clock, a silent logger, a Node HTTP prober).
 */
export interface WebsiteMonitorAgentOptions {
  /** The parsed config (`parseMonitorConfig`, `loadMonitorConfigFile` or `defaultMonitorConfig()`). */
  readonly config: MonitorConfig;
  /** The container engine: `createDockerRuntime()` from `@website-monitor/docker-adapter`. */
  readonly runtime: ContainerRuntime;
  /** Defaults to an in-memory store. */
  readonly store?: Store;
  /**
   * A model diagnoser (Claude): asked about every incident, in parallel with the rules' first
   * action for a crash, waited for up to `claude.diagnosis_wait_seconds` otherwise. Without one,
   * the rules diagnose alone.
   */
  readonly diagnoser?: Diagnoser;
  /** Told about incidents, escalations and approvals (`@website-monitor/notifier`). */
  readonly notifier?: Notifier;
  /** Defaults to `systemClock`; tests pass a `FakeClock`. */
  readonly clock?: Clock;
  /** Defaults to `silentLogger`. */
  readonly logger?: Logger;
  /** Runs HTTP health checks; defaults to one built on Node's `http`. */
  readonly prober?: HttpProber;
  /** Plugin strategies, registered after the built-ins exactly as they are. */
  readonly strategies?: readonly HealingStrategy[];
  /** Names this agent's rows when several agents share one database. */
  readonly host?: string;
  /**
   * The engine this agent watches (`runtime.info()`), written with its host report
   * (`monitor_hosts`) every `hosts.report_interval` so any agent on the database can show it.
   */
  readonly engine?: EngineInfo;
  /** Written in the host report; `unknown` by default. */
  readonly agentVersion?: string;
  /** For jitter; injectable so tests are deterministic. */
  readonly random?: () => number;
  /** Ids of incidents, actions and approvals; defaults to `crypto.randomUUID`. */
  readonly newId?: () => string;
  /**
   * The Swarm manager's services (`createDockerSwarmServices` from the docker adapter): a Swarm
   * task's failures are then judged on its service, which is rolled back or redeployed through
   * Swarm (docs/swarm.md). Without it, Swarm task containers are still never restarted by the
   * agent; their failures are left to Swarm.
   */
  readonly swarmServices?: SwarmServices;
}

/**
 * Watches every container through the runtime's events plus a periodic full pass, turns checks into
 * incidents, asks the policy what may be done, heals, and records every step. A facade: it builds
 * the modules that own each concern (the container registry, the observer, the restart ledger, the
 * incident coordinator, the healer, the diagnosis service), runs their loops and answers the API.
 *
 * Events (`AgentEvents`) report each step; `await using` stops the agent at the end of a scope.
 *
 * @example
 * ```ts
 * import { loadMonitorConfigFile, WebsiteMonitorAgent } from '@website-monitor/core';
 * import { createDockerRuntime } from '@website-monitor/docker-adapter';
 *
 * const agent = new WebsiteMonitorAgent({
 *   config: await loadMonitorConfigFile({ path: 'config.yaml' }),
 *   runtime: createDockerRuntime(),
 * });
 * agent.on('incident:opened', (incident) => console.log(incident.containerName, incident.problems));
 * await agent.start();
 * // ... later, e.g. on SIGTERM:
 * await agent.stop();
 * ```
 */
export class WebsiteMonitorAgent extends EventEmitter<AgentEvents> implements MonitorAgentApi {
  readonly host: string;
  readonly #config: MonitorConfig;
  readonly #runtime: ContainerRuntime;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #logger: Logger;
  readonly #log: AgentLog;
  readonly #recorder: Recorder;
  readonly #registry: HealingStrategyRegistry;
  readonly #containers: ContainerRegistry;
  readonly #ledger: RestartLedger;
  readonly #work: WorkTracker;
  readonly #observer: ContainerObserver;
  readonly #healer: Healer;
  readonly #restoreDeps: RestoreDeps;
  readonly #runLogs: RunLogFollower;
  readonly #incidents: IncidentCoordinator;
  readonly #swarm: SwarmServiceWatcher;
  /** Ends the loops (events, passes, probes) and the model's calls: aborted as a stop begins. */
  #abort: AbortController | undefined;
  /**
   * Checks and healing actions: aborted only once they may end, so a restart under way when a stop
   * begins is finished and recorded (or at the stop timeout, with the reason).
   */
  #workAbort: AbortController | undefined;
  #stopping = false;
  #loops: Promise<unknown>[] = [];
  #started = false;
  #startedAt: number | undefined;
  #engineConnected = false;
  readonly #engine: EngineInfo | undefined;
  readonly #agentVersion: string;

  constructor(options: WebsiteMonitorAgentOptions) {
    super();
    const config = options.config;
    const clock = options.clock ?? systemClock;
    const logger = options.logger ?? silentLogger;
    const log: AgentLog = (level, event, fields = {}) => logger.log(level, event, fields);
    const random = options.random ?? Math.random;
    const newId = options.newId ?? (() => crypto.randomUUID());
    const host = options.host ?? 'local';
    const emit = this.emit.bind(this) as EventEmitter<AgentEvents>['emit'];
    const signal = () => this.#abort?.signal;
    const workSignal = () => this.#workAbort?.signal;
    this.host = host;
    this.#engine = options.engine;
    this.#agentVersion = options.agentVersion ?? 'unknown';
    this.#config = config;
    this.#runtime = options.runtime;
    this.#clock = clock;
    this.#random = random;
    this.#logger = logger;
    this.#log = log;
    this.#recorder = new Recorder({ store: options.store ?? new MemoryStore(), clock, logger });
    this.#registry = createDefaultStrategyRegistry({ strategies: options.strategies ?? [] });
    this.#containers = createContainerRegistry();
    this.#ledger = createRestartLedger({
      restartsContainer: restartsContainerIn(this.#registry),
      maxConcurrentRestarts: config.healing.maxConcurrentRestarts,
      stormConcurrentRestarts: config.healing.stormConcurrentRestarts,
    });
    this.#runLogs = createRunLogFollower({ runtime: options.runtime, clock, logger });
    const runLogs = this.#runLogs;
    this.#work = createWorkTracker({ log });
    const track = this.#work.track.bind(this.#work);
    const work = this.#work;
    // Whatever the healer starts is healing work, which a stop waits for.
    const trackAction: typeof track = (promise) => track(work.markAction(promise));
    const baselines: BaselineBook = createBaselineBook({ host });
    const intent = createOperatorIntentTracker();
    const approvals = createApprovalQueue();
    const breaker = createCircuitBreaker();
    const restoredIncidents = createRestoredIncidents();
    const swarmTasks = createSwarmTaskContainers();
    // Healing acts through this one: restart, start and exec refuse a Swarm task's container.
    const actingRuntime = swarmGuardedRuntime({ runtime: options.runtime, tasks: swarmTasks });
    const recorder = this.#recorder;
    const containers = this.#containers;
    const ledger = this.#ledger;

    // The observer and the healer call each other (a verdict starts a heal, a heal asks for a
    // check), and the coordinator hands a recovery to the healer: those links are late-bound.
    const diagnosis = createDiagnosisService({
      runtime: options.runtime,
      clock,
      log,
      emit,
      containers,
      ledger,
      baselines,
      diagnoser: options.diagnoser,
      runLogs,
      signal,
    });
    const incidents = createIncidentCoordinator({
      host,
      clock,
      newId,
      recorder,
      emit,
      log,
      notifier: options.notifier,
      breaker,
      // A stopping agent starts no new work: dependents wait for the next run.
      afterResolved: (watch, resolved) =>
        this.#stopping ? Promise.resolve() : this.#healer.afterRecovery(watch, resolved),
      reopenWindowSeconds: config.healing.reopenWindowSeconds,
    });
    this.#swarm = createSwarmServiceWatcher({
      config,
      services: options.swarmServices,
      runtime: options.runtime,
      clock,
      log,
      emit,
      host,
      newId,
      random,
      recorder,
      notifier: options.notifier,
      tasks: swarmTasks,
      intent,
      approvals,
      restoredIncidents,
      track: trackAction,
      signal,
    });
    this.#observer = createContainerObserver({
      config,
      runtime: options.runtime,
      prober: options.prober ?? createNodeHttpProber(),
      clock,
      log,
      emit,
      host,
      newId,
      containers,
      intent,
      baselines,
      recorder,
      ledger,
      incidents,
      restoredIncidents,
      diagnosis,
      runLogs,
      heal: (watch) => (this.#stopping ? Promise.resolve() : work.markAction(this.#healer.heal(watch))),
      dependencyBack: (watch) => {
        if (!this.#stopping) this.#healer.dependencyBack(watch);
      },
      track,
      signal: workSignal,
      engineConnected: () => this.#engineConnected,
      swarm: this.#swarm,
    });
    this.#healer = createHealer({
      config,
      runtime: actingRuntime,
      clock,
      logger,
      log,
      emit,
      host,
      newId,
      random,
      recorder,
      registry: this.#registry,
      containers,
      incidents,
      ledger,
      intent,
      breaker,
      approvals,
      diagnosis,
      observer: this.#observer,
      track: trackAction,
      signal: workSignal,
    });
    this.#incidents = incidents;
    this.#restoreDeps = {
      host,
      clock,
      recorder,
      log,
      baselines,
      incidents: restoredIncidents,
      ledger,
      approvals,
      reopenWindowSeconds: config.healing.reopenWindowSeconds,
    };
  }

  get store(): Store {
    return this.#recorder.store;
  }

  get config(): MonitorConfig {
    return this.#config;
  }

  /** Names of every registered healing action, built-in and plugin. */
  strategyNames(): readonly string[] {
    return this.#registry.names();
  }

  // ---- lifecycle ---------------------------------------------------------------------------------

  /**
   * Restores open incidents, budgets and approvals from the store, subscribes to events, runs a
   * first full pass and starts the periodic loops. Returns once running; an engine that does not
   * answer is logged and retried, not thrown.
   */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#startedAt = this.#clock.now();
    this.#stopping = false;
    this.#abort = new AbortController();
    this.#workAbort = new AbortController();
    const signal = this.#abort.signal;
    const observer = this.#observer;
    this.#recorder.start();
    // Compiled now rather than on the first crash, whose restart would wait for it (2-14 ms cold).
    warmSecretScanner();
    await restoreState(this.#restoreDeps);
    await this.#swarm.restore();
    this.#log('info', 'agent_started', {
      host: this.host,
      interval_seconds: this.#config.monitoring.intervalSeconds,
      dry_run: this.#config.healing.dryRun,
      auto_heal: this.#config.healing.autoHealEnabled,
      actions: this.#registry.names(),
    });

    let connected: boolean | undefined;
    // Subscribe before the first full pass, so a failure between the two cannot go unseen.
    let firstConnectionState: () => void = () => {};
    const subscribed = new Promise<void>((resolve) => {
      firstConnectionState = resolve;
    });
    // A stop before the engine first answered (Ctrl-C during the start) ends the start too.
    signal.addEventListener('abort', () => firstConnectionState(), { once: true });
    this.#loops.push(
      watchContainerEvents({
        runtime: this.#runtime,
        clock: this.#clock,
        logger: this.#logger,
        signal,
        backoff: { initialMs: 500, maxMs: 15_000 },
        random: this.#random,
        onEvent: (event) => observer.onEvent(event),
        onReconnect: () => {
          this.#work.track(observer.fullPass('reconnect'));
        },
        onConnectionChange: (state) => {
          firstConnectionState();
          this.#engineConnected = state.connected;
          if (state.connected === connected) return;
          connected = state.connected;
          this.emit('engine:connection', state);
        },
      }),
    );
    await subscribed;
    if (signal.aborted) return;
    await observer.fullPass('start');
    this.#loops.push(this.#reportHost(signal));
    this.#loops.push(
      runPeriodically({
        clock: this.#clock,
        intervalMs: this.#config.monitoring.intervalSeconds * 1000,
        signal,
        task: () => observer.fullPass('periodic'),
        onError: (error) => this.#log('error', 'full_pass_failed', { error: describeError(error) }),
      }),
    );
    this.#loops.push(
      runPeriodically({
        clock: this.#clock,
        intervalMs: probeTickMs,
        signal,
        task: async () => observer.probeDueContainers(),
        onError: (error) => this.#log('error', 'probe_tick_failed', { error: describeError(error) }),
      }),
    );
    this.#loops.push(
      runPeriodically({
        clock: this.#clock,
        intervalMs: swarmLookTickMs,
        signal,
        task: async () => this.#swarm.lookDue(),
        onError: (error) => this.#log('error', 'swarm_look_tick_failed', { error: describeError(error) }),
      }),
    );
    this.#loops.push(
      runPeriodically({
        clock: this.#clock,
        intervalMs: retentionIntervalMs,
        // Not at start: a restarting agent has more urgent work than deleting old rows.
        jitterMs: retentionIntervalMs,
        random: this.#random,
        signal,
        task: () =>
          applyRetention({
            store: this.#recorder.store,
            storage: this.#config.storage,
            clock: this.#clock,
            log: this.#log,
          }),
        onError: (error) => this.#log('error', 'retention_failed', { error: describeError(error) }),
      }),
    );
  }

  /**
   * Stops the loops, then lets the healing under way finish within `timeoutMs` (default: the
   * restart stop timeout plus 15 s, as long as one restart can take): a restart is not cut short,
   * its result is recorded as it was, and an incident it leaves in `healing` is settled (resolved
   * when a check finds the container healthy, escalated with the reason otherwise). Past the
   * timeout the actions still running are aborted with a reason that says so. Then writes what is
   * buffered.
   */
  async stop(options: { readonly timeoutMs?: number } = {}): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    this.#stopping = true;
    const timeoutMs = options.timeoutMs ?? defaultStopTimeoutMs(this.#config);
    const deadline = performance.now() + timeoutMs;
    const remainingMs = () => Math.max(0, deadline - performance.now());
    // Past the timeout, what was aborted gets this long to record its end, all waits together.
    const graceRemainingMs = () =>
      remainingMs() + Math.max(0, abortGraceMs - Math.max(0, performance.now() - deadline));
    const timeoutSeconds = Math.round(timeoutMs / 100) / 10;
    this.#abort?.abort();
    const watches = [...this.#containers.watches()];
    const actedOn = new Set(
      watches.filter((watch) => watch.healing || watch.actionsInFlight > 0).map((watch) => watch.name),
    );
    const settling = this.#work.actionsInFlight > 0 || actedOn.size > 0;
    // Nothing to finish: checks under way are cut short at once, as a stop always did.
    if (!settling) this.#workAbort?.abort();
    await this.#runLogs.stop();
    await Promise.allSettled(this.#loops);
    this.#loops = [];
    if (settling) {
      const finished = await withinMs(
        this.#work.actionsIdle().then(() => true),
        remainingMs(),
      );
      if (finished !== true) {
        this.#log('warn', 'agent_stop_timeout', {
          timeout_seconds: timeoutSeconds,
          actions_in_flight: this.#work.actionsInFlight,
        });
        this.#workAbort?.abort(
          new Error(
            `interrupted: the agent stopped and its stop timeout (${timeoutSeconds} s) ran out before this action finished`,
          ),
        );
        // An aborted action records its end in a moment; one stuck in a call that ignores the
        // abort is left pending, which the next start records as interrupted.
        await withinMs(this.#work.actionsIdle(), graceRemainingMs());
      }
      await settleIncidentsOnStop({
        containers: this.#containers,
        check: (watch) => this.#observer.check(watch, { probe: true, reason: 'stop' }),
        incidents: this.#incidents,
        log: this.#log,
        remainingMs,
        timeoutSeconds,
        actedOn,
      });
      this.#workAbort?.abort();
    }
    // Everything is aborted by now; a call that ignores its abort must not hold the stop for ever.
    const idle = await withinMs(
      this.idle().then(() => true),
      graceRemainingMs(),
    );
    if (idle !== true)
      this.#log('warn', 'agent_stopped_with_work_in_flight', { timeout_seconds: timeoutSeconds });
    await this.#observer.saveBaselines();
    await this.#recorder.stop();
    this.#log('info', 'agent_stopped', { host: this.host });
  }

  /** This host's report now and every `hosts.report_interval` (the fleet view's "last seen"). */
  #reportHost(signal: AbortSignal): Promise<void> {
    const startedAt = this.#startedAt ?? this.#clock.now();
    const intervalSeconds = this.#config.hosts?.reportIntervalSeconds ?? defaultHostReportIntervalSeconds;
    return runPeriodically({
      clock: this.#clock,
      intervalMs: intervalSeconds * 1000,
      signal,
      task: () =>
        writeHostReport({
          store: this.#recorder.store,
          source: {
            host: this.host,
            engine: this.#engine,
            agentVersion: this.#agentVersion,
            role: 'active',
            startedAt,
          },
          lines: this.status(),
          now: this.#clock.now(),
        }),
      onError: (error) => this.#log('warn', 'host_report_failed', { error: describeError(error) }),
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** Resolves when no check, heal or write started by the agent is still running. */
  idle(): Promise<void> {
    return this.#work.idle();
  }

  // ---- public API --------------------------------------------------------------------------------

  /** The seed's `check_container_health`: one check of one container now, recorded like any other. */
  async checkContainerHealth(options: {
    readonly name: string;
    readonly healthEndpoint?: string;
  }): Promise<ContainerHealthAnswer> {
    const details = await this.#runtime.inspect({ id: options.name });
    const watch = this.#containers.watchFor(details.id, details.name);
    const verdict = await this.#observer.check(watch, {
      probe: true,
      reason: 'api',
      healthEndpoint: options.healthEndpoint,
    });
    if (!verdict)
      throw new MonitorError('usage', `container ${options.name} is not monitored by this configuration`);
    return { healthy: verdict.healthy, status: verdict.status, metrics: verdict.metrics, verdict };
  }

  /**
   * One full pass now: lists every container and checks each monitored one (HTTP probe included),
   * concurrently within `max_concurrent_checks`. Resolves with the verdicts when all are done.
   */
  async checkAll(): Promise<HealthVerdict[]> {
    const containers = await this.#runtime.list({ signal: this.#abort?.signal });
    const watches = containers.map((container) => this.#containers.watchFor(container.id, container.name));
    await Promise.all(
      watches.map((watch) => this.#observer.scheduleCheck(watch, { probe: true, reason: 'pass:api' })),
    );
    return watches.flatMap((watch) => (watch.settings && watch.verdict ? [watch.verdict] : []));
  }

  /** The agent's own health, for `/healthz` and status pages. */
  health(): AgentHealth {
    return {
      running: this.#started,
      startedAt: this.#startedAt,
      engineConnected: this.#engineConnected,
      lastFullPassAt: this.#observer.lastFullPassAt,
      containers: this.#containers.size,
      openIncidents:
        [...this.#containers.watches()].filter((watch) => watch.incident).length +
        this.#swarm.watched().filter((watch) => watch.record.incident).length,
    };
  }

  status(): ContainerStatus[] {
    const now = this.#clock.now();
    return [...this.#containers.watches()].map((watch) => ({
      id: watch.id,
      name: watch.name,
      monitored: watch.settings !== null,
      critical: watch.settings?.critical ?? false,
      verdict: watch.verdict,
      incident: watch.incident,
      restartsLeft: watch.settings
        ? this.#ledger.remaining({ container: watch.name, limit: watch.settings.maxRestartsPerHour, now })
        : undefined,
    }));
  }

  pendingApprovals(): readonly ApprovalRequest[] {
    return this.#healer.pendingApprovals();
  }

  /** A person says yes: the action runs through the same policy gate (budget, dependencies). */
  approve(options: { readonly id: string; readonly by: string }): Promise<HealingRequestOutcome> {
    // The approval stays pending; the next run restores it.
    if (this.#stopping) return Promise.resolve(stoppingOutcome);
    // A Swarm service's action is carried out by the service watcher, through Swarm.
    if (this.#swarm.ownsApproval(options.id)) return this.#work.markAction(this.#swarm.approve(options));
    return this.#work.markAction(this.#healer.approve(options));
  }

  /** A person says no: the incident is left to people, with the reason recorded. */
  reject(options: { readonly id: string; readonly by: string; readonly reason?: string }): Promise<void> {
    if (this.#swarm.ownsApproval(options.id)) return this.#swarm.reject(options);
    return this.#healer.reject(options);
  }

  /**
   * A person asks for an action on a container (the REST API's `POST /monitor/heal`). It goes through
   * the same policy as an automatic heal, minus the allowlist and confidence checks.
   */
  requestHealing(options: {
    readonly container: string;
    readonly action?: string;
    readonly reason: string;
    readonly by: string;
  }): Promise<HealingRequestOutcome> {
    if (this.#stopping) return Promise.resolve(stoppingOutcome);
    // A Swarm service (or a service action) goes to the service watcher; a Swarm task's container
    // is refused there with the reason; anything else is an ordinary container's.
    return this.#work.markAction(
      this.#swarm.requestHealing(options).then((outcome) => outcome ?? this.#healer.requestHealing(options)),
    );
  }
}

/** What a person's request gets once a stop has begun: nothing new is started. */
const stoppingOutcome: HealingRequestOutcome = {
  kind: 'wait',
  reason: 'the agent is stopping; ask again once it runs',
  changed: false,
};

/** How often due looks at Swarm services are started (each service's own cadence decides). */
const swarmLookTickMs = 500;

/** What an aborted action gets to record its end, past the stop timeout. */
const abortGraceMs = 2_000;

/** Long enough for one restart under way to finish: its stop timeout, plus the start. */
function defaultStopTimeoutMs(config: MonitorConfig): number {
  return config.healing.stopTimeoutSeconds * 1000 + 15_000;
}
