import { access } from 'node:fs/promises';
import { type Clock, hostNameProblem, type Logger } from '@website-monitor/core';
import { usageError } from '../errors/describe-user-error.js';
import { exitCodes } from '../exit-codes.js';
import type { CliIo } from '../io/cli-io.js';
import { loadConfiguredStore } from '../store/configured-store.js';
import { openDirectStore } from '../store/open-store.js';
import type { StoreFactories } from '../store/store-factories.js';
import { formatIncidentTable, incidentToJson } from './incidents-report.js';

export interface IncidentsOptions {
  readonly config?: string;
  /** As typed; default 24. */
  readonly hours?: string;
  readonly container?: string;
  /** As typed; default 100. */
  readonly limit?: string;
  readonly json?: boolean;
  /** `--host NAME`: only this host's incidents (several agents sharing one database). */
  readonly host?: string;
  /** `--all-hosts`: every host's, with a HOST column. Neither: every host, as before hosts were named. */
  readonly allHosts?: boolean;
}

export interface IncidentsDeps {
  readonly factories: StoreFactories;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * `website-monitor incidents`: the incidents opened in the last `--hours`, newest first, from
 * the configured store, as a table or (`--json`) one JSON array. Exit 0; a database that cannot
 * be reached is one line and exit 1; a bad config or option is exit 2.
 */
export async function incidentsCommand(
  options: IncidentsOptions,
  io: CliIo,
  deps: IncidentsDeps,
): Promise<number> {
  const hours = parsePositive('--hours', options.hours ?? '24');
  const limit = parseLimit(options.limit ?? '100');
  const host = parseHost(options);
  const { selection } = await loadConfiguredStore({ configPath: options.config, io });

  // Reading must not create an empty database where the agent has never written one.
  if (selection.kind === 'sqlite' && !(await exists(selection.path))) {
    io.stderr(`website-monitor: no database at ${selection.path} yet (\`website-monitor run\` creates it)\n`);
    io.stdout(options.json ? '[]\n' : 'no incidents\n');
    return exitCodes.ok;
  }

  const opened = await openDirectStore({ selection, factories: deps.factories, logger: deps.logger });
  try {
    const incidents = await opened.use((store) =>
      store.listIncidents({
        since: deps.clock.now() - hours * 3_600_000,
        ...(options.container === undefined ? {} : { containerName: options.container }),
        ...(host === undefined ? {} : { host }),
        limit,
      }),
    );
    if (options.json) {
      io.stdout(`${JSON.stringify(incidents.map(incidentToJson), null, 2)}\n`);
    } else if (incidents.length === 0) {
      const scope =
        (options.container === undefined ? '' : ` for ${options.container}`) +
        (host === undefined ? '' : ` on host ${host}`);
      io.stdout(`no incidents${scope} in the last ${hours} ${hours === 1 ? 'hour' : 'hours'}\n`);
    } else {
      io.stdout(formatIncidentTable(incidents, options.allHosts ? { showHost: true } : {}));
    }
    if (incidents.length === limit) {
      io.stderr(`website-monitor: showing the newest ${limit}; there may be more (--limit)\n`);
    }
    return exitCodes.ok;
  } finally {
    await opened.close();
  }
}

/** `--host NAME` (checked like `host:`) or `--all-hosts`, not both. */
function parseHost(options: IncidentsOptions): string | undefined {
  if (options.host !== undefined && options.allHosts) {
    throw usageError('--host and --all-hosts exclude each other: give one');
  }
  if (options.host === undefined) return undefined;
  const problem = hostNameProblem(options.host);
  if (problem !== undefined) throw usageError(`--host: ${problem}`);
  return options.host;
}

function parsePositive(option: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw usageError(`${option} must be a number above 0; got "${text}"`);
  }
  return value;
}

/** The most incidents one call reads: the limit goes into the query, and this bounds it. */
export const maxIncidentsLimit = 10_000;

function parseLimit(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0 || value > maxIncidentsLimit) {
    throw usageError(`--limit must be a whole number from 1 to ${maxIncidentsLimit}; got "${text}"`);
  }
  return value;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
