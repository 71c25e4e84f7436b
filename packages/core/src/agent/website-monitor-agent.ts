import { EventEmitter } from 'eventemitter3';
import { type CheckRunner, createCheckRunner } from '../check/check-runner.js';
import { evaluateHealth } from '../check/evaluate-health.js';
import { createNodeHttpProber } from '../check/node-http-prober.js';
import { initialProbeCounters } from '../check/probe-counter.js';
import type { MonitorConfig, StrategyStep } from '../config/monitor-config.js';
import { resolveContainerSettings } from '../config/resolve-container-settings.js';
import { boundedLogTail, firstErrorWindow } from '../diagnose/log-context.js';
import { createRuleDiagnoser } from '../diagnose/rule-diagnoser.js';
import type { ContainerDetails, ContainerEvent } from '../domain/container.js';
import type { Diagnosis } from '../domain/diagnosis.js';
import type { ActionDecidedBy, ApprovalRequest, HealingActionRecord } from '../domain/healing-action.js';
import type { HealthSample, HealthVerdict } from '../domain/health.js';
import { type Incident, openIncidentStatuses } from '../domain/incident.js';
import { ContainerRuntimeError, MonitorError } from '../errors/monitor-error.js';
import type { HealingStrategy } from '../heal/healing-strategy.js';
import { createDefaultStrategyRegistry, type HealingStrategyRegistry } from '../heal/strategy-registry.js';
import {
  escalateIncident,
  mergeProblems,
  openIncident,
  resolveIncident,
  transitionIncident,
  withAction,
  withDiagnosis,
} from '../incident/incident-lifecycle.js';
import { type BaselineBook, createBaselineBook } from '../learn/baseline-book.js';
import { watchContainerEvents } from '../observe/event-watcher.js';
import { runPeriodically } from '../observe/periodic.js';
import { createApprovalQueue } from '../policy/approval-queue.js';
import { createCircuitBreaker } from '../policy/circuit-breaker.js';
import { decideHealing, type HealingDecision } from '../policy/decide-healing.js';
import { buildDependencyGraph } from '../policy/dependency-graph.js';
import { expectDockerRestart } from '../policy/docker-restart-policy.js';
import { detectInstructionLikeContext } from '../policy/instruction-detector.js';
import { createOperatorIntentTracker } from '../policy/operator-intent.js';
import { createRestartBudget } from '../policy/restart-budget.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import type { Diagnoser, DiagnosisContext } from '../ports/diagnoser.js';
import type { HttpProber } from '../ports/http-prober.js';
import { type Logger, silentLogger } from '../ports/logger.js';
import type { Notification, Notifier } from '../ports/notifier.js';
import type { Store } from '../ports/store.js';
import { Recorder } from '../record/recorder.js';
import { MemoryStore } from '../testing/memory-store.js';
import type { AgentEvents } from './agent-events.js';
import { type ContainerWatch, createContainerWatch } from './container-watch.js';

export interface WebsiteMonitorAgentOptions {
  readonly config: MonitorConfig;
  readonly runtime: ContainerRuntime;
  /** Defaults to an in-memory store. */
  readonly store?: Store;
  /** Diagnoses an incident when a `diagnose_with_claude` step runs; the rules are used otherwise. */
  readonly diagnoser?: Diagnoser;
  readonly notifier?: Notifier;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly prober?: HttpProber;
  /** Plugin strategies, registered after the built-ins exactly as they are. */
  readonly strategies?: readonly HealingStrategy[];
  /** Names this agent's rows when several agents share one database. */
  readonly host?: string;
  /** For jitter; injectable so tests are deterministic. */
  readonly random?: () => number;
  readonly newId?: () => string;
}

/**
 * Why a check runs. `exited` carries a `die` event's facts: Docker holds a container's lock while
 * it cleans up after an exit, so an inspect right after the `die` waits 70-220 ms (measured on
 * Docker 20.10), and so would the restart. The event already says what happened, so the check
 * trusts it; the check after the healing action inspects for real.
 */
interface CheckRequest {
  readonly probe: boolean;
  readonly reason: string;
  readonly healthEndpoint?: string;
  readonly exited?: { readonly exitCode: number | null; readonly oomKilled: boolean; readonly time: number };
}

/** What became of a requested action: the policy's decision, and whether the container changed. */
export interface HealingRequestOutcome {
  readonly kind: HealingDecision['kind'];
  readonly reason: string;
  readonly changed: boolean;
}

export interface AgentHealth {
  readonly running: boolean;
  readonly startedAt: number | undefined;
  /** Whether the engine's event stream is connected now. */
  readonly engineConnected: boolean;
  /** When the last full list of containers succeeded. */
  readonly lastFullPassAt: number | undefined;
  readonly containers: number;
  readonly openIncidents: number;
}

/** One line per container for status displays and the REST API. */
export interface ContainerStatus {
  readonly id: string;
  readonly name: string;
  readonly monitored: boolean;
  readonly verdict: HealthVerdict | undefined;
  readonly incident: Incident | undefined;
  readonly restartsLeft: number | undefined;
}

/** Log lines read at a failure: the tail sent on is bounded again by lines and bytes. */
const logReadLines = 500;
const recentEventsKept = 20;
/** How often due probes are looked for: a quarter of the shortest probe period (1 s). */
const probeTickMs = 250;
/** A tail fetched at an event is used for the diagnosis only if it is this fresh. */
const logPrefetchMaxAgeMs = 2_000;
/** Restart events of ours arrive within the stop timeout plus the start; this margin covers the start. */
const ownActionMarginMs = 15_000;
/** A container that has run this long without trouble starts a new backoff streak (kubelet: 10 min). */
const stableResetMs = 10 * 60_000;
const retentionIntervalMs = 60 * 60_000;
const retentionBatchSize = 5_000;
const dayMs = 24 * 60 * 60_000;
const restartingActions = new Set(['restart_container', 'reset_connections', 'restart_if_above_threshold']);

/**
 * Watches every container through the runtime's events plus a periodic full pass, turns checks into
 * incidents, asks the policy what may be done, heals, and records every step. It only wires the
 * pipeline; each decision lives in its own module (check/, incident/, policy/, heal/).
 */
export class WebsiteMonitorAgent extends EventEmitter<AgentEvents> {
  readonly host: string;
  readonly #config: MonitorConfig;
  readonly #runtime: ContainerRuntime;
  readonly #diagnoser: Diagnoser;
  readonly #rules: Diagnoser;
  readonly #notifier: Notifier | undefined;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #prober: HttpProber;
  readonly #random: () => number;
  readonly #newId: () => string;
  readonly #recorder: Recorder;
  readonly #registry: HealingStrategyRegistry;
  readonly #budget = createRestartBudget();
  readonly #intent = createOperatorIntentTracker();
  readonly #approvals = createApprovalQueue();
  readonly #breaker = createCircuitBreaker();
  readonly #baselines: BaselineBook;
  readonly #watches = new Map<string, ContainerWatch>();
  /** Incidents restored from the store, waiting for their container to be seen again (by name). */
  readonly #restoredIncidents = new Map<string, Incident>();
  readonly #work = new Set<Promise<unknown>>();
  readonly #checkRunner: CheckRunner<HealthVerdict | undefined>;
  #restartsInFlight = 0;
  #abort: AbortController | undefined;
  #loops: Promise<unknown>[] = [];
  #started = false;
  #startedAt: number | undefined;
  #engineConnected = false;
  #lastFullPassAt: number | undefined;

  constructor(options: WebsiteMonitorAgentOptions) {
    super();
    this.#config = options.config;
    this.#runtime = options.runtime;
    this.#rules = createRuleDiagnoser();
    this.#diagnoser = options.diagnoser ?? this.#rules;
    this.#notifier = options.notifier;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#prober = options.prober ?? createNodeHttpProber();
    this.#random = options.random ?? Math.random;
    this.#newId = options.newId ?? (() => crypto.randomUUID());
    this.host = options.host ?? 'local';
    this.#baselines = createBaselineBook({ host: this.host });
    this.#recorder = new Recorder({
      store: options.store ?? new MemoryStore(),
      clock: this.#clock,
      logger: this.#logger,
    });
    this.#registry = createDefaultStrategyRegistry({ strategies: options.strategies ?? [] });
    this.#checkRunner = createCheckRunner({ maxConcurrent: this.#config.monitoring.maxConcurrentChecks });
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
    this.#abort = new AbortController();
    const signal = this.#abort.signal;
    this.#recorder.start();
    await this.#restore();
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
    this.#loops.push(
      watchContainerEvents({
        runtime: this.#runtime,
        clock: this.#clock,
        logger: this.#logger,
        signal,
        backoff: { initialMs: 500, maxMs: 15_000 },
        random: this.#random,
        onEvent: (event) => this.#onEvent(event),
        onReconnect: () => {
          this.#track(this.#fullPass('reconnect'));
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
    await this.#fullPass('start');
    this.#loops.push(
      runPeriodically({
        clock: this.#clock,
        intervalMs: this.#config.monitoring.intervalSeconds * 1000,
        signal,
        task: () => this.#fullPass('periodic'),
        onError: (error) => this.#log('error', 'full_pass_failed', { error: describe(error) }),
      }),
    );
    this.#loops.push(
      runPeriodically({
        clock: this.#clock,
        intervalMs: probeTickMs,
        signal,
        task: async () => this.#probeDueContainers(),
        onError: (error) => this.#log('error', 'probe_tick_failed', { error: describe(error) }),
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
        task: () => this.#applyRetention(),
        onError: (error) => this.#log('error', 'retention_failed', { error: describe(error) }),
      }),
    );
  }

  /** Stops the loops, lets in-flight work end, writes what is buffered. */
  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    this.#abort?.abort();
    await Promise.allSettled(this.#loops);
    this.#loops = [];
    await this.idle();
    await this.#saveBaselines();
    await this.#recorder.stop();
    this.#log('info', 'agent_stopped', { host: this.host });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** Resolves when no check, heal or write started by the agent is still running. */
  async idle(): Promise<void> {
    // Events reach the agent a few turns after they are emitted, so "nothing in flight" must hold
    // over several turns of the event loop before it counts.
    for (let quietTurns = 0; quietTurns < 3; ) {
      if (this.#work.size > 0) {
        quietTurns = 0;
        await Promise.allSettled([...this.#work]);
      } else {
        quietTurns++;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
  }

  // ---- public API --------------------------------------------------------------------------------

  /** The seed's `check_container_health`: one check of one container now, recorded like any other. */
  async checkContainerHealth(options: { readonly name: string; readonly healthEndpoint?: string }): Promise<{
    healthy: boolean;
    status: string;
    metrics: HealthVerdict['metrics'];
    verdict: HealthVerdict;
  }> {
    const details = await this.#runtime.inspect({ id: options.name });
    const watch = this.#watchFor(details.id, details.name);
    const verdict = await this.#check(watch, {
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
    const watches = containers.map((container) => this.#watchFor(container.id, container.name));
    await Promise.all(
      watches.map((watch) => this.#scheduleCheck(watch, { probe: true, reason: 'pass:api' })),
    );
    return watches.flatMap((watch) => (watch.settings && watch.verdict ? [watch.verdict] : []));
  }

  /** The agent's own health, for `/healthz` and status pages. */
  health(): AgentHealth {
    return {
      running: this.#started,
      startedAt: this.#startedAt,
      engineConnected: this.#engineConnected,
      lastFullPassAt: this.#lastFullPassAt,
      containers: this.#watches.size,
      openIncidents: [...this.#watches.values()].filter((watch) => watch.incident).length,
    };
  }

  status(): ContainerStatus[] {
    const now = this.#clock.now();
    return [...this.#watches.values()].map((watch) => ({
      id: watch.id,
      name: watch.name,
      monitored: watch.settings !== null,
      verdict: watch.verdict,
      incident: watch.incident,
      restartsLeft: watch.settings
        ? this.#budget.remaining({ container: watch.name, limit: watch.settings.maxRestartsPerHour, now })
        : undefined,
    }));
  }

  pendingApprovals(): readonly ApprovalRequest[] {
    return this.#approvals.pending();
  }

  /** A person says yes: the action runs through the same policy gate (budget, dependencies). */
  async approve(options: { readonly id: string; readonly by: string }): Promise<HealingRequestOutcome> {
    const approval = this.#approvals.approve({ id: options.id, by: options.by, now: this.#clock.now() });
    await this.#recorder.saveApproval(approval);
    this.emit('approval:decided', approval);
    this.#log('info', 'approval_decided', {
      approval_id: approval.id,
      action: approval.action,
      decision: 'approved',
      by: options.by,
    });
    const watch = this.#watches.get(approval.containerId) ?? this.#findWatchByName(approval.containerName);
    if (!watch?.incident || watch.incident.id !== approval.incidentId) {
      return { kind: 'skip', reason: `incident ${approval.incidentId} is no longer open`, changed: false };
    }
    watch.incident = await this.#saveIncident(
      transitionIncident(watch.incident, { to: 'healing', now: this.#clock.now() }),
    );
    return this.#track(
      this.#runStep(
        watch,
        stepFor(approval.action),
        'person',
        `approved by ${options.by}: ${approval.reason}`,
      ),
    );
  }

  /** A person says no: the incident is left to people, with the reason recorded. */
  async reject(options: {
    readonly id: string;
    readonly by: string;
    readonly reason?: string;
  }): Promise<void> {
    const approval = this.#approvals.reject({ id: options.id, by: options.by, now: this.#clock.now() });
    await this.#recorder.saveApproval(approval);
    this.emit('approval:decided', approval);
    this.#log('info', 'approval_decided', {
      approval_id: approval.id,
      action: approval.action,
      decision: 'rejected',
      by: options.by,
    });
    const watch = this.#watches.get(approval.containerId) ?? this.#findWatchByName(approval.containerName);
    if (watch?.incident && watch.incident.id === approval.incidentId) {
      await this.#escalate(
        watch,
        `${approval.action} rejected by ${options.by}${options.reason ? `: ${options.reason}` : ''}`,
      );
    }
  }

  /**
   * A person asks for an action on a container (the REST API's `POST /monitor/heal`). It goes through
   * the same policy as an automatic heal, minus the allowlist and confidence checks.
   */
  async requestHealing(options: {
    readonly container: string;
    readonly action?: string;
    readonly reason: string;
    readonly by: string;
  }): Promise<HealingRequestOutcome> {
    const details = await this.#runtime.inspect({ id: options.container });
    const watch = this.#watchFor(details.id, details.name);
    watch.details = details;
    const resolved = resolveContainerSettings({ config: this.#config, container: details });
    watch.settings = resolved.settings;
    if (!watch.settings)
      return { kind: 'skip', reason: `container ${details.name} is not monitored`, changed: false };
    if (!watch.incident) {
      const verdict = watch.verdict ?? (await this.#check(watch, { probe: false, reason: 'person' }));
      if (!verdict)
        return { kind: 'skip', reason: `container ${details.name} is not monitored`, changed: false };
      watch.incident = await this.#open(watch, {
        ...verdict,
        problems: [{ kind: 'custom_error', message: `requested by ${options.by}: ${options.reason}` }],
      });
    }
    const action = options.action ?? 'restart_container';
    this.#registry.get(action);
    return this.#track(
      this.#runStep(watch, stepFor(action), 'person', `requested by ${options.by}: ${options.reason}`),
    );
  }

  // ---- observation -------------------------------------------------------------------------------

  #onEvent(event: ContainerEvent): void {
    const cause = this.#intent.observe(event);
    this.#log('debug', 'docker_event', { container: event.containerName, action: event.action, cause });
    if (event.action === 'destroy') {
      this.#track(this.#forget(event.containerId, 'container removed'));
      return;
    }
    // Our own restart's kill/die/stop/start: we re-check when the action returns.
    if (cause === 'own') return;
    // A kill changes nothing by itself: the die that follows (if the process ends) is the event to
    // check on, and by then the kill has marked it as a person's stop. Checking at the kill races
    // the die and can open an incident for a container a person is stopping.
    if (event.action === 'kill') return;
    // Containers this configuration does not monitor cost no inspect: events carry their labels.
    const known = this.#watches.get(event.containerId);
    if (
      (known && known.settings === null && known.details) ||
      (!known &&
        !resolveContainerSettings({
          config: this.#config,
          container: { name: event.containerName, labels: event.labels },
        }).settings)
    ) {
      return;
    }
    const watch = this.#watchFor(event.containerId, event.containerName);
    watch.recentEvents.push({
      action: event.action,
      time: event.time,
      ...(event.exitCode !== undefined ? { exitCode: event.exitCode } : {}),
    });
    if (watch.recentEvents.length > recentEventsKept) watch.recentEvents.shift();
    if (
      event.action === 'die' ||
      event.action === 'oom' ||
      (event.action === 'health_status' && event.healthStatus === 'unhealthy')
    ) {
      // The diagnosis will want the log tail: fetch it alongside the inspect, not after it, so the
      // restart call is not held up by two engine round trips in a row.
      this.#prefetchLogs(watch);
    }
    // A start is a new run: its HTTP endpoint deserves a probe as soon as the start period allows.
    if (event.action === 'start' || event.action === 'unpause') watch.nextProbeAt = this.#clock.now();
    if (event.action === 'oom') watch.oomAt = event.time;
    const exited =
      event.action === 'die' &&
      watch.details?.state === 'running' &&
      !this.#intent.isOperatorStopped(event.containerId)
        ? {
            exitCode: event.exitCode ?? null,
            // The kernel's OOM kill arrives as `oom` just before its `die`.
            oomKilled: watch.oomAt !== undefined && event.time - watch.oomAt < 2_000,
            time: event.time,
          }
        : undefined;
    this.#scheduleCheck(watch, {
      probe: false,
      reason: `event:${event.action}`,
      ...(exited ? { exited } : {}),
    });
  }

  async #fullPass(reason: string): Promise<void> {
    let containers: Awaited<ReturnType<ContainerRuntime['list']>>;
    try {
      containers = await this.#runtime.list({ signal: this.#abort?.signal });
    } catch (error) {
      this.#logRuntimeError('full_pass_failed', error, { reason });
      return;
    }
    this.#lastFullPassAt = this.#clock.now();
    const seen = new Set<string>();
    for (const container of containers) {
      seen.add(container.id);
      const watch = this.#watchFor(container.id, container.name);
      this.#scheduleCheck(watch, { probe: this.#clock.now() >= watch.nextProbeAt, reason: `pass:${reason}` });
    }
    for (const id of [...this.#watches.keys()]) {
      if (!seen.has(id)) await this.#forget(id, 'container no longer listed');
    }
    await this.#saveBaselines();
  }

  #probeDueContainers(): void {
    const now = this.#clock.now();
    for (const watch of this.#watches.values()) {
      if (watch.settings && watch.details?.state === 'running' && now >= watch.nextProbeAt) {
        this.#scheduleCheck(watch, { probe: true, reason: 'probe' });
      }
    }
  }

  /**
   * Runs a check of this container, or, when one is already running, asks for one more after it
   * (an event may have arrived after its inspect). Resolves when the container's checks are done.
   */
  #scheduleCheck(watch: ContainerWatch, request: CheckRequest): Promise<void> {
    if (watch.checkLoop) {
      // A later event (a start by Docker's restart policy, say) makes an earlier die's facts stale.
      const exited = request.reason.startsWith('event:')
        ? request.exited
        : (request.exited ?? watch.checkAgain?.exited);
      watch.checkAgain = {
        probe: request.probe || (watch.checkAgain?.probe ?? false),
        reason: watch.checkAgain?.reason ?? request.reason,
        // A die that arrives during a check keeps its facts, so the next check need not inspect.
        ...(exited ? { exited } : {}),
      };
      return watch.checkLoop;
    }
    const loop = (async () => {
      try {
        let next: CheckRequest | undefined = request;
        while (next) {
          const current = next;
          watch.checkAgain = undefined;
          // Bounded across containers: a slow endpoint holds one slot, never the others.
          await this.#checkRunner.run(watch.id, () => this.#check(watch, current));
          next = watch.checkAgain;
        }
      } finally {
        watch.checkLoop = undefined;
      }
    })();
    watch.checkLoop = loop;
    return this.#track(loop);
  }

  /** Inspects (and probes when asked), evaluates, records, and acts on the verdict. */
  async #check(watch: ContainerWatch, request: CheckRequest): Promise<HealthVerdict | undefined> {
    let details: ContainerDetails;
    try {
      const known = watch.details;
      const trustEvent =
        request.exited !== undefined &&
        known !== undefined &&
        (known.startedAt === null || Date.parse(known.startedAt) <= request.exited.time);
      details =
        trustEvent && request.exited && known
          ? exitedFromEvent(known, request.exited)
          : await this.#runtime.inspect({ id: watch.id, signal: this.#abort?.signal });
    } catch (error) {
      if (ContainerRuntimeError.isInstance(error) && (error as ContainerRuntimeError).kind === 'not_found') {
        await this.#forget(watch.id, 'container removed');
      } else {
        this.#logRuntimeError('inspect_failed', error, { container: watch.name });
      }
      return undefined;
    }
    watch.details = details;
    watch.name = details.name;
    const resolved = resolveContainerSettings({ config: this.#config, container: details });
    for (const issue of resolved.issues) {
      // Labels are re-read on every check; a bad one is worth one line, not one per check.
      if (watch.labelIssuesLogged.has(issue)) continue;
      watch.labelIssuesLogged.add(issue);
      this.#log('warn', 'label_ignored', { container: details.name, issue });
    }
    const settings =
      resolved.settings && request.healthEndpoint
        ? { ...resolved.settings, healthEndpoint: request.healthEndpoint }
        : resolved.settings;
    watch.settings = settings;
    if (!settings) return undefined;
    this.#adoptRestoredIncident(watch);

    const now = this.#clock.now();
    const running = details.state === 'running';
    const probe = request.probe && running;
    // Docker's one-shot stats can wait for the engine's next stats tick (up to ~1 s), so a check
    // never waits for them: it uses the newest reading that arrived since the last check.
    const statsRequest = probe ? this.#sampleStats(watch) : undefined;
    const http =
      probe && settings.healthEndpoint
        ? await this.#prober.probe({
            url: settings.healthEndpoint,
            timeoutMs: this.#config.monitoring.healthCheckTimeoutSeconds * 1000,
            expectedStatus: settings.expectedStatus,
            signal: this.#abort?.signal,
          })
        : undefined;
    // The agent is stopping and cut the probe short: that says nothing about the container, and
    // the time it ran is no response time. Neither judged nor recorded.
    if (this.#abort?.signal.aborted) return undefined;
    if (request.reason === 'api') await statsRequest;
    const stats = watch.freshStats;
    watch.freshStats = undefined;
    // From the check's start, not its end, so the period does not drift by the probe's duration.
    if (probe) watch.nextProbeAt = now + settings.checkIntervalSeconds * 1000;

    // Judged against what was learned before this reading, then learned from.
    const evaluated = evaluateHealth({
      details,
      http,
      stats,
      previousStats: watch.previousStats,
      settings,
      counters: watch.counters,
      baselines: this.#baselines.snapshot(details.name, details.image),
      now,
    });
    if (stats) watch.previousStats = stats;
    watch.counters = evaluated.counters;
    let verdict = evaluated.verdict;
    if (details.state === 'created') {
      // Created but never started: `docker create`, or compose between its create and its start.
      // Starting it is a person's decision, not a repair.
      verdict = { ...verdict, healthy: false, status: 'stopped_by_operator', problems: [] };
    } else if (
      !verdict.healthy &&
      this.#config.healing.respectOperatorStops &&
      this.#intent.isOperatorStopped(details.id)
    ) {
      verdict = { ...verdict, status: 'stopped_by_operator' };
    }
    const previous = watch.verdict;
    watch.verdict = verdict;
    this.#baselines.observe({ verdict, image: details.image, now });
    this.#recorder.addHealthSample(this.#sample(verdict));
    this.emit('check:completed', verdict);
    if (!verdict.healthy && verdict.status === 'unhealthy') {
      this.emit('check:failed', verdict);
      // A container that stays down (escalated, waiting for a person) would otherwise repeat the
      // same warning every pass: say it at warn level when it is news, at debug level after that.
      const news = previous?.status !== 'unhealthy' || problemText(previous) !== problemText(verdict);
      this.#log(news ? 'warn' : 'debug', 'check_failed', {
        container: details.name,
        reason: request.reason,
        problems: verdict.problems.map((problem) => problem.message),
      });
    }
    await this.#onVerdict(watch, verdict);
    return verdict;
  }

  /** One stats reading in flight per container at most; the result waits in `freshStats`. */
  #sampleStats(watch: ContainerWatch): Promise<void> {
    if (watch.statsInFlight) return watch.statsInFlight;
    const request = this.#runtime
      .stats({ id: watch.id, signal: this.#abort?.signal })
      .then((sample) => {
        watch.freshStats = sample;
      })
      .catch((error: unknown) => this.#logRuntimeError('stats_failed', error, { container: watch.name }))
      .finally(() => {
        watch.statsInFlight = undefined;
      });
    watch.statsInFlight = request;
    return request;
  }

  // ---- incidents ---------------------------------------------------------------------------------

  async #onVerdict(watch: ContainerWatch, verdict: HealthVerdict): Promise<void> {
    const now = this.#clock.now();
    if (verdict.healthy) {
      if (watch.lastAttemptAt !== undefined && now - watch.lastAttemptAt > stableResetMs) watch.attempts = 0;
      watch.dockerRestartSince = undefined;
      if (!watch.incident) return;
      if (watch.actionsInFlight > 0) return;
      // An incident about the endpoint is over only when the endpoint says so: a check that did
      // not probe it (an inspect after an event) proves the container runs, not that it answers.
      if (needsHttpEvidence(watch.incident) && verdict.metrics.httpStatus === undefined) {
        this.#recheckAt(watch, now + probeTickMs);
        return;
      }
      await this.#resolve(watch, watch.healedByUs ? 'healed' : 'recovered');
      return;
    }
    if (verdict.status === 'stopped_by_operator' || verdict.status === 'paused') {
      if (watch.incident) await this.#resolve(watch, `left alone: ${verdict.status.replaceAll('_', ' ')}`);
      return;
    }
    if (verdict.status === 'starting') {
      // An open incident resolves once the new run is past its start period: look again then,
      // not only at the next probe.
      const startedAt = watch.details?.startedAt ? Date.parse(watch.details.startedAt) : now;
      if (watch.incident && watch.settings)
        this.#recheckAt(watch, startedAt + watch.settings.startPeriodSeconds * 1000 + 1);
      return;
    }
    if (verdict.status !== 'unhealthy') return;
    if (!watch.incident) {
      watch.incident = await this.#open(watch, verdict);
    } else {
      const merged = mergeProblems(watch.incident, verdict.problems, now);
      if (merged !== watch.incident) watch.incident = await this.#saveIncident(merged);
    }
    this.#track(this.#heal(watch));
  }

  async #open(watch: ContainerWatch, verdict: HealthVerdict): Promise<Incident> {
    const incident = openIncident({ id: this.#newId(), host: this.host, verdict, now: this.#clock.now() });
    watch.healedByUs = false;
    watch.stepAttempts.clear();
    await this.#recorder.saveIncident(incident);
    this.emit('incident:opened', incident);
    this.#log('warn', 'incident_opened', {
      container: incident.containerName,
      incident_id: incident.id,
      trigger: incident.trigger,
      problems: incident.problems.map((problem) => problem.message),
    });
    this.#notify({
      kind: 'incident_opened',
      incident,
      message: `${incident.containerName}: ${incident.problems[0]?.message ?? incident.trigger}`,
    });
    return incident;
  }

  async #resolve(watch: ContainerWatch, how: string): Promise<void> {
    const incident = watch.incident;
    if (!incident) return;
    const resolved = resolveIncident(incident, { now: this.#clock.now(), autoHealed: watch.healedByUs });
    watch.incident = undefined;
    watch.healedByUs = false;
    watch.stepAttempts.clear();
    watch.stepLastAt.clear();
    watch.modelGuard = undefined;
    this.#breaker.incidentResolved({ container: watch.name, incidentId: incident.id });
    await this.#recorder.saveIncident(resolved);
    this.emit('incident:resolved', resolved);
    this.#log('info', 'incident_resolved', {
      container: resolved.containerName,
      incident_id: resolved.id,
      how,
      auto_healed: resolved.autoHealed,
      time_to_recover_ms: (resolved.resolvedAt ?? resolved.openedAt) - resolved.openedAt,
    });
    this.#notify({
      kind: 'incident_resolved',
      incident: resolved,
      message: `${resolved.containerName}: ${how}`,
    });
    await this.#afterRecovery(watch, resolved);
  }

  async #escalate(watch: ContainerWatch, reason: string): Promise<void> {
    const incident = watch.incident;
    if (!incident || incident.status === 'escalated') return;
    const escalated = escalateIncident(incident, { reason, now: this.#clock.now() });
    watch.incident = escalated;
    await this.#recorder.saveIncident(escalated);
    this.emit('incident:escalated', escalated);
    this.#log('error', 'incident_escalated', {
      container: escalated.containerName,
      incident_id: escalated.id,
      reason,
    });
    this.#notify({
      kind: 'incident_escalated',
      incident: escalated,
      message: `${escalated.containerName}: ${reason}`,
    });
  }

  async #saveIncident(incident: Incident): Promise<Incident> {
    await this.#recorder.saveIncident(incident);
    this.emit('incident:updated', incident);
    return incident;
  }

  /** After a container recovers: dependents that waited on it get their turn. */
  async #afterRecovery(parent: ContainerWatch, incident: Incident): Promise<void> {
    const graph = this.#dependencyGraph();
    for (const name of graph.dependentsOf(parent.name)) {
      const dependent = this.#findWatchByName(name);
      if (!dependent) continue;
      if (dependent.incident) {
        this.#scheduleCheck(dependent, { probe: true, reason: `dependency ${parent.name} recovered` });
      } else if (
        incident.autoHealed &&
        this.#config.healing.restartDependents &&
        dependent.settings &&
        dependent.details?.state === 'running'
      ) {
        const verdict = dependent.verdict;
        if (!verdict) continue;
        dependent.incident = await this.#open(dependent, {
          ...verdict,
          problems: [{ kind: 'custom_error', message: `dependency ${parent.name} was restarted` }],
        });
        this.#track(
          this.#runStep(
            dependent,
            stepFor('restart_container'),
            'rule',
            `dependency ${parent.name} was restarted (healing.restart_dependents)`,
          ),
        );
      }
    }
  }

  // ---- healing -----------------------------------------------------------------------------------

  async #heal(watch: ContainerWatch): Promise<void> {
    if (watch.healing) {
      watch.healAgain = true;
      return;
    }
    watch.healing = true;
    try {
      do {
        watch.healAgain = false;
        await this.#healOnce(watch);
      } while (watch.healAgain);
    } finally {
      watch.healing = false;
    }
  }

  async #healOnce(watch: ContainerWatch): Promise<void> {
    const incident = watch.incident;
    const settings = watch.settings;
    if (!incident || !settings || !watch.details) return;
    if (incident.status === 'awaiting_approval' || incident.status === 'escalated') return;

    if (!incident.diagnosis) {
      const diagnosing = transitionIncident(incident, { to: 'diagnosing', now: this.#clock.now() });
      // A process that just exited gets restarted whatever its last lines say, and its log tail is
      // as slow to read as an inspect while Docker cleans up: decide on the exit code and OOM flag
      // (the lines are used if they are already here), and read the logs for the next failure.
      const justExited = watch.verdict?.problems.every(
        (problem) => problem.kind === 'container_stopped' || problem.kind === 'oom_killed',
      );
      const context = await this.#diagnosisContext(watch, diagnosing, {
        logs: justExited ? 'if-ready' : 'wait',
      });
      const diagnosis = await this.#diagnoseWith(this.#rules, context);
      watch.incident = await this.#saveIncident(withDiagnosis(diagnosing, diagnosis, this.#clock.now()));
      this.#log('info', 'diagnosis', {
        container: watch.name,
        incident_id: incident.id,
        source: diagnosis.source,
        diagnosis: diagnosis.diagnosis,
        recommended_action: diagnosis.recommendedAction,
        confidence: diagnosis.confidence,
        urgency: diagnosis.urgency,
      });
    }

    const steps = this.#config.healing.strategies[incident.trigger] ?? [];
    for (const step of steps) {
      const current = watch.incident;
      if (!current || current.status === 'awaiting_approval' || current.status === 'escalated') return;
      if (step.action === 'diagnose_with_claude') {
        const followUp = await this.#diagnoseStep(watch, step);
        if (followUp === 'stop') return;
        continue;
      }
      const outcome = await this.#runStep(
        watch,
        step,
        'rule',
        `${current.trigger}: ${current.problems[0]?.message ?? ''}`,
      );
      if (outcome.kind !== 'act' || outcome.changed) return;
    }
    // Every step ran and none could act: when the diagnosis says a person must look, say so now
    // rather than leaving the incident open with nobody told.
    const after = watch.incident;
    if (after && openForHealing(after) && after.diagnosis?.recommendedAction === 'manual') {
      await this.#escalate(watch, `needs a person: ${after.diagnosis.diagnosis}`);
    }
  }

  /**
   * Asks the configured diagnoser (Claude when set up). Its recommendation is then put through the
   * same policy gate as any rule: a model can only pick from the allowlist, never more.
   */
  async #diagnoseStep(watch: ContainerWatch, step: StrategyStep): Promise<'continue' | 'stop'> {
    const incident = watch.incident!;
    if (this.#diagnoser === this.#rules && incident.diagnosis?.source === 'rules') {
      // No model configured: the rules' diagnosis already stands; act on its recommendation.
      return this.#actOnRecommendation(watch, incident.diagnosis, 'rule');
    }
    const context = await this.#diagnosisContext(watch, incident);
    const diagnosis = await this.#diagnoseWith(this.#diagnoser, context);
    // What the policy needs to keep a model in check: did the text it read try to instruct it, and
    // what would the rules (which cannot be steered) have done with the same facts?
    const rules = await this.#rules.diagnose({ context });
    watch.modelGuard = {
      markers: detectInstructionLikeContext(context),
      rulesAction: rules.recommendedAction,
    };
    watch.incident = await this.#saveIncident(withDiagnosis(incident, diagnosis, this.#clock.now()));
    await this.#recordAction(
      watch,
      step.action,
      `diagnosis by ${diagnosis.source}: ${diagnosis.diagnosis}`,
      'rule',
      'succeeded',
    );
    return this.#actOnRecommendation(watch, diagnosis, diagnosis.source === 'model' ? 'model' : 'rule');
  }

  async #actOnRecommendation(
    watch: ContainerWatch,
    diagnosis: Diagnosis,
    decidedBy: ActionDecidedBy,
  ): Promise<'continue' | 'stop'> {
    if (diagnosis.recommendedAction === 'manual') return 'continue';
    if (!this.#registry.has(diagnosis.recommendedAction)) {
      await this.#escalate(watch, `diagnosis recommends unknown action ${diagnosis.recommendedAction}`);
      return 'stop';
    }
    const outcome = await this.#runStep(
      watch,
      stepFor(diagnosis.recommendedAction),
      decidedBy,
      diagnosis.diagnosis,
    );
    return outcome.kind === 'act' && !outcome.changed ? 'continue' : 'stop';
  }

  async #diagnoseWith(diagnoser: Diagnoser, context: DiagnosisContext): Promise<Diagnosis> {
    const diagnosis = await this.#diagnoseOrFallBack(diagnoser, context);
    this.emit('diagnosis:completed', { incident: context.incident, diagnosis });
    return diagnosis;
  }

  async #diagnoseOrFallBack(diagnoser: Diagnoser, context: DiagnosisContext): Promise<Diagnosis> {
    try {
      return await diagnoser.diagnose({ context, signal: this.#abort?.signal });
    } catch (error) {
      if (diagnoser === this.#rules) throw error;
      this.#log('warn', 'diagnosis_failed', {
        container: context.incident.containerName,
        diagnoser: diagnoser.name,
        error: describe(error),
      });
      const fallback = await this.#rules.diagnose({ context });
      return {
        ...fallback,
        reasoning: `${fallback.reasoning} (${diagnoser.name} failed: ${describe(error)})`,
        fallbackReason: `${diagnoser.name} failed: ${describe(error)}`,
      };
    }
  }

  /**
   * Puts one action through the policy gate and, when allowed, runs it. Every branch ends in a
   * record: the attempt is written before it runs, so a crash mid-heal still leaves a trace.
   */
  async #runStep(
    watch: ContainerWatch,
    step: StrategyStep,
    requestedBy: ActionDecidedBy,
    reason: string,
  ): Promise<HealingRequestOutcome> {
    const incident = watch.incident;
    const settings = watch.settings;
    const details = watch.details;
    if (!incident || !settings || !details)
      return { kind: 'skip', reason: 'nothing to heal', changed: false };
    const strategy = this.#registry.get(step.action);
    const now = this.#clock.now();
    const stepKey = `${step.action}`;
    const graph = this.#dependencyGraph();
    // max_attempts counts this step in this incident; a restart also counts the container's
    // crash-loop streak, so a container that dies again after each restart backs off and stops.
    const stepCount = watch.stepAttempts.get(stepKey) ?? 0;
    const decision = decideHealing({
      incident,
      diagnosis: incident.diagnosis,
      action: { name: strategy.name, step },
      healing: this.#config.healing,
      settings,
      restartsContainer: strategy.restartsContainer,
      budget: {
        remaining: this.#budget.remaining({ container: watch.name, limit: settings.maxRestartsPerHour, now }),
        nextAvailableAt: this.#budget.nextAvailableAt({
          container: watch.name,
          limit: settings.maxRestartsPerHour,
          now,
        }),
      },
      attempts: {
        count: strategy.restartsContainer ? Math.max(stepCount, watch.attempts) : stepCount,
        lastAt: (strategy.restartsContainer ? watch.lastAttemptAt : watch.stepLastAt.get(stepKey)) ?? null,
      },
      dependencies: graph.dependenciesOf(watch.name).map((name) => {
        const dependency = this.#findWatchByName(name);
        return {
          name,
          healthy: dependency?.verdict?.healthy === true,
          operatorStopped: dependency ? this.#intent.isOperatorStopped(dependency.id) : false,
        };
      }),
      operatorStopped: this.#intent.isOperatorStopped(details.id),
      dockerRestartPendingSince: this.#dockerRestartPendingSince(watch, details, now),
      breakerOpen: this.#breaker.isOpen(watch.name),
      restartsInFlight: this.#restartsInFlight,
      requestedBy,
      ...(requestedBy === 'model' && watch.modelGuard
        ? { instructionLikeLogs: watch.modelGuard.markers, rulesAction: watch.modelGuard.rulesAction }
        : {}),
      random: this.#random,
      now,
    });
    this.#log('info', 'healing_decision', {
      container: watch.name,
      incident_id: incident.id,
      action: strategy.name,
      decision: decision.kind,
      reason: decision.reason,
      requested_by: requestedBy,
    });

    switch (decision.kind) {
      case 'wait':
        this.#recheckAt(watch, decision.until);
        return { kind: decision.kind, reason: decision.reason, changed: false };
      case 'skip':
        return { kind: decision.kind, reason: decision.reason, changed: false };
      case 'escalate': {
        const { escalate } = this.#breaker.trip({
          container: watch.name,
          incidentId: incident.id,
          reason: decision.reason,
          now,
        });
        if (escalate || watch.incident?.status !== 'escalated') await this.#escalate(watch, decision.reason);
        return { kind: decision.kind, reason: decision.reason, changed: false };
      }
      case 'manual':
        await this.#escalate(watch, `needs a person: ${decision.reason}`);
        return { kind: decision.kind, reason: decision.reason, changed: false };
      case 'ask_approval':
        await this.#askApproval(watch, strategy.name, reason);
        return { kind: decision.kind, reason: decision.reason, changed: false };
      case 'act':
        break;
    }

    watch.stepAttempts.set(stepKey, stepCount + 1);
    watch.stepLastAt.set(stepKey, now);
    if (strategy.restartsContainer) {
      // Counted in a dry run too, so its log shows the backoff, budget and escalation the real
      // agent would go through, instead of "restarting" on every check.
      this.#budget.record({ container: watch.name, at: now });
      watch.attempts++;
      watch.lastAttemptAt = now;
    }
    if (decision.dryRun) {
      await this.#recordAction(
        watch,
        strategy.name,
        reason,
        requestedBy,
        'dry_run',
        'dry run: nothing was changed',
      );
      return { kind: decision.kind, reason: decision.reason, changed: false };
    }
    {
      // An incident opened for a person's request or a dependency's restart skips diagnosis.
      const from =
        incident.status === 'open' ? transitionIncident(incident, { to: 'diagnosing', now }) : incident;
      const healing = from.status === 'healing' ? from : transitionIncident(from, { to: 'healing', now });
      // The action is on the incident before it runs: an agent killed mid-heal leaves a record that
      // says what it was doing, and its successor knows the incident was in its hands.
      watch.incident = await this.#saveIncident(withAction(healing, strategy.name, now));
    }
    const started = this.#clock.now();
    const pending = await this.#recordAction(watch, strategy.name, reason, requestedBy, 'pending');
    this.emit('healing:attempt', pending);
    this.#log('warn', 'healing_attempt', {
      container: watch.name,
      incident_id: incident.id,
      action: strategy.name,
      reason,
      requested_by: requestedBy,
    });
    if (strategy.restartsContainer) {
      this.#restartsInFlight++;
      this.#intent.expectOwnAction({
        containerId: details.id,
        action: 'restart',
        until: started + this.#config.healing.stopTimeoutSeconds * 1000 + ownActionMarginMs,
      });
    }
    let outcome: Awaited<ReturnType<HealingStrategy['run']>>;
    // While it runs, a check (a probe tick, the restart's own start) must not resolve the
    // incident as recovered on its own: the check after the action decides.
    watch.actionsInFlight++;
    try {
      outcome = await strategy.run({
        incident: watch.incident!,
        container: details,
        settings,
        step,
        runtime: this.#runtime,
        diagnoser: this.#diagnoser,
        diagnosisContext: await this.#diagnosisContext(watch, watch.incident!, {
          logs: strategy.name === 'diagnose_with_claude' ? 'wait' : 'none',
        }),
        clock: this.#clock,
        logger: this.#logger,
        stopTimeoutSeconds: this.#config.healing.stopTimeoutSeconds,
        signal: this.#abort?.signal ?? new AbortController().signal,
      });
    } catch (error) {
      outcome = { ok: false, detail: describe(error), changedContainer: false };
    }
    // Marked before the in-flight count drops: the check that the restart's own `start` event
    // triggers can land while the result below is being written, and must resolve the incident
    // as healed by us, not as "recovered" by itself.
    if (outcome.ok && outcome.changedContainer) watch.healedByUs = true;
    watch.actionsInFlight--;
    if (strategy.restartsContainer) this.#restartsInFlight--;
    const finished: HealingActionRecord = {
      ...pending,
      result: outcome.ok ? 'succeeded' : 'failed',
      durationMs: this.#clock.now() - started,
      detail: outcome.detail,
      error: outcome.ok ? null : outcome.detail,
    };
    await this.#recorder.saveHealingAction(finished);
    this.emit('healing:result', finished);
    this.#log(outcome.ok ? 'info' : 'error', 'healing_result', {
      container: watch.name,
      incident_id: incident.id,
      action: strategy.name,
      result: finished.result,
      duration_ms: finished.durationMs,
      detail: outcome.detail,
    });
    if (watch.incident && outcome.diagnosis) {
      watch.incident = await this.#saveIncident(
        withDiagnosis(watch.incident, outcome.diagnosis, this.#clock.now()),
      );
    }
    const changed = outcome.ok && outcome.changedContainer;
    if (changed) {
      // Fresh counters for the new run; confirm the result with a check right away.
      watch.counters = initialProbeCounters();
      watch.nextProbeAt = this.#clock.now();
      this.#scheduleCheck(watch, { probe: false, reason: `after:${strategy.name}` });
    }
    return { kind: decision.kind, reason: decision.reason, changed };
  }

  async #recordAction(
    watch: ContainerWatch,
    action: string,
    reason: string,
    decidedBy: ActionDecidedBy,
    result: HealingActionRecord['result'],
    detail: string | null = null,
  ): Promise<HealingActionRecord> {
    const record: HealingActionRecord = {
      id: this.#newId(),
      host: this.host,
      incidentId: watch.incident?.id ?? '',
      containerId: watch.id,
      containerName: watch.name,
      action,
      reason,
      decidedBy,
      result,
      startedAt: this.#clock.now(),
      durationMs: result === 'pending' ? null : 0,
      detail,
      error: null,
    };
    await this.#recorder.saveHealingAction(record);
    if (result === 'dry_run') {
      this.emit('healing:attempt', record);
      this.emit('healing:result', record);
      this.#log('warn', 'healing_attempt', { container: watch.name, action, reason, dry_run: true });
    }
    return record;
  }

  async #askApproval(watch: ContainerWatch, action: string, reason: string): Promise<void> {
    const incident = watch.incident!;
    const { request: approval, created } = this.#approvals.request({
      id: this.#newId(),
      incident,
      action,
      reason,
      now: this.#clock.now(),
    });
    if (!created) return;
    await this.#recorder.saveApproval(approval);
    if (incident.status !== 'awaiting_approval') {
      watch.incident = await this.#saveIncident(
        transitionIncident(incident, { to: 'awaiting_approval', now: this.#clock.now() }),
      );
    }
    this.emit('approval:required', approval);
    this.#log('warn', 'approval_required', {
      container: watch.name,
      incident_id: incident.id,
      approval_id: approval.id,
      action,
      reason,
    });
    this.#notify({
      kind: 'approval_required',
      incident: watch.incident!,
      approval,
      message: `${watch.name}: ${action} needs approval`,
    });
  }

  /**
   * Since when Docker's own restart policy has been expected to bring the container back (the
   * policy gives it `restart_policy_grace_seconds` before we act), or null when it will not.
   */
  #dockerRestartPendingSince(watch: ContainerWatch, details: ContainerDetails, now: number): number | null {
    const exited = details.state === 'exited' || details.state === 'dead';
    const willRestart =
      details.state === 'restarting' ||
      (exited &&
        expectDockerRestart({
          restartPolicy: details.restartPolicy,
          exitCode: details.exitCode,
          restartCount: details.restartCount,
          stoppedByOperator: this.#intent.isOperatorStopped(details.id),
        }));
    if (!willRestart) {
      watch.dockerRestartSince = undefined;
      return null;
    }
    watch.dockerRestartSince ??= now;
    return watch.dockerRestartSince;
  }

  #recheckAt(watch: ContainerWatch, at: number): void {
    if (watch.recheckAt !== undefined && watch.recheckAt <= at) return;
    watch.recheckAt = at;
    const signal = this.#abort?.signal;
    // A timer, not work: `idle()` must not wait for the clock. The check it starts is work.
    void this.#clock
      .sleep(Math.max(0, at - this.#clock.now()), signal)
      .then(() => {
        if (watch.recheckAt !== at || signal?.aborted) return;
        watch.recheckAt = undefined;
        watch.nextProbeAt = Math.min(watch.nextProbeAt, this.#clock.now());
        this.#scheduleCheck(watch, { probe: true, reason: 'recheck' });
      })
      .catch(() => {});
  }

  // ---- context -----------------------------------------------------------------------------------

  async #diagnosisContext(
    watch: ContainerWatch,
    incident: Incident,
    options: { logs: 'wait' | 'if-ready' | 'none' } = { logs: 'wait' },
  ): Promise<DiagnosisContext> {
    const graph = this.#dependencyGraph();
    const dependencies: Record<string, 'healthy' | 'unhealthy' | 'missing'> = {};
    for (const name of graph.dependenciesOf(watch.name)) {
      const dependency = this.#findWatchByName(name);
      dependencies[name] = !dependency ? 'missing' : dependency.verdict?.healthy ? 'healthy' : 'unhealthy';
    }
    const rawLog =
      options.logs === 'none'
        ? []
        : options.logs === 'if-ready'
          ? (watch.logPrefetch?.ready ?? [])
          : await this.#readLog(watch);
    return {
      incident,
      container: watch.details ?? null,
      verdict: watch.verdict!,
      dependencies,
      recentRestarts: this.#budget.used({ container: watch.name, now: this.#clock.now() }),
      logTail: boundedLogTail(rawLog),
      errorLines: firstErrorWindow(rawLog),
      recentEvents: [...watch.recentEvents],
      baselines: this.#baselines.snapshot(watch.name, watch.details?.image).baselines,
    };
  }

  #prefetchLogs(watch: ContainerWatch): void {
    const lines = this.#runtime.logs({ id: watch.id, tail: logReadLines, signal: this.#abort?.signal });
    const prefetch: NonNullable<ContainerWatch['logPrefetch']> = {
      at: this.#clock.now(),
      lines,
      ready: undefined,
    };
    lines.then(
      (read) => {
        prefetch.ready = read;
      },
      () => {}, // a failure is reported when the tail is used
    );
    watch.logPrefetch = prefetch;
  }

  /** The raw tail (wider than what is sent on, so the first error can be found in it). */
  async #readLog(watch: ContainerWatch): Promise<readonly string[]> {
    const prefetched = watch.logPrefetch;
    watch.logPrefetch = undefined;
    try {
      return prefetched && this.#clock.now() - prefetched.at < logPrefetchMaxAgeMs
        ? await prefetched.lines
        : await this.#runtime.logs({ id: watch.id, tail: logReadLines, signal: this.#abort?.signal });
    } catch (error) {
      this.#logRuntimeError('logs_failed', error, { container: watch.name });
      return [];
    }
  }

  #dependencyGraph() {
    return buildDependencyGraph({
      containers: [...this.#watches.values()]
        .filter((watch) => watch.details)
        .map((watch) => ({
          id: watch.id,
          name: watch.name,
          dependsOn: watch.settings?.dependsOn ?? [],
          labels: watch.details!.labels,
          networkMode: watch.details!.networkMode,
        })),
    });
  }

  /** Removes health samples past `storage.retention_days`; incidents and actions stay unless configured. */
  async #applyRetention(): Promise<void> {
    const now = this.#clock.now();
    const store = this.#recorder.store;
    const removed = await store.pruneHealthSamples({
      before: now - this.#config.storage.retentionDays * dayMs,
      batchSize: retentionBatchSize,
    });
    const incidentDays = this.#config.storage.incidentRetentionDays;
    const removedIncidents =
      incidentDays !== undefined && store.pruneIncidents
        ? await store.pruneIncidents({ before: now - incidentDays * dayMs })
        : 0;
    if (removed + removedIncidents > 0) {
      this.#log('info', 'retention_applied', {
        health_samples_removed: removed,
        incidents_removed: removedIncidents,
      });
    }
  }

  async #saveBaselines(): Promise<void> {
    const dirty = this.#baselines.dirty();
    if (dirty.length > 0) await this.#recorder.saveBaselines(dirty);
  }

  // ---- bookkeeping -------------------------------------------------------------------------------

  #watchFor(id: string, name: string): ContainerWatch {
    let watch = this.#watches.get(id);
    if (!watch) {
      watch = createContainerWatch(id, name);
      this.#watches.set(id, watch);
    }
    return watch;
  }

  #findWatchByName(name: string): ContainerWatch | undefined {
    for (const watch of this.#watches.values()) if (watch.name === name) return watch;
    return undefined;
  }

  async #forget(id: string, why: string): Promise<void> {
    const watch = this.#watches.get(id);
    if (!watch) return;
    if (watch.incident) await this.#resolve(watch, why);
    this.#watches.delete(id);
    this.#baselines.forget(watch.name);
    this.emit('container:forgotten', { id, name: watch.name });
    this.#log('info', 'container_forgotten', { container: watch.name, why });
  }

  /** A restarted agent picks up where it left off: open incidents, restart budgets, approvals. */
  async #restore(): Promise<void> {
    const store = this.#recorder.store;
    const now = this.#clock.now();
    try {
      const [incidents, actions, approvals, baselines] = await Promise.all([
        store.listIncidents({ host: this.host, statuses: openIncidentStatuses }),
        store.listHealingActions({ host: this.host, since: now - 60 * 60_000 }),
        store.listApprovals({ host: this.host, statuses: ['pending'] }),
        store.listBaselines({ host: this.host }),
      ]);
      this.#baselines.restore(baselines);
      for (const incident of incidents) this.#restoredIncidents.set(incident.containerName, incident);
      this.#budget.restore({
        restarts: actions
          // An attempt that never reported (pending) still restarted, or tried to: it counts.
          .filter(
            (action) =>
              restartingActions.has(action.action) &&
              action.result !== 'dry_run' &&
              action.result !== 'skipped',
          )
          .map((action) => ({ container: action.containerName, at: action.startedAt })),
      });
      this.#approvals.restore(approvals);
      // An attempt still `pending` was cut short by the previous agent's end: say so rather than
      // leave it pending for ever (it still counts against the restart budget above).
      for (const action of actions.filter((candidate) => candidate.result === 'pending')) {
        await this.#recorder.saveHealingAction({
          ...action,
          result: 'failed',
          error: 'interrupted: the agent stopped before this action reported its result',
        });
      }
      if (incidents.length + actions.length + approvals.length > 0) {
        this.#log('info', 'state_restored', {
          open_incidents: incidents.length,
          recent_actions: actions.length,
          pending_approvals: approvals.length,
        });
      }
    } catch (error) {
      this.#log('error', 'state_restore_failed', { error: describe(error) });
    }
  }

  #adoptRestoredIncident(watch: ContainerWatch): void {
    if (watch.incident) return;
    const restored = this.#restoredIncidents.get(watch.name);
    if (!restored) return;
    this.#restoredIncidents.delete(watch.name);
    watch.incident = restored;
    watch.healedByUs = restored.actionsTaken.length > 0;
  }

  #sample(verdict: HealthVerdict): HealthSample {
    return {
      id: this.#newId(),
      host: this.host,
      containerId: verdict.containerId,
      containerName: verdict.containerName,
      checkedAt: verdict.checkedAt,
      healthy: verdict.healthy,
      status: verdict.status,
      problems: verdict.problems,
      metrics: verdict.metrics,
    };
  }

  #notify(notification: Notification): void {
    if (!this.#notifier) return;
    const notifier = this.#notifier;
    // Never awaited by healing: a slow webhook must not delay a restart.
    void notifier.notify({ notification }).catch((error: unknown) => {
      this.#log('warn', 'notification_failed', { kind: notification.kind, error: describe(error) });
    });
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    const tracked = promise.catch((error: unknown) => {
      this.#log('error', 'internal_error', {
        error: describe(error),
        stack: error instanceof Error ? error.stack : undefined,
      });
      throw error;
    });
    const settled = tracked.then(
      () => undefined,
      () => undefined,
    );
    this.#work.add(settled);
    void settled.finally(() => this.#work.delete(settled));
    return tracked;
  }

  #log(level: Parameters<Logger['log']>[0], event: string, fields: Record<string, unknown> = {}): void {
    this.#logger.log(level, event, fields);
  }

  #logRuntimeError(event: string, error: unknown, fields: Record<string, unknown>): void {
    const unreachable =
      ContainerRuntimeError.isInstance(error) && (error as ContainerRuntimeError).kind === 'unreachable';
    // The event watcher reports an unreachable engine once per outage; do not repeat it per call.
    this.#log(unreachable ? 'debug' : 'error', event, { ...fields, error: describe(error) });
  }
}

function openForHealing(incident: Incident): boolean {
  return incident.status === 'open' || incident.status === 'diagnosing' || incident.status === 'healing';
}

const httpProblemKinds = new Set(['http_failed', 'slow_response', 'response_time_anomaly']);

function needsHttpEvidence(incident: Incident): boolean {
  return incident.problems.some((problem) => httpProblemKinds.has(problem.kind));
}

/** The last known details of a container, as they are once the process has exited. */
function exitedFromEvent(
  known: ContainerDetails,
  exited: NonNullable<CheckRequest['exited']>,
): ContainerDetails {
  return {
    ...known,
    state: 'exited',
    exitCode: exited.exitCode,
    oomKilled: exited.oomKilled,
    finishedAt: new Date(exited.time).toISOString(),
  };
}

function problemText(verdict: HealthVerdict): string {
  return verdict.problems.map((problem) => problem.message).join('\n');
}

function stepFor(action: string): StrategyStep {
  return {
    action,
    maxAttempts: undefined,
    backoffSeconds: undefined,
    thresholdPercent: undefined,
    script: undefined,
    timeoutSeconds: undefined,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
