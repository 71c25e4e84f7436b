import { type Logger, type LogLevel, redactLogFields } from '@website-monitor/core';
import { pino } from 'pino';

/** Where the JSON lines go and the lowest level written. */
export interface JsonLoggerOptions {
  /** Entries below this level are dropped. Default `info`. */
  readonly level?: LogLevel;
  /** Receives each line, newline included. Default: stdout. */
  readonly write?: (line: string) => void;
}

/**
 * Core's `Logger` port as one JSON object per line:
 * `{"level":"ERROR","time":"2026-11-28T05:00:00.000Z","event":"healing_attempt",...fields}`.
 * The level is upper-case and the event a field of its own so `| grep ERROR` and
 * `| grep healing_attempt` find them. Secret-named keys are redacted at any depth and every string
 * is scanned for secret patterns and bounded (`redactLogFields`): the agent redacts container
 * text where it enters its records, this guards what reaches the log from anywhere else.
 *
 * @example
 * ```ts
 * import { createJsonLogger } from '@website-monitor/cli';
 *
 * const logger = createJsonLogger({ level: 'info' });
 * const agent = new WebsiteMonitorAgent({ config, runtime, logger });
 * ```
 */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const output = pino(
    {
      level: options.level ?? 'info',
      // No pid/hostname: the agent logs the host itself where it matters.
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label.toUpperCase() }),
        log: (fields) => redactLogFields(fields),
      },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    { write },
  );
  return {
    log(level: LogLevel, event: string, fields: Readonly<Record<string, unknown>> = {}): void {
      // `event` first so it reads right after level and time; a field named `event` cannot hide it.
      output[level]({ event, ...withoutKey(fields, 'event') });
    },
  };
}

function withoutKey(fields: Readonly<Record<string, unknown>>, key: string): Record<string, unknown> {
  if (!(key in fields)) return fields;
  const { [key]: _dropped, ...rest } = fields;
  return rest;
}
