import {
  type Clock,
  type ContainerRuntime,
  ContainerRuntimeError,
  type EngineInfo,
  hostNameProblem,
  isHostReporting,
  type Logger,
  type MonitorConfig,
  MonitorError,
  type Store,
} from '@website-monitor/core';
import { backoffDelayMs } from '@website-monitor/core/internal';

/** Where the host name came from, in precedence order. */
export type HostNameSource = 'env' | 'config' | 'engine' | 'default';

/** The name rows written before hosts were named carry, and the name used when none is known. */
export const legacyHostName = 'local';

/**
 * The name this agent records under: `WEBSITE_MONITOR_HOST`, else `host:` in the config, else the
 * engine's name (`docker info` → Name), else `local`. A bad `WEBSITE_MONITOR_HOST` is a usage
 * error naming the variable (the config's `host:` was already checked by the loader).
 */
export function chooseHostName(options: {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly config: Pick<MonitorConfig, 'host'>;
  readonly engine: Pick<EngineInfo, 'name'> | undefined;
}): { readonly host: string; readonly source: HostNameSource } {
  const fromEnv = options.env.WEBSITE_MONITOR_HOST;
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const name = fromEnv.trim();
    const problem = hostNameProblem(name);
    if (problem !== undefined) {
      throw new MonitorError('usage', `WEBSITE_MONITOR_HOST: ${problem}`);
    }
    return { host: name, source: 'env' };
  }
  if (options.config.host !== undefined) return { host: options.config.host, source: 'config' };
  const engineName = options.engine?.name.trim();
  if (engineName && hostNameProblem(engineName) === undefined) return { host: engineName, source: 'engine' };
  return { host: legacyHostName, source: 'default' };
}

/** True when neither the environment nor the config names the host: the engine's name is needed. */
export function needsEngineName(
  env: Readonly<Record<string, string | undefined>>,
  config: Pick<MonitorConfig, 'host'>,
): boolean {
  return (env.WEBSITE_MONITOR_HOST ?? '').trim() === '' && config.host === undefined;
}

/**
 * The engine's identity, asked until an engine answers (the agent cannot name its rows before);
 * undefined when the runtime cannot name its engine, it answers with an error that retrying will
 * not fix, or the stop signal aborts.
 */
export async function readEngineInfo(options: {
  readonly runtime: ContainerRuntime;
  readonly signal: AbortSignal;
  readonly clock: Clock;
  readonly logger: Logger;
}): Promise<EngineInfo | undefined> {
  const info = options.runtime.info?.bind(options.runtime);
  if (info === undefined) return undefined;
  for (let attempt = 0; ; attempt++) {
    if (options.signal.aborted) return undefined;
    try {
      return await info({ signal: AbortSignal.any([options.signal, AbortSignal.timeout(10_000)]) });
    } catch (error) {
      const retryable =
        (ContainerRuntimeError.isInstance(error) && (error as ContainerRuntimeError).isRetryable) ||
        (error instanceof DOMException && error.name === 'TimeoutError');
      if (!retryable || options.signal.aborted) return undefined;
      options.logger.log('debug', 'engine_name_waiting', {
        error: error instanceof Error ? error.message : String(error),
        attempt: attempt + 1,
      });
      try {
        await options.clock.sleep(
          backoffDelayMs({ attempt, initialMs: 1_000, maxMs: 30_000, random: Math.random }),
          options.signal,
        );
      } catch {
        return undefined;
      }
    }
  }
}

/** What the store says about this agent recording under `host`. */
export type HostClaim =
  | { readonly kind: 'ok'; readonly notice?: string }
  | { readonly kind: 'conflict'; readonly message: string }
  | { readonly kind: 'unknown'; readonly reason: string };

/**
 * Refuses a host name another engine still reports under (two engines' records would mix); the
 * same engine (a restart, a standby pair) or a stale report (older than 3 report intervals) is
 * fine. Also says, once, when records are under `local` but this agent now records elsewhere.
 */
export async function checkHostClaim(options: {
  readonly store: Store;
  readonly host: string;
  readonly engine: EngineInfo | undefined;
  readonly now: number;
  readonly intervalSeconds: number;
}): Promise<HostClaim> {
  const { store, host, engine, now, intervalSeconds } = options;
  let existing: Awaited<ReturnType<Store['listHosts']>>[number] | undefined;
  try {
    existing = (await store.listHosts()).find((report) => report.host === host);
  } catch (error) {
    return { kind: 'unknown', reason: error instanceof Error ? error.message : String(error) };
  }
  if (
    existing?.engineId &&
    engine !== undefined &&
    existing.engineId !== engine.id &&
    isHostReporting({ report: existing, now, intervalSeconds })
  ) {
    return {
      kind: 'conflict',
      message:
        `host "${host}" is already recorded by another Docker engine (${existing.engineId}${existing.engineName ? `, named ${existing.engineName}` : ''}, last seen ${new Date(existing.lastSeenAt).toISOString()}); ` +
        `this agent's engine is ${engine.id}${engine.name ? ` (named ${engine.name})` : ''}. Two hosts under one name would mix their records: ` +
        'give this agent a name of its own with `host:` in its config or WEBSITE_MONITOR_HOST (see docs/fleet.md)',
    };
  }
  if (existing === undefined && host !== legacyHostName) {
    const legacy = await hasLegacyRows(store);
    if (legacy) {
      return {
        kind: 'ok',
        notice: `records from before hosts were named are under host "${legacyHostName}"; this agent records under "${host}", so its history starts afresh. Set \`host: ${legacyHostName}\` in the config to keep one history (docs/fleet.md)`,
      };
    }
  }
  return { kind: 'ok' };
}

async function hasLegacyRows(store: Store): Promise<boolean> {
  try {
    const [incident] = await store.listIncidents({ host: legacyHostName, limit: 1 });
    if (incident) return true;
    const [sample] = await store.listHealthSamples({ host: legacyHostName, limit: 1 });
    return sample !== undefined;
  } catch {
    return false;
  }
}
