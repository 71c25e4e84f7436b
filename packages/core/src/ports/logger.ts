/**
 * Structured logging: `event` is a stable snake_case name (`healing_attempt`, `check_failed`)
 * so people can grep for it; fields carry the details.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, event: string, fields?: Readonly<Record<string, unknown>>): void;
}

export const silentLogger: Logger = { log: () => {} };
