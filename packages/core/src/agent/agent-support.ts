import type { EventEmitter } from 'eventemitter3';
import { ContainerRuntimeError } from '../errors/monitor-error.js';
import type { LogLevel } from '../ports/logger.js';
import type { AgentEvents } from './agent-events.js';

/** One structured log line: a stable snake_case event name and its fields. */
export type AgentLog = (level: LogLevel, event: string, fields?: Record<string, unknown>) => void;

/** Emits one of the agent's typed events (the facade's own `emit`). */
export type AgentEmit = EventEmitter<AgentEvents>['emit'];

/** Registers work the agent started, so `idle()` and `stop()` can wait for it. */
export type TrackWork = <T>(promise: Promise<T>) => Promise<T>;

/** The agent's abort signal while it runs; undefined before the first start. */
export type AgentSignal = () => AbortSignal | undefined;

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Logs a runtime failure; an unreachable engine at debug level only. */
export function logRuntimeError(
  log: AgentLog,
  event: string,
  error: unknown,
  fields: Record<string, unknown>,
): void {
  const unreachable =
    ContainerRuntimeError.isInstance(error) && (error as ContainerRuntimeError).kind === 'unreachable';
  // The event watcher reports an unreachable engine once per outage; do not repeat it per call.
  log(unreachable ? 'debug' : 'error', event, { ...fields, error: describeError(error) });
}
