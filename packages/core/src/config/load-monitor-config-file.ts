import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError } from '../errors/monitor-error.js';
import { configLimits, formatBytes } from './config-limits.js';
import type { EnvironmentVariables } from './env-interpolation.js';
import type { MonitorConfig } from './monitor-config.js';
import { parseMonitorConfig } from './parse-monitor-config.js';

/** Which file `loadMonitorConfigFile` reads; `env` and `knownActions` as for `parseMonitorConfig`. */
export interface LoadMonitorConfigFileOptions {
  /** The YAML file; relative storage paths in it are resolved against its directory. */
  readonly path: string;
  /** Variables for `${NAME}` interpolation; defaults to `process.env`. */
  readonly env?: EnvironmentVariables;
  /** Action names registered by plugins, accepted besides the built-in ones. */
  readonly knownActions?: readonly string[];
}

/**
 * Reads and parses a config file; an unreadable file is a `ConfigError` naming the path, and so
 * is one over `configLimits.maxFileBytes` (read no further than that, so a huge file or a device
 * such as `/dev/zero` cannot hold us). Relative storage paths come back resolved against the file's directory.
 *
 * @example
 * ```ts
 * import { ConfigError, loadMonitorConfigFile } from '@website-monitor/core';
 *
 * try {
 *   const config = await loadMonitorConfigFile({ path: 'config.yaml' });
 *   console.log(config.monitoring.intervalSeconds);
 * } catch (error) {
 *   if (!ConfigError.isInstance(error)) throw error;
 *   console.error(error.message); // config.yaml:12: monitoring.interval: ...
 *   process.exitCode = 2;
 * }
 * ```
 */
export async function loadMonitorConfigFile({
  path,
  env,
  knownActions,
}: LoadMonitorConfigFileOptions): Promise<MonitorConfig> {
  let text: string;
  try {
    text = await readBounded(path, configLimits.maxFileBytes);
  } catch (error) {
    if (error instanceof ConfigFileTooLarge) {
      throw new ConfigError([{ path: '', line: undefined, message: error.message }], { file: path });
    }
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

class ConfigFileTooLarge extends Error {}

/** The file as UTF-8, or `ConfigFileTooLarge` as soon as more than `limit` bytes have come. */
async function readBounded(path: string, limit: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size > limit) throw new ConfigFileTooLarge(tooLargeMessage(formatBytes(size)));
    // The size of a device says nothing: read at most one byte past the limit.
    const buffer = Buffer.alloc(limit + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled > limit) throw new ConfigFileTooLarge(tooLargeMessage(`more than ${formatBytes(limit)}`));
    return buffer.subarray(0, filled).toString('utf8');
  } finally {
    await handle.close();
  }
}

function tooLargeMessage(size: string): string {
  return `the config file is ${size}, over the ${formatBytes(configLimits.maxFileBytes)} limit for a config file`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
