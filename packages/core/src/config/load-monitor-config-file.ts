import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError } from '../errors/monitor-error.js';
import type { EnvironmentVariables } from './env-interpolation.js';
import type { MonitorConfig } from './monitor-config.js';
import { parseMonitorConfig } from './parse-monitor-config.js';

export interface LoadMonitorConfigFileOptions {
  readonly path: string;
  readonly env?: EnvironmentVariables;
  readonly knownActions?: readonly string[];
}

/**
 * Reads and parses a config file; an unreadable file is a `ConfigError` naming the path.
 * Relative storage paths come back resolved against the file's directory.
 */
export async function loadMonitorConfigFile({
  path,
  env,
  knownActions,
}: LoadMonitorConfigFileOptions): Promise<MonitorConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : errorMessage(error);
    throw new ConfigError([{ path: '', line: undefined, message: `cannot read config file: ${reason}` }], {
      file: path,
      cause: error,
    });
  }
  return parseMonitorConfig({
    text,
    file: path,
    baseDirectory: dirname(path),
    ...(env ? { env } : {}),
    ...(knownActions ? { knownActions } : {}),
  });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
