import { createCheckRunner } from '../check/check-runner.js';
import { evaluateHealth, type ResourceMetrics } from '../check/evaluate-health.js';
import { probeEndpoint } from '../check/probe-endpoint.js';
import {
  nextStatsAt,
  planScheduledCheck,
  probePeriodMs,
  nextProbeAt as scheduleNextProbe,
} from '../check/probe-schedule.js';
import type { ContainerSettings, MonitorConfig } from '../config/monitor-config.js';
import { resolveContainerSettings } from '../config/resolve-container-settings.js';
import type { ContainerDetails, ContainerEvent } from '../domain/container.js';
import type { HealthMetrics, HealthVerdict } from '../domain/health.js';
import type { Incident } from '../domain/incident.js';
import { ContainerRuntimeError } from '../errors/monitor-error.js';
import { mergeProblems } from '../incident/incident-lifecycle.js';
import type { BaselineBook } from '../learn/baseline-book.js';
import type { RunLogFollower } from '../observe/run-log-follower.js';
import type { OperatorIntentTracker } from '../policy/operator-intent.js';
import type { Clock } from '../ports/clock.js';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import type { HttpProber } from '../ports/http-prober.js';
import type { Recorder } from '../record/recorder.js';
import { recordRedactor } from '../redact/record-redactor.js';
import type { SwarmServiceWatcher } from '../swarm/swarm-service-watcher.js';
import {
  type AgentEmit,
  type AgentLog,
  type AgentSignal,
  logRuntimeError,
  type TrackWork,
} from './agent-support.js';
import type { ContainerRegistry } from './container-registry.js';
import type { ContainerWatch } from './container-watch.js';
import type { DiagnosisService } from './diagnosis-service.js';
import { planPassCheck } from './full-pass-plan.js';
import type { IncidentCoordinator } from './incident-coordinator.js';
import type { RestartLedger } from './restart-ledger.js';
import type { RestoredIncidents } from './restore.js';

/**
 * Why a check runs. `exited` carries a `die` event's facts: Docker holds a container's lock while
 * it cleans up after an exit, so an inspect right after the `die` waits 70-220 ms (measured on
 * Docker 20.10), and so would the restart. The event already says what happened, so the check
 * trusts it; the check after the healing action inspects for real.
 */
export interface CheckRequest {
  readonly probe: boolean;
  readonly reason: string;
  readonly healthEndpoint?: string;
  readonly exited?: { readonly exitCode: number | null; readonly oomKilled: boolean; readonly time: number };
  /**
   * An HTTP probe between two full checks (`planScheduledCheck`): the container's state is taken
   * as last inspected, which the event stream keeps current, instead of a new inspect.
   */
  readonly knownState?: boolean;
  /** Take a stats reading; by default a check that probes does. */
  readonly stats?: boolean;
}

const recentEventsKept = 20;
/** How often due probes are looked for: half the default confirm interval (0.5 s). */
export const probeTickMs = 250;

export interface ContainerObserverDeps {
  readonly config: MonitorConfig;
  readonly runtime: ContainerRuntime;
  readonly prober: HttpProber;
  readonly clock: Clock;
  readonly log: AgentLog;
  readonly emit: AgentEmit;
  readonly host: string;
  readonly newId: () => string;
  readonly containers: ContainerRegistry;
  readonly intent: OperatorIntentTracker;
  readonly baselines: BaselineBook;
  readonly recorder: Recorder;
  readonly ledger: Pick<RestartLedger, 'noteHealthy' | 'forget'>;
  readonly incidents: IncidentCoordinator;
  readonly restoredIncidents: RestoredIncidents;
  readonly diagnosis: Pick<DiagnosisService, 'prefetchLogs'>;
  /** Follows each monitored run's first seconds of output (start-up failures show there). */
  readonly runLogs?: Pick<RunLogFollower, 'startRun' | 'forget'>;
  /** Acts on an open incident (the healer). */
  readonly heal: (watch: ContainerWatch) => Promise<void>;
  /** A container with an open incident is healthy again: its waiting dependents are looked at (the healer). */
  readonly dependencyBack?: (watch: ContainerWatch) => void;
  readonly track: TrackWork;
  readonly signal: AgentSignal;
  /** Whether the engine's event stream is connected now: probes between checks then skip the inspect. */
  readonly engineConnected: () => boolean;
  /**
   * Takes the Swarm task containers: their events, list entries and inspections go to the service
   * watcher, and they get no watch here, so nothing checks, heals or restarts them as containers.
   */
  readonly swarm?: Pick<SwarmServiceWatcher, 'noteContainer' | 'onEvent' | 'afterFullPass'>;
}

/**
 * Turns what the engine says into verdicts: event handling, the periodic full pass, the due-probe
 * tick, one check loop per container (inspect, probe, stats, evaluate, record) and re-check timers;
 * then opens, updates or resolves the container's incident from the verdict and hands it to the
 * healer.
 */
export interface ContainerObserver {
  onEvent(event: ContainerEvent): void;
  fullPass(reason: string): Promise<void>;
  probeDueContainers(): void;
  /**
   * Runs a check of this container, or, when one is already running, asks for one more after it
   * (an event may have arrived after its inspect). Resolves when the container's checks are done.
   */
  scheduleCheck(watch: ContainerWatch, request: CheckRequest): Promise<void>;
  /** Inspects (and probes when asked), evaluates, records, and acts on the verdict. */
  check(watch: ContainerWatch, request: CheckRequest): Promise<HealthVerdict | undefined>;
  /** A probing check at `at` (the earliest asked for wins). */
  recheckAt(watch: ContainerWatch, at: number): void;
  /** The container is gone: its incident resolves and what is kept about it is dropped. */
  forget(id: string, why: string): Promise<void>;
  saveBaselines(): Promise<void>;
  /** When the last full list of containers succeeded. */
  readonly lastFullPassAt: number | undefined;
}

export function createContainerObserver(deps: ContainerObserverDeps): ContainerObserver {
  const { config, runtime, clock, log, emit, containers, intent, baselines, recorder, incidents } = deps;
  const checkRunner = createCheckRunner<HealthVerdict | undefined>({
    maxConcurrent: config.monitoring.maxConcurrentChecks,
  });
  // A check does not wait for its stats reading, so readings need a bound of their own: 500
  // containers due in the same second opened a socket each to the engine, and a keep-alive pool
  // past its 256 idle sockets closes and reopens them at every wave (measured: 475 open files).
  const statsRunner = createCheckRunner<void>({ maxConcurrent: config.monitoring.maxConcurrentChecks });
  let lastFullPassAt: number | undefined;
  /** When each container's last run ended, so the next run's followed lines start after it. */
  const lastDieAt = new Map<string, number>();
  /**
   * An engine call that failed because the agent is stopping (its signal aborted the call, e.g.
   * Ctrl-C right after the start) is no engine failure: nothing is logged for it.
   */
  const logCallFailure = (event: string, error: unknown, fields: Record<string, unknown>): void => {
    if (deps.signal()?.aborted) return;
    logRuntimeError(log, event, error, fields);
  };

  const onEvent = (event: ContainerEvent): void => {
    const cause = intent.observe(event);
    log('debug', 'docker_event', { container: event.containerName, action: event.action, cause });
    if (deps.swarm?.onEvent(event, cause)) return;
    if (event.action === 'destroy') {
      lastDieAt.delete(event.containerId);
      deps.runLogs?.forget(event.containerId);
      deps.track(forget(event.containerId, 'container removed'));
      return;
    }
    if (event.action === 'die') lastDieAt.set(event.containerId, event.time);
    // Every run of a monitored container, ours included (a restart that fails again at start-up
    // must show why): its first lines are followed, so a failure at start is diagnosed at its die.
    if (event.action === 'start' && deps.runLogs && isMonitored(event)) {
      const previousEnd = lastDieAt.get(event.containerId);
      deps.runLogs.startRun({
        id: event.containerId,
        name: event.containerName,
        startedAt: event.time,
        ...(previousEnd !== undefined && previousEnd <= event.time ? { since: previousEnd } : {}),
      });
    }
    // Our own restart's kill/die/stop/start: we re-check when the action returns.
    if (cause === 'own') return;
    // A kill changes nothing by itself: the die that follows (if the process ends) is the event to
    // check on, and by then the kill has marked it as a person's stop. Checking at the kill races
    // the die and can open an incident for a container a person is stopping.
    if (event.action === 'kill') return;
    // Containers this configuration does not monitor cost no inspect: events carry their labels.
    if (!isMonitored(event)) return;
    const watch = containers.watchFor(event.containerId, event.containerName);
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
      deps.diagnosis.prefetchLogs(watch);
    }
    // A start is a new run: its HTTP endpoint deserves a probe as soon as the start period allows.
    if (event.action === 'start' || event.action === 'unpause') watch.nextProbeAt = clock.now();
    if (event.action === 'oom') watch.oomAt = event.time;
    const exited =
      event.action === 'die' &&
      watch.details?.state === 'running' &&
      !intent.isOperatorStopped(event.containerId)
        ? {
            exitCode: event.exitCode ?? null,
            // The kernel's OOM kill arrives as `oom` just before its `die`.
            oomKilled: watch.oomAt !== undefined && event.time - watch.oomAt < 2_000,
            time: event.time,
          }
        : undefined;
    scheduleCheck(watch, {
      probe: false,
      reason: `event:${event.action}`,
      ...(exited ? { exited } : {}),
    });
  };

  const fullPass = async (reason: string): Promise<void> => {
    let listed: Awaited<ReturnType<ContainerRuntime['list']>>;
    try {
      listed = await runtime.list({ signal: deps.signal() });
    } catch (error) {
      logCallFailure('full_pass_failed', error, { reason });
      return;
    }
    lastFullPassAt = clock.now();
    const seen = new Set<string>();
    const engineConnected = deps.engineConnected();
    for (const container of listed) {
      seen.add(container.id);
      if (deps.swarm?.noteContainer(container)) continue;
      const watch = containers.watchFor(container.id, container.name);
      const plan = planPassCheck({ reason, engineConnected, listed: container, watch, now: clock.now() });
      if (!plan) continue;
      scheduleCheck(watch, {
        probe: plan.probe,
        stats: plan.stats,
        reason: `pass:${reason}`,
        ...(plan.knownState ? { knownState: true } : {}),
      });
    }
    for (const id of containers.ids()) {
      if (!seen.has(id)) await forget(id, 'container no longer listed');
    }
    deps.swarm?.afterFullPass(seen);
    await saveBaselines();
  };

  const probeDueContainers = (): void => {
    const now = clock.now();
    const engineConnected = deps.engineConnected();
    for (const watch of containers.watches()) {
      if (!watch.settings || watch.details?.state !== 'running') continue;
      const due = planScheduledCheck({
        now,
        nextProbeAt: watch.nextProbeAt,
        nextCheckAt: watch.nextCheckAt,
        hasEndpoint: watch.settings.healthEndpoint !== undefined,
        engineConnected,
        stateKnown: true,
      });
      if (due)
        scheduleCheck(watch, { probe: true, stats: due.stats, knownState: !due.inspect, reason: 'probe' });
    }
  };

  const scheduleCheck = (watch: ContainerWatch, request: CheckRequest): Promise<void> => {
    if (watch.checkLoop) {
      // A later event (a start by Docker's restart policy, say) makes an earlier die's facts stale.
      const exited = request.reason.startsWith('event:')
        ? request.exited
        : (request.exited ?? watch.checkAgain?.exited);
      const waiting = watch.checkAgain;
      watch.checkAgain = {
        probe: request.probe || (waiting?.probe ?? false),
        reason: waiting?.reason ?? request.reason,
        // A die that arrives during a check keeps its facts, so the next check need not inspect.
        ...(exited ? { exited } : {}),
        // One check serves both: it skips the inspect only if neither needs one.
        knownState: (request.knownState ?? false) && (waiting === undefined || (waiting.knownState ?? false)),
        stats:
          (request.stats ?? request.probe) || (waiting !== undefined && (waiting.stats ?? waiting.probe)),
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
          await checkRunner.run(watch.id, () => check(watch, current));
          next = watch.checkAgain;
        }
      } finally {
        watch.checkLoop = undefined;
      }
    })();
    watch.checkLoop = loop;
    return deps.track(loop);
  };

  const check = async (watch: ContainerWatch, request: CheckRequest): Promise<HealthVerdict | undefined> => {
    // A probe between checks trusts the state the last inspect and the events since left.
    const known =
      request.knownState === true && watch.details?.state === 'running' ? watch.details : undefined;
    const inspected =
      known && watch.settings ? { details: known, settings: watch.settings } : await inspect(watch, request);
    if (!inspected) return undefined;
    const { details, settings } = inspected;

    const now = clock.now();
    const running = details.state === 'running';
    const probe = request.probe && running;
    const readStats = running && (request.stats ?? request.probe);
    // Docker's one-shot stats can wait for the engine's next stats tick (up to ~1 s), so a check
    // never waits for them: it uses the newest reading that arrived since the last check.
    const statsRequest = readStats ? sampleStats(watch) : undefined;
    if (readStats) {
      const hasEndpoint = settings.healthEndpoint !== undefined;
      watch.nextCheckAt = nextStatsAt({ readAt: now, settings, hasEndpoint });
    }
    // Not due again while this probe is out; its outcome sets the real time below.
    if (probe) watch.nextProbeAt = now + probePeriodMs(settings);
    const sameRun = watch.counters.startedAt === details.startedAt;
    const snapshot = baselines.snapshot(details.name, details.image);
    const signal = deps.signal();
    const http =
      probe && settings.healthEndpoint
        ? await probeEndpoint({
            prober: deps.prober,
            url: settings.healthEndpoint,
            expectedStatus: settings.expectedStatus,
            configuredTimeoutMs: config.monitoring.healthCheckTimeoutSeconds * 1000,
            baselines: snapshot,
            settings,
            ...(sameRun ? { counters: watch.counters } : {}),
            ...(signal ? { signal } : {}),
          })
        : undefined;
    // The agent is stopping and cut the probe short: that says nothing about the container, and
    // the time it ran is no response time. Neither judged nor recorded.
    if (deps.signal()?.aborted) return undefined;
    if (request.reason === 'api') await statsRequest;
    const stats = watch.freshStats;
    watch.freshStats = undefined;
    const previous = watch.verdict;
    const lastResources =
      sameRun && previous?.metrics.state === 'running' ? resourcesOf(previous.metrics) : undefined;

    // Judged against what was learned before this reading, then learned from.
    const evaluated = evaluateHealth({
      details,
      http,
      stats,
      previousStats: watch.previousStats,
      settings,
      counters: watch.counters,
      baselines: snapshot,
      now,
      ...(lastResources ? { lastResources } : {}),
    });
    if (stats) watch.previousStats = stats;
    watch.counters = evaluated.counters;
    // From the probe's start, not its end, so the period does not drift by the probe's duration;
    // a failure not yet confirmed is probed again at the confirm interval.
    if (probe) watch.nextProbeAt = scheduleNextProbe({ probedAt: now, counters: watch.counters, settings });
    let verdict = evaluated.verdict;
    if (details.state === 'created') {
      // Created but never started: `docker create`, or compose between its create and its start.
      // Starting it is a person's decision, not a repair.
      verdict = { ...verdict, healthy: false, status: 'stopped_by_operator', problems: [] };
    } else if (
      !verdict.healthy &&
      config.healing.respectOperatorStops &&
      intent.isOperatorStopped(details.id)
    ) {
      verdict = { ...verdict, status: 'stopped_by_operator' };
    }
    // A problem can quote what the container said (its HEALTHCHECK output, an HTTP answer): masked
    // here, where it enters the records, so the sample, the log line and the check events agree.
    if (verdict.problems.length > 0)
      verdict = { ...verdict, problems: recordRedactor(details).problems(verdict.problems) };
    watch.verdict = verdict;
    // Only this round's own readings are learned: carried resource figures were learned already.
    baselines.observe({ verdict: { ...verdict, metrics: evaluated.readings }, image: details.image, now });
    // A passing probe between checks that changes nothing is not worth a row: the store keeps
    // the check interval's cadence, and every change, failure and stats reading.
    const routine =
      !readStats &&
      http?.ok === true &&
      previous !== undefined &&
      previous.status === verdict.status &&
      problemText(previous) === problemText(verdict);
    if (!routine) {
      recorder.addHealthSample({
        id: deps.newId(),
        host: deps.host,
        containerId: verdict.containerId,
        containerName: verdict.containerName,
        checkedAt: verdict.checkedAt,
        healthy: verdict.healthy,
        status: verdict.status,
        problems: verdict.problems,
        metrics: verdict.metrics,
      });
    }
    emit('check:completed', verdict);
    if (!verdict.healthy && verdict.status === 'unhealthy') {
      emit('check:failed', verdict);
      // A container that stays down (escalated, waiting for a person) would otherwise repeat the
      // same warning every pass: say it at warn level when it is news, at debug level after that.
      const news = previous?.status !== 'unhealthy' || problemText(previous) !== problemText(verdict);
      log(news ? 'warn' : 'debug', 'check_failed', {
        container: details.name,
        reason: request.reason,
        problems: verdict.problems.map((problem) => problem.message),
      });
    }
    await onVerdict(watch, verdict);
    return verdict;
  };

  const inspectNow = async (watch: ContainerWatch): Promise<ContainerDetails> => {
    const details = await runtime.inspect({ id: watch.id, signal: deps.signal() });
    watch.inspectedAt = clock.now();
    return details;
  };

  /** Inspects the container and resolves its settings; undefined when it is gone or not monitored. */
  const inspect = async (
    watch: ContainerWatch,
    request: CheckRequest,
  ): Promise<{ details: ContainerDetails; settings: ContainerSettings } | undefined> => {
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
          : await inspectNow(watch);
    } catch (error) {
      if (ContainerRuntimeError.isInstance(error) && (error as ContainerRuntimeError).kind === 'not_found') {
        await forget(watch.id, 'container removed');
      } else {
        logCallFailure('inspect_failed', error, { container: watch.name });
      }
      return undefined;
    }
    watch.details = details;
    watch.name = details.name;
    if (deps.swarm?.noteContainer(details)) {
      // A Swarm task (a person's check, the API's list): its service is judged, not the container.
      watch.settings = null;
      return undefined;
    }
    const resolved = resolveContainerSettings({ config, container: details });
    for (const issue of resolved.issues) {
      // Labels are re-read on every check; a bad one is worth one line, not one per check.
      if (watch.labelIssuesLogged.has(issue)) continue;
      watch.labelIssuesLogged.add(issue);
      log('warn', 'label_ignored', { container: details.name, issue });
    }
    const settings =
      resolved.settings && request.healthEndpoint
        ? { ...resolved.settings, healthEndpoint: request.healthEndpoint }
        : resolved.settings;
    watch.settings = settings;
    if (!settings) return undefined;
    if (!watch.incident) {
      const restored = deps.restoredIncidents.take(watch.name);
      // What a previous agent resolved may still be reopened, unless it left one open since.
      const earlier = deps.restoredIncidents.takeResolved(watch.name);
      if (restored) incidents.adopt(watch, restored);
      else if (earlier) incidents.recall(earlier);
    }
    return { details, settings };
  };

  /**
   * One stats reading in flight per container at most, `max_concurrent_checks` across containers;
   * the result waits in `freshStats`.
   */
  const sampleStats = (watch: ContainerWatch): Promise<void> => {
    if (watch.statsInFlight) return watch.statsInFlight;
    const request = statsRunner
      .run(watch.id, () =>
        runtime.stats({ id: watch.id, signal: deps.signal() }).then((sample) => {
          watch.freshStats = sample;
        }),
      )
      .catch((error: unknown) => logCallFailure('stats_failed', error, { container: watch.name }))
      .finally(() => {
        watch.statsInFlight = undefined;
      });
    watch.statsInFlight = request;
    return request;
  };

  const onVerdict = async (watch: ContainerWatch, verdict: HealthVerdict): Promise<void> => {
    const now = clock.now();
    if (verdict.healthy) {
      deps.ledger.noteHealthy({ id: watch.id, now });
      watch.dockerRestartSince = undefined;
      if (!watch.incident) return;
      // A heal round asked for by an earlier failure has nothing left to do: this check is newer.
      watch.healAgain = false;
      if (watch.actionsInFlight > 0) return;
      // An incident about the endpoint is over only when the endpoint says so: a check that did
      // not probe it (an inspect after an event) proves the container runs, not that it answers.
      if (needsHttpEvidence(watch.incident) && verdict.metrics.httpStatus === undefined) {
        recheckAt(watch, now + probeTickMs);
        return;
      }
      // Resolved only once it stayed healthy a while (Docker's restart manager waits 10 s too):
      // a crash loop between two failures reads as one incident, not one per crash.
      if (watch.healthySince === undefined) deps.dependencyBack?.(watch);
      watch.healthySince ??= now;
      const resolveAt = watch.healthySince + config.healing.resolveAfterSeconds * 1000;
      if (now < resolveAt) {
        recheckAt(watch, resolveAt);
        return;
      }
      await incidents.resolve(watch, watch.healedByUs ? 'healed' : 'recovered');
      return;
    }
    watch.healthySince = undefined;
    if (verdict.status === 'stopped_by_operator' || verdict.status === 'paused') {
      if (watch.incident)
        await incidents.resolve(watch, `left alone: ${verdict.status.replaceAll('_', ' ')}`, {
          leftAlone: true,
        });
      return;
    }
    if (verdict.status === 'starting') {
      // An open incident resolves once the new run is past its start period: look again then,
      // not only at the next probe.
      const startedAt = watch.details?.startedAt ? Date.parse(watch.details.startedAt) : now;
      const startPeriodEndsAt = watch.settings
        ? startedAt + watch.settings.startPeriodSeconds * 1000 + 1
        : now;
      // Past our start period it is Docker's HEALTHCHECK that still says `starting` (its first run
      // comes an interval after the start, 30 s by default): its `health_status` event brings the
      // next check. Looking again "then" would look again at once, in a loop, until it runs.
      if (watch.incident && startPeriodEndsAt > now) recheckAt(watch, startPeriodEndsAt);
      return;
    }
    if (verdict.status !== 'unhealthy') return;
    if (!watch.incident) {
      await incidents.openOrReopen(watch, verdict);
    } else {
      const merged = mergeProblems(watch.incident, verdict.problems, now);
      if (merged !== watch.incident) await incidents.update(watch, merged);
    }
    deps.track(deps.heal(watch));
  };

  const isMonitored = (event: ContainerEvent): boolean => {
    const known = containers.get(event.containerId);
    if (known?.details) return known.settings !== null;
    return (
      known !== undefined ||
      resolveContainerSettings({ config, container: { name: event.containerName, labels: event.labels } })
        .settings !== null
    );
  };

  const recheckAt = (watch: ContainerWatch, at: number): void => {
    if (watch.recheckAt !== undefined && watch.recheckAt <= at) return;
    watch.recheckAt = at;
    const signal = deps.signal();
    // A timer, not work: `idle()` must not wait for the clock. The check it starts is work.
    void clock
      .sleep(Math.max(0, at - clock.now()), signal)
      .then(() => {
        if (watch.recheckAt !== at || signal?.aborted) return;
        watch.recheckAt = undefined;
        watch.nextProbeAt = Math.min(watch.nextProbeAt, clock.now());
        scheduleCheck(watch, { probe: true, reason: 'recheck' });
      })
      .catch(() => {});
  };

  const forget = async (id: string, why: string): Promise<void> => {
    const watch = containers.get(id);
    if (!watch) return;
    if (watch.incident) await incidents.resolve(watch, why, { leftAlone: true });
    containers.remove(id);
    deps.ledger.forget(id);
    baselines.forget(watch.name);
    emit('container:forgotten', { id, name: watch.name });
    // A container removed before it was ever inspected has no name yet: it is named by its id, so
    // no log line claims a container called "" (nor one it never watched).
    log('info', 'container_forgotten', {
      ...(watch.name === '' ? { container_id: id.slice(0, 12) } : { container: watch.name }),
      why,
    });
  };

  const saveBaselines = async (): Promise<void> => {
    const dirty = baselines.dirty();
    if (dirty.length > 0) await recorder.saveBaselines(dirty);
  };

  return {
    onEvent,
    fullPass,
    probeDueContainers,
    scheduleCheck,
    check,
    recheckAt,
    forget,
    saveBaselines,
    get lastFullPassAt() {
      return lastFullPassAt;
    },
  };
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

function resourcesOf(metrics: HealthMetrics): ResourceMetrics {
  return {
    memoryBytes: metrics.memoryBytes,
    memoryLimitBytes: metrics.memoryLimitBytes,
    memoryPercent: metrics.memoryPercent,
    cpuPercent: metrics.cpuPercent,
  };
}

function problemText(verdict: HealthVerdict): string {
  return verdict.problems.map((problem) => problem.message).join('\n');
}
