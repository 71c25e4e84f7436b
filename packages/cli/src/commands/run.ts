import {
  type AgentAlert,
  type Clock,
  type ContainerRuntime,
  type Diagnoser,
  type EngineInfo,
  type HttpProber,
  type Logger,
  type MonitorAgentApi,
  type MonitorConfig,
  MonitorError,
  type Store,
  systemClock,
  WebsiteMonitorAgent,
} from '@website-monitor/core';
import type { MonitorMetrics, MonitorServer, SpoolDepth } from '@website-monitor/http-api';
import { createNotifierFromConfig } from '@website-monitor/notifier';
import { loadRunConfig } from '../autoheal/run-config-source.js';
import { waitBeforeFirstCheck } from '../autoheal/start-delay.js';
import { cliVersion } from '../cli-version.js';
import { holdEngineForRun } from '../engine-lock/hold-engine.js';
import { exitCodes } from '../exit-codes.js';
import { chooseHostName } from '../host-identity/host-identity.js';
import { claimHost, identifyHost } from '../host-identity/run-host-identity.js';
import type { CliIo, StopSignal } from '../io/cli-io.js';
import type { RuntimeFactory } from '../io/runtime-factory.js';
import type { SwarmServicesFactory } from '../io/swarm-services-factory.js';
import { createJsonLogger } from '../logging/json-logger.js';
import { chooseLogLevel } from '../logging/log-level.js';
import { type AgentStore, openAgentStore } from '../store/agent-store.js';
import type { StoreFactories } from '../store/store-factories.js';

/** Signals this close to the first are the same stop request delivered twice. */
const duplicateSignalWindowMs = 1_000;

export interface RunOptions {
  /** Undefined: autoheal's environment is the config (`loadRunConfig`). */
  readonly config?: string | undefined;
  /** Run as autoheal from its environment (and defaults) even with no AUTOHEAL_* variable set. */
  readonly autoheal?: boolean;
  readonly dryRun?: boolean;
  readonly logLevel?: string;
  /** `HOST:PORT` for the REST API, metrics and dashboard; false for none. */
  readonly listen?: string | false;
  /** Another agent holds this engine: wait and take over (instead of exiting 3); or `agent.standby`. */
  readonly standby?: boolean;
}

export interface RunDeps {
  readonly createRuntime: RuntimeFactory;
  /** Swarm services on the same engine; without it a Swarm task's failures are left to Swarm. */
  readonly createSwarmServices?: SwarmServicesFactory;
  readonly storeFactories: StoreFactories;
  /** How long to wait for the first PostgreSQL migration attempt before starting anyway. */
  readonly storeStartWaitMs?: number;
  readonly prober?: HttpProber;
  readonly clock?: Clock;
  /** Replaces the JSON logger on stdout (tests). */
  readonly logger?: Logger;
  /** Called once the agent runs, with a way to stop it as a signal would (tests). */
  readonly onStarted?: (stop: () => void) => void;
}

/**
 * `website-monitor run --config FILE`: loads the config (a bad one stops here, nothing started),
 * starts the agent on the Docker engine and runs until SIGINT/SIGTERM, then stops it cleanly and
 * exits 0. A second signal while stopping (more than a second after the first) exits at once with 130.
 */
export async function runCommand(options: RunOptions, io: CliIo, deps: RunDeps): Promise<number> {
  const logger =
    deps.logger ?? createJsonLogger({ level: chooseLogLevel(options.logLevel, io.env), write: io.stdout });
  const configured = await loadRunConfig({
    configPath: options.config,
    autoheal: options.autoheal,
    io,
    logger,
  });
  const config = withDryRun(configured.config, options.dryRun);
  logger.log('debug', 'config_loaded', {
    file: configured.source,
    discovery: config.monitoring.discovery,
    containers: config.monitoring.containers.map((container) => container.name),
    dry_run: config.healing.dryRun,
  });

  let stopRequested: (signal: StopSignal | 'api') => void = () => {};
  const stopSignal = new Promise<StopSignal | 'api'>((resolve) => {
    stopRequested = resolve;
  });
  const signalClock = deps.clock ?? systemClock;
  let stoppingSince: number | undefined;
  const unsubscribe = io.onStopSignal((signal) => {
    // One stop often arrives twice: `timeout`, systemd and shells signal the whole process group,
    // and a wrapper (pnpm, npm) forwards the same signal again. Only a second signal that comes
    // later, from a person who does not want to wait, forces the exit.
    if (stoppingSince !== undefined && signalClock.now() - stoppingSince < duplicateSignalWindowMs) return;
    if (stoppingSince !== undefined) {
      io.stderr(`website-monitor: ${signal} again, exiting without waiting for the agent\n`);
      io.exitNow(exitCodes.interrupted);
      return;
    }
    stoppingSince = signalClock.now();
    stopRequested(signal);
  });

  // Rows are tagged with it, so several agents can share one PostgreSQL database; each prunes
  // and resumes its own: WEBSITE_MONITOR_HOST, else `host:`, else the engine's name (docs/fleet.md).
  // A bad WEBSITE_MONITOR_HOST stops here (exit 2), before anything is opened.
  chooseHostName({ env: io.env, config, engine: undefined });
  const engineRuntime = await deps.createRuntime({ logger, ...configured.engine });
  let agentStore: AgentStore | undefined;
  try {
    const identity = await identifyHost(config, engineRuntime, io, logger, signalClock, stopSignal);
    if (identity === 'stopped') return exitCodes.ok;
    const { host } = identity;
    agentStore = await openAgentStore({
      selection: configured.selection,
      factories: deps.storeFactories,
      logger,
      host,
      clock: signalClock,
      say: io.stderr,
      ...(deps.storeStartWaitMs === undefined ? {} : { startWaitMs: deps.storeStartWaitMs }),
    });
    const listen =
      options.listen === undefined || options.listen === false ? undefined : parseListen(options.listen);
    return await runAgent(config, host, agentStore, listen, logger, io, deps, stopSignal, {
      engineRuntime,
      engineInfo: identity.engine,
      standby: options.standby === true || config.agent?.standby === true,
      storeKind: configured.selection.kind,
      startDelaySeconds: configured.startDelaySeconds,
      engine: configured.engine,
      onStarted: () =>
        deps.onStarted?.(() => {
          if (stoppingSince === undefined) {
            stoppingSince = signalClock.now();
            stopRequested('api');
          }
        }),
    });
  } finally {
    unsubscribe();
    await engineRuntime[Symbol.asyncDispose]?.();
    await agentStore?.close().catch((error: unknown) => {
      logger.log('error', 'store_close_failed', {
        error: error instanceof Error ? error.message : String(error),
      });
    });
  }
}

async function runAgent(
  config: MonitorConfig,
  host: string,
  agentStore: AgentStore,
  listen: { host: string; port: number } | undefined,
  logger: Logger,
  io: CliIo,
  deps: RunDeps,
  stopSignal: Promise<StopSignal | 'api'>,
  hooks: {
    engineRuntime: Awaited<ReturnType<RuntimeFactory>>;
    engineInfo: EngineInfo | undefined;
    onStarted: () => void;
    standby: boolean;
    storeKind: 'sqlite' | 'postgres';
    startDelaySeconds: number;
    engine: { readonly dockerHost?: string; readonly requestTimeoutMs?: number };
  },
): Promise<number> {
  const { engineRuntime } = hooks;
  const swarmServices = await deps.createSwarmServices?.({ logger, ...hooks.engine });
  // The API, metrics and dashboard (prom-client, esbuild in source mode) are loaded only when
  // served: an agent run with --no-listen does not carry them in memory.
  const api = listen ? await import('@website-monitor/http-api') : undefined;
  let metrics: MonitorMetrics | undefined;
  // Engine errors are counted for /metrics as they happen; a scrape never calls Docker.
  const runtime = api
    ? api.instrumentContainerRuntime({
        runtime: engineRuntime,
        onError: ({ operation }) => metrics?.countDockerApiError({ operation }),
      })
    : engineRuntime;
  let server: MonitorServer | undefined;
  let stopSpoolAlerts: (() => void) | undefined;
  let releaseEngine: (() => Promise<void>) | undefined;
  try {
    const engine = await describeEngine(runtime);
    if (!engine.connected) io.stderr(`website-monitor: ${engine.error}; ${retrying}\n`);
    // One agent acts per Docker engine: its lease first (another holder: exit 3, or --standby waits).
    const hold = await holdEngineForRun({
      runtime: engineRuntime,
      agentStore,
      standby: hooks.standby,
      storeKind: hooks.storeKind,
      env: io.env,
      say: io.stderr,
      logger,
      clock: deps.clock ?? systemClock,
      stopRequested: stopSignal,
    });
    if (hold.kind === 'refused') return hold.exitCode;
    if (hold.kind === 'stopped') return exitCodes.ok;
    releaseEngine = hold.release;
    const engineInfo = hold.engine ?? hooks.engineInfo;
    // Two engines recording under one name would mix their records: refuse (exit 2).
    if (
      !(await claimHost({
        config,
        host,
        engine: engineInfo,
        agentStore,
        io,
        logger,
        clock: signalClockOf(deps),
      }))
    ) {
      return exitCodes.usage;
    }
    const notifier = createNotifierFromConfig(config.notifications, { logger });
    // A full spool disk loses incidents: the people who hear about incidents hear about that too,
    // once when it starts and once when it ends.
    stopSpoolAlerts = spoolOf(agentStore.store)?.onAlert?.((alert) => {
      void notifier?.notifyAgentAlert?.({ alert: { ...alert, host } });
    });
    const diagnoser = await chooseDiagnoser(config, io, logger, deps.clock);
    // A standby builds its agent too (it starts only on takeover), so its API can answer reads:
    // the guard refuses actions and the fence writes until this agent holds the engine.
    const agent = new WebsiteMonitorAgent({
      config,
      runtime: hold.guard(runtime),
      // A rollback or a forced update changes the engine too: only the lease holder may.
      ...(swarmServices === undefined ? {} : { swarmServices: hold.guardSwarmServices(swarmServices) }),
      store: hold.fence(agentStore.store),
      host,
      ...(engineInfo === undefined ? {} : { engine: engineInfo }),
      agentVersion: cliVersion(),
      ...(diagnoser ? { diagnoser } : {}),
      ...(notifier ? { notifier } : {}),
      logger,
      ...(deps.clock === undefined ? {} : { clock: deps.clock }),
      ...(deps.prober === undefined ? {} : { prober: deps.prober }),
    });
    reportEngineChanges(agent, io, engine.connected);

    if (listen && api) {
      const { createDashboardHandler } = await import('@website-monitor/dashboard');
      const spool = spoolOf(agentStore.store);
      metrics = api.createMonitorMetrics({ agent, role: hold.role, ...(spool ? { spool } : {}) });
      const token = io.env.MONITOR_API_TOKEN?.trim() || undefined;
      if (token && token.length < api.minimumTokenLength) {
        io.stderr(
          `website-monitor: warning: MONITOR_API_TOKEN is ${token.length} characters; use ${api.minimumTokenLength} or more, e.g. openssl rand -hex 32\n`,
        );
      }
      server = await api.startMonitorServer({
        agent,
        host: listen.host,
        port: listen.port,
        ...(spool ? { spool } : {}),
        allowedHosts: config.api.allowedHosts,
        metrics,
        role: hold.role,
        logger,
        dashboard: await createDashboardHandler(),
        ...(token ? { token } : {}),
        ...(io.env.MONITOR_API_TOKEN_OWNER ? { tokenOwner: io.env.MONITOR_API_TOKEN_OWNER } : {}),
      });
      io.stderr(
        `website-monitor: REST API, /metrics and dashboard on ${server.url}${token ? '' : ' (read-only: set MONITOR_API_TOKEN to allow writes)'}\n`,
      );
      logger.log('info', 'api_listening', {
        url: server.url,
        writes: token ? 'token' : 'refused',
        role: hold.role().role,
      });
    }

    // A standby serves reads meanwhile (the API says role: standby); its agent starts on takeover.
    const acting = hold.kind === 'standby' ? await hold.takeover : hold;
    if (acting.kind === 'stopped') return exitCodes.ok;
    releaseEngine = acting.release;

    const delayed = await waitBeforeFirstCheck({
      seconds: hooks.startDelaySeconds,
      stopRequested: stopSignal,
      logger,
    });
    if (delayed === 'elapsed') await agent.start();
    hooks.onStarted();

    const signal = await Promise.race([
      stopSignal,
      acting.lost.then(({ message }) => {
        io.stderr(`website-monitor: lost the Docker engine: ${message}; stopped acting\n`);
        return 'engine_lost' as const;
      }),
    ]);
    logger.log('info', 'agent_stopping', { signal });
    // New requests get 503 from here on; one waiting for a restart the stop lets finish is answered
    // before the server closes.
    server?.drain();
    await agent.stop();
    await server?.close({ timeoutMs: 5_000 });
    server = undefined;
    // Give queued notifications (an escalation just before the stop) a moment to leave.
    await Promise.race([notifier?.drain(), new Promise((resolve) => setTimeout(resolve, 3_000).unref())]);
    return signal === 'engine_lost' ? exitCodes.engineHeld : exitCodes.ok;
  } finally {
    await releaseEngine?.();
    stopSpoolAlerts?.();
    await server?.close();
    metrics?.close();
    await swarmServices?.[Symbol.asyncDispose]?.();
  }
}

/**
 * Claude diagnoses when `claude.enabled` and `claude.use_for_diagnosis` say so; otherwise there is
 * no configured diagnoser and the agent uses its rules alone (it then asks nothing and waits for
 * nothing). Without an API key Claude is still used: each call then fails at once with
 * `no_api_key`, and every incident records that the rules stood in, and why. `ANTHROPIC_BASE_URL`
 * points it at another Messages API endpoint (a proxy, or a local fake in tests).
 */
async function chooseDiagnoser(
  config: MonitorConfig,
  io: CliIo,
  logger: Logger,
  clock: Clock | undefined,
): Promise<Diagnoser | undefined> {
  if (!config.claude.enabled || !config.claude.useForDiagnosis) return undefined;
  const { createClaudeDiagnoser } = await import('@website-monitor/claude-diagnoser');
  const apiKey = io.env.ANTHROPIC_API_KEY?.trim() || undefined;
  if (!apiKey) {
    io.stderr(
      'website-monitor: claude.enabled is set but ANTHROPIC_API_KEY is not: diagnosing with the rules\n',
    );
  }
  const baseURL = io.env.ANTHROPIC_BASE_URL?.trim() || undefined;
  return createClaudeDiagnoser({
    model: config.claude.model,
    ...(apiKey ? { apiKey } : {}),
    ...(baseURL ? { baseURL } : {}),
    // Its cooldown, hourly budget and answer cache count in the agent's time.
    ...(clock ? { clock } : {}),
    logger,
  });
}

/** The spooled store (PostgreSQL) reports its depth and write state; other stores have none. */
function spoolOf(store: Store): SpoolWithAlerts | undefined {
  const candidate = store as Partial<{ pending: () => { rows: number; bytes: number } }>;
  return typeof candidate.pending === 'function' ? (candidate as SpoolWithAlerts) : undefined;
}

interface SpoolWithAlerts extends SpoolDepth {
  /** `createSpooledStore().onAlert`: spool_full / spool_recovered, once each per episode. */
  onAlert?(listener: (alert: Omit<AgentAlert, 'host'>) => void): () => void;
}

/** `127.0.0.1:9090`, `[::1]:9090`, `0.0.0.0:9090`, or a bare port (on 127.0.0.1). */
export function parseListen(address: string): { host: string; port: number } {
  const text = address.trim();
  const bare = /^\d{1,5}$/.test(text);
  const match = /^(?:\[(?<v6>[^\]]+)\]|(?<host>[^:]+)):(?<port>\d{1,5})$/.exec(text);
  const port = Number(bare ? text : match?.groups?.port);
  const host = bare ? '127.0.0.1' : (match?.groups?.v6 ?? match?.groups?.host);
  if (!host || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new MonitorError('usage', `--listen: expected HOST:PORT such as 127.0.0.1:9090, got "${address}"`);
  }
  return { host, port };
}

function signalClockOf(deps: RunDeps): Clock {
  return deps.clock ?? systemClock;
}

function withDryRun(config: MonitorConfig, dryRun: boolean | undefined): MonitorConfig {
  return dryRun ? { ...config, healing: { ...config.healing, dryRun: true } } : config;
}

const retrying = 'retrying with backoff until it answers (the agent keeps running)';

type EngineState = { connected: true } | { connected: false; error: string };

/** One ping up front, so a missing engine is said on stderr at once, not only in the JSON log. */
async function describeEngine(runtime: ContainerRuntime): Promise<EngineState> {
  try {
    await runtime.ping({ signal: AbortSignal.timeout(5_000) });
    return { connected: true };
  } catch (error) {
    if (MonitorError.isInstance(error) && error.code === 'container_runtime') {
      return { connected: false, error: error.message };
    }
    if (error instanceof DOMException && error.name === 'TimeoutError') {
      return { connected: false, error: 'the Docker engine did not answer within 5 s' };
    }
    throw error;
  }
}

/** A line on stderr each time the engine goes away or comes back, once per change. */
function reportEngineChanges(agent: MonitorAgentApi, io: CliIo, initiallyConnected: boolean): void {
  let connected = initiallyConnected;
  agent.on('engine:connection', (state) => {
    if (state.connected === connected) return;
    connected = state.connected;
    io.stderr(
      state.connected
        ? 'website-monitor: the Docker engine answers again\n'
        : `website-monitor: ${state.error ?? 'lost the Docker engine'}; ${retrying}\n`,
    );
  });
}
