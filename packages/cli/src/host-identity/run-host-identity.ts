import {
  type Clock,
  type ContainerRuntime,
  defaultHostReportIntervalSeconds,
  type EngineInfo,
  type Logger,
  type MonitorConfig,
} from '@website-monitor/core';
import type { CliIo } from '../io/cli-io.js';
import type { AgentStore } from '../store/agent-store.js';
import {
  checkHostClaim,
  chooseHostName,
  type HostNameSource,
  needsEngineName,
  readEngineInfo,
} from './host-identity.js';

/** The name `run` records under, where it came from, and the engine when it was asked. */
export interface RunHostIdentity {
  readonly host: string;
  readonly source: HostNameSource;
  readonly engine: EngineInfo | undefined;
}

/**
 * `run`'s host name (`chooseHostName`); the engine is asked only when neither
 * `WEBSITE_MONITOR_HOST` nor `host:` names the host, and then waited for like the lease waits.
 */
export async function identifyHost(
  config: MonitorConfig,
  runtime: ContainerRuntime,
  io: CliIo,
  logger: Logger,
  clock: Clock,
  stopRequested: Promise<unknown>,
): Promise<RunHostIdentity | 'stopped'> {
  let engine: EngineInfo | undefined;
  if (needsEngineName(io.env, config)) {
    const stopping = new AbortController();
    void stopRequested.then(() => stopping.abort());
    let said = false;
    engine = await readEngineInfo({
      runtime,
      signal: stopping.signal,
      clock,
      logger: {
        log: (level, event, fields) => {
          if (!said) {
            said = true;
            // Says why (the engine's error names the socket and the cause), as the agent's own ping does.
            const why = typeof fields?.error === 'string' ? `${fields.error}; ` : '';
            io.stderr(
              `website-monitor: ${why}retrying with backoff until the Docker engine answers and tells its name (this host records under it; set \`host:\` or WEBSITE_MONITOR_HOST to start without it)\n`,
            );
          }
          logger.log(level, event, fields);
        },
      },
    });
    if (stopping.signal.aborted) return 'stopped';
  }
  const chosen = chooseHostName({ env: io.env, config, engine });
  logger.log('info', 'host_identity', {
    host: chosen.host,
    source: chosen.source,
    engine_id: engine?.id ?? null,
    engine_name: engine?.name ?? null,
  });
  return { ...chosen, engine };
}

/**
 * Checks the store before the agent records under `host` (`checkHostClaim`): false (and a line
 * on stderr) when another engine still reports under that name. The store not answering yet is
 * not a refusal: the check is skipped with a warning.
 */
export async function claimHost(options: {
  readonly config: MonitorConfig;
  readonly host: string;
  readonly engine: EngineInfo | undefined;
  readonly agentStore: AgentStore;
  readonly io: CliIo;
  readonly logger: Logger;
  readonly clock: Clock;
}): Promise<boolean> {
  const { agentStore, io, logger } = options;
  // `run` already waited for the first migration attempt; a database that does not answer within
  // a moment is not waited for here (the check is skipped, with a warning).
  const timeout = new Promise<{ kind: 'unknown'; reason: string }>((resolve) =>
    setTimeout(
      () => resolve({ kind: 'unknown', reason: 'the store did not answer within 3 s' }),
      3_000,
    ).unref(),
  );
  const claim = await Promise.race([
    checkHostClaim({
      store: agentStore.store,
      host: options.host,
      engine: options.engine,
      now: options.clock.now(),
      intervalSeconds: options.config.hosts?.reportIntervalSeconds ?? defaultHostReportIntervalSeconds,
    }),
    timeout,
  ]);
  if (claim.kind === 'conflict') {
    io.stderr(`website-monitor: ${claim.message}\n`);
    logger.log('error', 'host_name_conflict', { host: options.host, message: claim.message });
    return false;
  }
  if (claim.kind === 'unknown') {
    logger.log('warn', 'host_claim_unchecked', { host: options.host, reason: claim.reason });
    return true;
  }
  if (claim.notice !== undefined) {
    io.stderr(`website-monitor: notice: ${claim.notice}\n`);
    logger.log('warn', 'host_history_under_local', { host: options.host, message: claim.notice });
  }
  return true;
}
