import {
  type Clock,
  type ContainerRuntime,
  createRuleDiagnoser,
  type HttpProber,
  type Logger,
  type MonitorConfig,
  MonitorError,
  systemClock,
  WebsiteMonitorAgent,
} from '@website-monitor/core';
import { exitCodes } from '../exit-codes.js';
import type { CliIo, StopSignal } from '../io/cli-io.js';
import type { RuntimeFactory } from '../io/runtime-factory.js';
import { createJsonLogger } from '../logging/json-logger.js';
import { chooseLogLevel } from '../logging/log-level.js';
import { type AgentStore, openAgentStore } from '../store/agent-store.js';
import { loadConfiguredStore } from '../store/configured-store.js';
import type { StoreFactories } from '../store/store-factories.js';

/** Signals this close to the first are the same stop request delivered twice. */
const duplicateSignalWindowMs = 1_000;

export interface RunOptions {
  readonly config: string;
  readonly dryRun?: boolean;
  readonly logLevel?: string;
}

export interface RunDeps {
  readonly createRuntime: RuntimeFactory;
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
  const configured = await loadConfiguredStore({ configPath: options.config, io });
  const config = withDryRun(configured.config, options.dryRun);
  logger.log('debug', 'config_loaded', {
    file: options.config,
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
  // and resumes its own. Keep it stable across restarts (not a container id that changes).
  const host = io.env.WEBSITE_MONITOR_HOST?.trim() || 'local';
  let agentStore: AgentStore | undefined;
  try {
    agentStore = await openAgentStore({
      selection: configured.selection,
      factories: deps.storeFactories,
      logger,
      host,
      clock: signalClock,
      say: io.stderr,
      ...(deps.storeStartWaitMs === undefined ? {} : { startWaitMs: deps.storeStartWaitMs }),
    });
    return await runAgent(config, host, agentStore, logger, io, deps, stopSignal, {
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
  logger: Logger,
  io: CliIo,
  deps: RunDeps,
  stopSignal: Promise<StopSignal | 'api'>,
  hooks: { onStarted: () => void },
): Promise<number> {
  const runtime = await deps.createRuntime({ logger });
  try {
    const engine = await describeEngine(runtime);
    if (!engine.connected) io.stderr(`website-monitor: ${engine.error}; ${retrying}\n`);
    const agent = new WebsiteMonitorAgent({
      config,
      runtime,
      store: agentStore.store,
      host,
      diagnoser: createRuleDiagnoser(),
      logger,
      ...(deps.clock === undefined ? {} : { clock: deps.clock }),
      ...(deps.prober === undefined ? {} : { prober: deps.prober }),
    });
    reportEngineChanges(agent, io, engine.connected);

    await agent.start();
    hooks.onStarted();

    const signal = await stopSignal;
    logger.log('info', 'agent_stopping', { signal });
    await agent.stop();
    return exitCodes.ok;
  } finally {
    await runtime[Symbol.asyncDispose]?.();
  }
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
function reportEngineChanges(agent: WebsiteMonitorAgent, io: CliIo, initiallyConnected: boolean): void {
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
