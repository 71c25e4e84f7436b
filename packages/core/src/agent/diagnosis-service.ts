import { boundedLogTail, firstErrorWindow } from '../diagnose/log-context.js';
import { createRuleDiagnoser } from '../diagnose/rule-diagnoser.js';
import type { Diagnosis } from '../domain/diagnosis.js';
import type { HealthVerdict } from '../domain/health.js';
import type { Incident } from '../domain/incident.js';
import type { BaselineBook } from '../learn/baseline-book.js';
import type { RunLogFollower } from '../observe/run-log-follower.js';
import { detectInstructionLikeContext } from '../policy/instruction-detector.js';
import type { Clock } from '../ports/clock.js';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import type { Diagnoser, DiagnosisContext } from '../ports/diagnoser.js';
import { containerSecretValues } from '../redact/container-secrets.js';
import { maskKnownValues } from '../redact/mask-known-values.js';
import { recordRedactor } from '../redact/record-redactor.js';
import { redactContext } from '../redact/redact-context.js';
import {
  type AgentEmit,
  type AgentLog,
  type AgentSignal,
  describeError,
  logRuntimeError,
} from './agent-support.js';
import type { ContainerRegistry } from './container-registry.js';
import type { ContainerWatch } from './container-watch.js';
import type { RestartLedger } from './restart-ledger.js';

/** Log lines read at a failure: the tail sent on is bounded again by lines and bytes. */
const logReadLines = 500;
/** A tail fetched at an event is used for the diagnosis only if it is this fresh. */
const logPrefetchMaxAgeMs = 2_000;
/**
 * How long a crash's first diagnosis waits for the run's followed log stream to end. Measured on
 * Docker 20.10: the stream ends within ~4 ms of the `die` for a process that ran a while, and
 * 40-95 ms after it for one that died at once (the lines arrive with the end). Past this the
 * restart goes ahead on the exit code, and the diagnosis is refined once the tail is read.
 */
const runLogWaitMs = 150;
/**
 * A run older than this had its lines delivered before its `die` (measured 55-103 ms ahead): its
 * followed lines are used as they are, without waiting for the stream's end (which lands 1-4 ms
 * after the `die` and would hold up the restart). Only a run that died this young may still have
 * lines on their way.
 */
const youngRunMs = 500;

/**
 * How much of the log tail a diagnosis waits for. `run`: the lines the current run wrote, when
 * they were followed since its start (they are at hand at the `die`), else what a prefetch has
 * ready; `if-ready`: only a prefetch that has already arrived; `wait`: the tail, read if need be.
 */
export type LogWait = 'wait' | 'run' | 'if-ready' | 'none';

export interface DiagnosisServiceDeps {
  readonly runtime: ContainerRuntime;
  readonly clock: Clock;
  readonly log: AgentLog;
  readonly emit: AgentEmit;
  readonly containers: Pick<ContainerRegistry, 'findByName' | 'dependencyGraph'>;
  readonly ledger: Pick<RestartLedger, 'used'>;
  readonly baselines: Pick<BaselineBook, 'snapshot'>;
  /** The configured diagnoser (Claude when set up); the rules when none is. */
  readonly diagnoser: Diagnoser | undefined;
  /** Follows each run's first seconds of output, so a start-up failure's lines are in at its `die`. */
  readonly runLogs?: Pick<RunLogFollower, 'whenComplete' | 'linesFor'>;
  readonly signal: AgentSignal;
}

/** A diagnosis context, and whether its log tail is all there is (false: a later read may say more). */
export type DiagnosisContextWithLogs = DiagnosisContext & { readonly logsComplete: boolean };

/** What the policy needs to keep a model in check (`ContainerWatch.modelGuard`). */
export type ModelGuard = NonNullable<ContainerWatch['modelGuard']>;

/**
 * Everything a diagnosis needs: the context (dependencies, logs, events, baselines), the log tail
 * (prefetched at the failure event when it can be), and the diagnosers themselves: the rules, and
 * the configured one, which falls back to the rules when it fails.
 */
export interface DiagnosisService {
  /** The configured diagnoser, or the rules; strategies get it in their context. */
  readonly diagnoser: Diagnoser;
  /** True when no diagnoser was configured: the rules are the only one. */
  readonly rulesOnly: boolean;
  /**
   * The context as the built-in rules read it: its log lines with the container's own secret
   * values masked (a cheap search for known strings), the rest as the agent holds it. The rules
   * redact what they quote and their diagnosis is redacted where it enters the records, so this
   * costs a crash's restart no scan of text nobody will read. It never leaves the agent as it is:
   * `diagnoseWithConfigured` and `shareable` redact it (`redactContext`) for a model, a plugin
   * diagnoser or a strategy.
   */
  context(
    watch: ContainerWatch,
    incident: Incident,
    options?: {
      readonly logs: LogWait;
      /**
       * The verdict of the failure being diagnosed, when it is not the latest one: a diagnosis
       * refined after the first action must explain the failure, not the run that followed it.
       */
      readonly verdict?: HealthVerdict | undefined;
    },
  ): Promise<DiagnosisContextWithLogs>;
  /**
   * The context as it stands, without the log tail: what a healing strategy reads when it asks
   * (built on first read, so a restart that never looks does not wait for it).
   */
  contextWithoutLogs(watch: ContainerWatch, incident: Incident): DiagnosisContextWithLogs;
  /** A context fit to leave the agent's own code: every string bounded and redacted (`redactContext`). */
  shareable(context: DiagnosisContextWithLogs): DiagnosisContextWithLogs;
  /** Starts reading the log tail at a failure event, alongside the check's inspect. */
  prefetchLogs(watch: ContainerWatch): void;
  /** The rules' diagnosis (of a context from `context`), announced as `diagnosis:completed`. */
  diagnoseWithRules(context: DiagnosisContext): Promise<Diagnosis>;
  /**
   * The configured diagnoser's diagnosis (the rules' when it fails, saying why), announced, with
   * the guard the policy puts on a model's recommendation. The diagnoser is given the context redacted.
   */
  diagnoseWithConfigured(context: DiagnosisContext): Promise<{ diagnosis: Diagnosis; guard: ModelGuard }>;
}

export function createDiagnosisService(deps: DiagnosisServiceDeps): DiagnosisService {
  const { clock, runtime, log } = deps;
  const rules = createRuleDiagnoser();
  const configured = deps.diagnoser ?? rules;

  const diagnoseOrFallBack = async (diagnoser: Diagnoser, context: DiagnosisContext): Promise<Diagnosis> => {
    try {
      return await diagnoser.diagnose({ context, signal: deps.signal() });
    } catch (error) {
      if (diagnoser === rules) throw error;
      log('warn', 'diagnosis_failed', {
        container: context.incident.containerName,
        diagnoser: diagnoser.name,
        error: describeError(error),
      });
      const fallback = await rules.diagnose({ context });
      return {
        ...fallback,
        reasoning: `${fallback.reasoning} (${diagnoser.name} failed: ${describeError(error)})`,
        fallbackReason: `${diagnoser.name} failed: ${describeError(error)}`,
      };
    }
  };

  const diagnoseWith = async (diagnoser: Diagnoser, context: DiagnosisContext): Promise<Diagnosis> => {
    // A diagnosis enters the records here: what a model (or a plugin) wrote is redacted like the
    // text it read, with the container's own secrets, before it is announced, logged or stored.
    const container = deps.containers.findByName(context.incident.containerName)?.details;
    const diagnosis = recordRedactor(container).diagnosis(await diagnoseOrFallBack(diagnoser, context));
    deps.emit('diagnosis:completed', { incident: context.incident, diagnosis });
    return diagnosis;
  };

  /** The current run's followed lines, complete when they can be known to be. */
  const runLines = async (
    id: string,
  ): Promise<{ lines: readonly string[]; complete: boolean } | undefined> => {
    const run = deps.runLogs?.linesFor(id);
    if (!run) return undefined;
    if (run.complete || (run.state === 'following' && clock.now() - run.startedAt >= youngRunMs)) {
      return { lines: run.lines, complete: true };
    }
    return deps.runLogs?.whenComplete(id, runLogWaitMs);
  };

  /** The raw tail (wider than what is sent on, so the first error can be found in it). */
  const readLog = async (watch: ContainerWatch): Promise<readonly string[]> => {
    const prefetched = watch.logPrefetch;
    watch.logPrefetch = undefined;
    try {
      return prefetched && clock.now() - prefetched.at < logPrefetchMaxAgeMs
        ? await prefetched.lines
        : await runtime.logs({ id: watch.id, tail: logReadLines, signal: deps.signal() });
    } catch (error) {
      logRuntimeError(log, 'logs_failed', error, { container: watch.name });
      return [];
    }
  };

  /**
   * The context as the rules read it (see `context`). The log lines are masked for the container's
   * own secret values here, before a rule can cut one in two; every pattern is left to
   * `shareable`, which a context passes through before it reaches anything but the rules.
   */
  const assemble = (
    watch: ContainerWatch,
    incident: Incident,
    rawLog: readonly string[],
    logsComplete: boolean,
    verdict: HealthVerdict | undefined,
  ): DiagnosisContextWithLogs => {
    const graph = deps.containers.dependencyGraph();
    const dependencies: Record<string, 'healthy' | 'unhealthy' | 'missing'> = {};
    for (const name of graph.dependenciesOf(watch.name)) {
      dependencies[name] = dependencyState(deps.containers.findByName(name));
    }
    const secrets = containerSecretValues(watch.details);
    return {
      logsComplete,
      incident,
      container: watch.details ?? null,
      verdict: verdict ?? watch.verdict!,
      dependencies,
      recentRestarts: deps.ledger.used({ container: watch.name, now: clock.now() }),
      logTail: maskKnownValues(boundedLogTail(rawLog), secrets),
      errorLines: maskKnownValues(firstErrorWindow(rawLog), secrets),
      recentEvents: [...watch.recentEvents],
      baselines: deps.baselines.snapshot(watch.name, watch.details?.image).baselines,
    };
  };

  return {
    diagnoser: configured,
    rulesOnly: configured === rules,

    contextWithoutLogs(watch, incident) {
      return redactContext(assemble(watch, incident, [], false, undefined));
    },

    shareable: redactContext,

    async context(watch, incident, options = { logs: 'wait' }) {
      let rawLog: readonly string[] = [];
      let logsComplete = options.logs !== 'none';
      if (options.logs === 'wait') {
        rawLog = await readLog(watch);
      } else if (options.logs === 'run' || options.logs === 'if-ready') {
        const run = options.logs === 'run' ? await runLines(watch.id) : undefined;
        if (run?.complete) {
          rawLog = run.lines;
        } else {
          const ready = watch.logPrefetch?.ready;
          rawLog = ready ?? run?.lines ?? [];
          logsComplete = ready !== undefined;
        }
      }
      return assemble(watch, incident, rawLog, logsComplete, options.verdict);
    },

    prefetchLogs(watch) {
      const lines = runtime.logs({ id: watch.id, tail: logReadLines, signal: deps.signal() });
      const prefetch: NonNullable<ContainerWatch['logPrefetch']> = {
        at: clock.now(),
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
      // Past its age the tail is never used (`readLog` reads afresh): dropped then, so 500 crashed
      // containers do not each keep up to 500 lines until their next failure.
      void clock
        .sleep(logPrefetchMaxAgeMs, deps.signal())
        .then(() => {
          if (watch.logPrefetch === prefetch) watch.logPrefetch = undefined;
        })
        .catch(() => {});
    },

    diagnoseWithRules(context) {
      return diagnoseWith(rules, context);
    },

    async diagnoseWithConfigured(context) {
      // Where a context leaves the agent's own code (a model, a plugin): bounded and redacted, the
      // container's secrets and every secret pattern, once.
      const shared = redactContext(context);
      const diagnosis = await diagnoseWith(configured, shared);
      // What the policy needs to keep a model in check: did the text it read try to instruct it, and
      // what would the rules (which cannot be steered) have done with the same facts?
      const ruled = await rules.diagnose({ context });
      return {
        diagnosis,
        guard: { markers: detectInstructionLikeContext(shared), rulesAction: ruled.recommendedAction },
      };
    },
  };
}

/**
 * A dependency as the diagnosis sees it: judged by its verdict when the agent monitors it; one the
 * agent does not judge (opted out, not selected) by Docker's own state, so a running container is
 * never called "down" only because nobody checks it.
 */
function dependencyState(dependency: ContainerWatch | undefined): 'healthy' | 'unhealthy' | 'missing' {
  if (!dependency) return 'missing';
  if (dependency.settings && dependency.verdict) return dependency.verdict.healthy ? 'healthy' : 'unhealthy';
  if (!dependency.details) return 'missing';
  return dependency.details.state === 'running' ? 'healthy' : 'unhealthy';
}
