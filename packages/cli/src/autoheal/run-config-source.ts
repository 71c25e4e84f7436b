import { type Logger, type MonitorConfig, MonitorError } from '@website-monitor/core';
import type { CliIo } from '../io/cli-io.js';
import { loadConfiguredStore } from '../store/configured-store.js';
import { type StoreSelection, selectStore } from '../store/store-selection.js';
import { autohealMonitorConfig } from './autoheal-config.js';
import { hasAutohealEnvironment, readAutohealEnvironment } from './autoheal-environment.js';

/** The config `run` starts with, and what else it needs for it. */
export interface RunConfig {
  readonly config: MonitorConfig;
  readonly selection: StoreSelection;
  /** Where the config came from, for the log: the file, or `autoheal environment`. */
  readonly source: string;
  /** Wait this long before the agent starts watching (autoheal's AUTOHEAL_START_PERIOD). */
  readonly startDelaySeconds: number;
  /** For the runtime factory: the engine's address (DOCKER_SOCK) and a call's deadline (CURL_TIMEOUT). */
  readonly engine: { readonly dockerHost?: string; readonly requestTimeoutMs?: number };
}

/**
 * `run --config FILE` reads the file, as always. Without `--config`, `run` is a drop-in for
 * willfarrell/docker-autoheal: when any `AUTOHEAL_*` variable is set (or `--autoheal` is given), its
 * environment becomes the config (`autohealMonitorConfig`), and every decision taken is said on
 * stderr and in the log. With neither there is nothing to run with: a usage error (exit 2).
 */
export async function loadRunConfig({
  configPath,
  autoheal,
  io,
  logger,
}: {
  configPath: string | undefined;
  autoheal: boolean | undefined;
  io: CliIo;
  logger: Logger;
}): Promise<RunConfig> {
  const autohealSet = hasAutohealEnvironment(io.env);
  if (configPath !== undefined) {
    if (autoheal) {
      throw new MonitorError(
        'usage',
        "--autoheal reads autoheal's environment instead of a config file: give --config or --autoheal, not both",
      );
    }
    if (autohealSet) {
      io.stderr(`website-monitor: AUTOHEAL_* variables are ignored: the config file ${configPath} is used\n`);
    }
    const configured = await loadConfiguredStore({ configPath, io });
    return { ...configured, source: configPath, startDelaySeconds: 0, engine: {} };
  }
  if (!autoheal && !autohealSet) {
    throw new MonitorError(
      'usage',
      "run needs --config FILE, or autoheal's environment (AUTOHEAL_CONTAINER_LABEL=... or --autoheal) to run as a drop-in for autoheal (docs/migrating.md)",
    );
  }

  const environment = readAutohealEnvironment(io.env);
  const mapped = autohealMonitorConfig(environment);
  const { selection, warnings } = selectStore({ storage: mapped.config.storage, env: io.env });
  for (const warning of warnings) io.stderr(`website-monitor: ${warning}\n`);
  const given = environment.given.length === 0 ? 'autoheal defaults' : environment.given.join(' ');
  io.stderr(
    `website-monitor: no config file: running as autoheal (${given})\n${mapped.mapped.map((line) => `  ${line}\n`).join('')}`,
  );
  logger.log('info', 'autoheal_config', { given: environment.given, mapped: mapped.mapped });
  return {
    config: mapped.config,
    selection,
    source: 'autoheal environment',
    startDelaySeconds: mapped.startDelaySeconds,
    engine: {
      ...(mapped.dockerHost === undefined ? {} : { dockerHost: mapped.dockerHost }),
      ...(environment.curlTimeoutSeconds === undefined
        ? {}
        : { requestTimeoutMs: environment.curlTimeoutSeconds * 1000 }),
    },
  };
}
