import { WebsiteMonitorAgent, type WebsiteMonitorAgentOptions } from '../agent/website-monitor-agent.js';
import type { MonitorConfig } from '../config/monitor-config.js';
import type { HealingActionRecord } from '../domain/healing-action.js';
import type { Incident } from '../domain/incident.js';
import { systemClock } from '../ports/clock.js';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import type { Logger } from '../ports/logger.js';
import type { Store } from '../ports/store.js';
import {
  type AgentEventName,
  type AgentEventPayload,
  createAgentEventLog,
  type RecordedAgentEvent,
  type WaitForAgentEventOptions,
} from './agent-event-log.js';
import { type AgentUnderTestScope, agentUnderTestConfig } from './agent-under-test-config.js';
import { MemoryLogger } from './memory-logger.js';
import { MemoryStore } from './memory-store.js';

/**
 * What `startAgentUnderTest` starts an agent with: a runtime (a `FakeContainerRuntime`, or the real
 * engine's from `createDockerRuntime()`), the containers the test names, and optionally the config
 * and any port the agent takes. The store and the logger default to a `MemoryStore` and a
 * `MemoryLogger`, whose types the returned harness keeps.
 */
export interface AgentUnderTestOptions<S extends Store = MemoryStore, L extends Logger = MemoryLogger>
  extends Pick<
    WebsiteMonitorAgentOptions,
    'diagnoser' | 'notifier' | 'strategies' | 'clock' | 'prober' | 'random' | 'newId' | 'host'
  > {
  /** The container engine. The harness never disposes it: whoever created it does. */
  readonly runtime: ContainerRuntime;
  /**
   * The containers the agent may check and heal, by name; each is added to
   * `monitoring.containers` (with the config's defaults) unless the config lists it already.
   */
  readonly containers?: readonly string[];
  /**
   * YAML text as in `config.yaml` (plugin strategies' names are accepted; `${VAR}` reads
   * `process.env`), or a parsed `MonitorConfig`. Default: `defaultMonitorConfig()`.
   */
  readonly config?: string | MonitorConfig;
  /**
   * `named` (the default): the agent watches only the containers the test names (`containers`
   * and the config's `monitoring.containers`) whatever the config's `discovery` says, so the other
   * containers of the engine (your database, other projects, other test runs) are never checked
   * or healed. `config`: the config's `discovery` decides, as in production.
   */
  readonly scope?: AgentUnderTestScope;
  /** Default: a new `MemoryStore`. */
  readonly store?: S;
  /** Default: a new `MemoryLogger`, for asserting on what a person would read. */
  readonly logger?: L;
}

/**
 * A running `WebsiteMonitorAgent` in a test, with every event it emitted, waits on those events
 * that always end, and what it did per container. `await using` stops it at the end of the scope.
 */
export interface AgentUnderTest<S extends Store = MemoryStore, L extends Logger = MemoryLogger>
  extends AsyncDisposable {
  /** The agent itself: `status()`, `checkAll()`, `requestHealing()`, `approve()`... */
  readonly agent: WebsiteMonitorAgent;
  /** The config it runs with, scoped (`discovery: listed` under the `named` scope). */
  readonly config: MonitorConfig;
  readonly store: S;
  readonly logger: L;
  /** Every event the agent emitted since it started, in order (a live array). */
  readonly events: readonly RecordedAgentEvent[];
  /**
   * Resolves with the payload of the first `name` event (since `options.since`, default the start)
   * for which `predicate` holds, whether it came before the call or after. Rejects after
   * `options.timeoutMs` (default 4 s, real time) with the events that did arrive and the
   * containers the agent watches; rejects at once when the agent has stopped.
   */
  waitFor<Name extends AgentEventName>(
    name: Name,
    predicate?: (payload: AgentEventPayload<Name>) => boolean,
    options?: WaitForAgentEventOptions,
  ): Promise<AgentEventPayload<Name>>;
  /**
   * The incidents the agent's events reported (of one container when named), oldest first, each
   * as its latest event left it. The records written are in `store` (`listIncidents`).
   */
  incidents(containerName?: string): Incident[];
  /** The healing actions the agent's events reported (of one container when named), as `incidents`. */
  actions(containerName?: string): HealingActionRecord[];
  /**
   * Stops the agent (`WebsiteMonitorAgent.stop`: a restart under way is finished and recorded) and
   * ends the waits still pending. Calling it again waits for the same stop.
   */
  stop(options?: { readonly timeoutMs?: number }): Promise<void>;
}

/**
 * Starts a `WebsiteMonitorAgent` for one test and records everything it does, so that a test can
 * say "my service crashes, the agent restarts it" in your own vitest, jest or `node:test` suite,
 * against the fakes or a real Docker engine. It imports no test framework and no Docker client:
 * pass the runtime, e.g. `createDockerRuntime()` from `@website-monitor/docker-adapter`.
 *
 * By default the agent watches only the containers the test names (`discovery: listed`), so the
 * rest of the engine is left alone. Resolves once the agent has started (its first full pass done).
 *
 * @example
 * ```ts
 * import { startAgentUnderTest } from '@website-monitor/core/testing';
 * import { createDockerRuntime } from '@website-monitor/docker-adapter';
 *
 * // `checkout` is your service's container, which the test started (e.g. with testcontainers).
 * await using runtime = createDockerRuntime();
 * await using agent = await startAgentUnderTest({
 *   runtime,
 *   containers: ['checkout'],
 *   config: 'healing:\n  resolve_after_seconds: 1\n',
 * });
 * await crashCheckout(); // make it exit on its own, as a crash would
 * const restart = await agent.waitFor('healing:result', (action) => action.containerName === 'checkout');
 * expect(restart).toMatchObject({ action: 'restart_container', result: 'succeeded' });
 * await agent.waitFor('incident:resolved');
 * expect(agent.incidents()[0]).toMatchObject({ trigger: 'container_stopped', autoHealed: true });
 * ```
 */
export async function startAgentUnderTest<S extends Store = MemoryStore, L extends Logger = MemoryLogger>(
  options: AgentUnderTestOptions<S, L>,
): Promise<AgentUnderTest<S, L>> {
  const strategies = options.strategies ?? [];
  const config = agentUnderTestConfig({
    config: options.config,
    containers: options.containers ?? [],
    scope: options.scope ?? 'named',
    knownActions: strategies.map((strategy) => strategy.name),
  });
  const store = (options.store ?? new MemoryStore()) as S;
  const logger = (options.logger ?? new MemoryLogger()) as L;
  const clock = options.clock ?? systemClock;
  const agent = new WebsiteMonitorAgent({
    config,
    runtime: options.runtime,
    store,
    logger,
    clock,
    strategies,
    diagnoser: options.diagnoser,
    notifier: options.notifier,
    prober: options.prober,
    random: options.random,
    newId: options.newId,
    host: options.host,
  });
  const log = createAgentEventLog({
    agent,
    clock,
    describeWatched: () => describeWatched(agent, config),
  });
  let stopped: Promise<void> | undefined;
  const stop = (stopOptions: { readonly timeoutMs?: number } = {}): Promise<void> => {
    stopped ??= agent.stop(stopOptions).finally(() => log.close('the agent under test was stopped'));
    return stopped;
  };
  try {
    await agent.start();
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }

  return {
    agent,
    config,
    store,
    logger,
    events: log.events,
    waitFor: log.waitFor,
    incidents: (containerName) => latestById(log.events, incidentOf, containerName),
    actions: (containerName) => latestById(log.events, actionOf, containerName),
    stop,
    [Symbol.asyncDispose]: () => stop(),
  };
}

/** Each record once, as its latest event left it, in the order first seen. */
function latestById<T extends { readonly id: string; readonly containerName: string }>(
  events: readonly RecordedAgentEvent[],
  recordOf: (event: RecordedAgentEvent) => T | undefined,
  containerName: string | undefined,
): T[] {
  const latest = new Map<string, T>();
  for (const event of events) {
    const record = recordOf(event);
    if (record && (containerName === undefined || record.containerName === containerName)) {
      latest.set(record.id, record);
    }
  }
  return [...latest.values()];
}

function incidentOf(event: RecordedAgentEvent): Incident | undefined {
  switch (event.name) {
    case 'incident:opened':
    case 'incident:updated':
    case 'incident:reopened':
    case 'incident:resolved':
    case 'incident:escalated':
      return event.payload;
    case 'diagnosis:completed':
      return event.payload.incident;
    default:
      return undefined;
  }
}

function actionOf(event: RecordedAgentEvent): HealingActionRecord | undefined {
  return event.name === 'healing:attempt' || event.name === 'healing:result' ? event.payload : undefined;
}

/** For a wait that timed out: the containers the agent checks, and the named ones it never saw. */
function describeWatched(agent: WebsiteMonitorAgent, config: MonitorConfig): string {
  const seen = agent.status();
  const checked = seen.filter((container) => container.monitored).map((container) => container.name);
  const lines = [`The agent checks: ${checked.length > 0 ? checked.join(', ') : 'no container'}.`];
  if (config.monitoring.discovery === 'listed') {
    const missing = config.monitoring.containers
      .filter((entry) => !entry.ignore && !seen.some((container) => container.name === entry.name))
      .map((entry) => entry.name);
    if (missing.length > 0) lines.push(`Named but not on the engine: ${missing.join(', ')}.`);
  }
  return lines.join('\n');
}
