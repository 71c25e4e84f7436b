/** How much a log line matters, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Structured logging: `event` is a stable snake_case name (`healing_attempt`, `check_failed`)
 * so people can grep for it; fields carry the details. Fields may hold container text: a logger
 * that writes them somewhere passes them through `redactLogFields` first.
 *
 * @example
 * ```ts
 * import { type Logger, redactLogFields } from '@website-monitor/core';
 *
 * const logger: Logger = {
 *   log: (level, event, fields) => console.log(JSON.stringify({ level, event, ...redactLogFields(fields ?? {}) })),
 * };
 * ```
 */
export interface Logger {
  log(level: LogLevel, event: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** A `Logger` that drops everything: the default wherever a logger is optional. */
export const silentLogger: Logger = { log: () => {} };
