import { type ConfigIssue, formatConfigIssues, MonitorError } from '@website-monitor/core';

/**
 * What to print for a mistake a person can fix, ready for stderr: config problems as
 * `FILE:LINE: path: message` lines, anything else as one `error: ...` line (commander's form).
 * Undefined for a bug, which keeps its stack.
 */
export function userErrorText(error: unknown): string | undefined {
  const text = describeUserError(error);
  if (text === undefined) return undefined;
  return MonitorError.isInstance(error) && error.code === 'config_invalid' ? text : `error: ${text}`;
}

/**
 * The readable text for a mistake a person can fix (bad config, unknown container, no engine,
 * bad arguments), or undefined for anything else: that is a bug and keeps its stack.
 * Checked by `code` and shape rather than `instanceof`, so it holds across duplicate installs.
 */
export function describeUserError(error: unknown): string | undefined {
  if (!MonitorError.isInstance(error)) return undefined;
  switch (error.code) {
    case 'config_invalid': {
      const { issues, file } = error as MonitorError & { issues?: readonly ConfigIssue[]; file?: string };
      return issues === undefined ? error.message : formatConfigIssues(issues, file);
    }
    case 'container_runtime': {
      const kind = (error as MonitorError & { kind?: string }).kind;
      // The engine is missing, slow or has no such container: the person's setup, not our bug.
      return kind === 'not_found' || kind === 'unreachable' || kind === 'timeout' ? error.message : undefined;
    }
    case 'store':
      // The database is down, refused us or has no tables yet; anything else from a store is a bug.
      return (error as MonitorError & { unavailable?: unknown }).unavailable === true
        ? error.message
        : undefined;
    case 'usage':
      return error.message;
    default:
      return undefined;
  }
}

/** A wrong argument value the parser could not catch (a bad `--timeout`, an unknown level). */
export function usageError(message: string): MonitorError {
  return new MonitorError('usage', message);
}
