import type { Logger, LogLevel } from '../ports/logger.js';

/** One line a `MemoryLogger` kept. */
export interface LogEntry {
  readonly level: LogLevel;
  readonly event: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * Keeps every log entry so tests can assert on what a person would see.
 *
 * @example
 * ```ts
 * import { MemoryLogger } from '@website-monitor/core/testing';
 *
 * const logger = new MemoryLogger();
 * const agent = new WebsiteMonitorAgent({ config, runtime, logger });
 * // ...
 * expect(logger.find('healing_attempt')[0]?.fields).toMatchObject({ action: 'restart_container' });
 * ```
 */
export class MemoryLogger implements Logger {
  readonly entries: LogEntry[] = [];

  log(level: LogLevel, event: string, fields: Readonly<Record<string, unknown>> = {}): void {
    this.entries.push({ level, event, fields });
  }

  events(): string[] {
    return this.entries.map((entry) => entry.event);
  }

  find(event: string): LogEntry[] {
    return this.entries.filter((entry) => entry.event === event);
  }
}
