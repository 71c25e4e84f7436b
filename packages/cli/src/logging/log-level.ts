import type { LogLevel } from '@website-monitor/core';
import { usageError } from '../errors/describe-user-error.js';

export const logLevels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** `--log-level` wins over `LOG_LEVEL`; either is case-insensitive; the default is `info`. */
export function chooseLogLevel(
  option: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): LogLevel {
  const [value, source] =
    option !== undefined
      ? [option, '--log-level']
      : env.LOG_LEVEL
        ? [env.LOG_LEVEL, 'LOG_LEVEL']
        : ['info', 'default'];
  const level = value.toLowerCase();
  if ((logLevels as readonly string[]).includes(level)) return level as LogLevel;
  throw usageError(`${source} must be one of ${logLevels.join(', ')}; got "${value}"`);
}
