import { oneLineText } from '../config/one-line-text.js';

/**
 * One error family for the whole SDK. `code` is a closed union so callers can switch on it;
 * `isInstance` works across duplicate installs because it checks a global symbol, not a class.
 */
export type MonitorErrorCode =
  | 'config_invalid'
  | 'container_runtime'
  | 'store'
  | 'diagnoser'
  | 'no_such_strategy'
  | 'approval'
  | 'usage';

const marker = Symbol.for('website-monitor.error');

export class MonitorError extends Error {
  readonly [marker] = true;
  readonly code: MonitorErrorCode;

  constructor(code: MonitorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MonitorError';
    this.code = code;
  }

  static isInstance(value: unknown): value is MonitorError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}

/** One problem in a config file: where (YAML path and line) and what. */
export interface ConfigIssue {
  /** Dotted YAML path, e.g. `monitoring.containers[0].max_restarts_per_hour`. */
  readonly path: string;
  /** 1-based line in the file, when known. */
  readonly line: number | undefined;
  readonly message: string;
}

export class ConfigError extends MonitorError {
  readonly issues: readonly ConfigIssue[];
  readonly file: string | undefined;

  constructor(issues: readonly ConfigIssue[], options?: { file?: string; cause?: unknown }) {
    super('config_invalid', formatConfigIssues(issues, options?.file), options);
    this.name = 'ConfigError';
    this.issues = issues;
    this.file = options?.file;
  }
}

/** `file:line: path: message`, one line per issue, for a person reading a terminal. */
export function formatConfigIssues(issues: readonly ConfigIssue[], file?: string): string {
  return issues
    .map((issue) => {
      const where = [file, issue.line].filter((part) => part !== undefined).join(':');
      const path = issue.path ? `${oneLineText(issue.path)}: ` : '';
      return `${where ? `${where}: ` : ''}${path}${oneLineText(issue.message)}`;
    })
    .join('\n');
}

export type ContainerRuntimeErrorKind = 'not_found' | 'unreachable' | 'conflict' | 'timeout' | 'api';

export class ContainerRuntimeError extends MonitorError {
  readonly kind: ContainerRuntimeErrorKind;
  /** Worth trying again later (engine down, timeout), as opposed to a definite refusal. */
  readonly isRetryable: boolean;
  readonly container: string | undefined;

  constructor(
    kind: ContainerRuntimeErrorKind,
    message: string,
    options?: { container?: string; cause?: unknown; isRetryable?: boolean },
  ) {
    super('container_runtime', message, options);
    this.name = 'ContainerRuntimeError';
    this.kind = kind;
    this.container = options?.container;
    this.isRetryable = options?.isRetryable ?? (kind === 'unreachable' || kind === 'timeout');
  }
}

export class StoreError extends MonitorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('store', message, options);
    this.name = 'StoreError';
  }
}

export class DiagnoserError extends MonitorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('diagnoser', message, options);
    this.name = 'DiagnoserError';
  }
}

export class NoSuchStrategyError extends MonitorError {
  readonly requested: string;
  readonly available: readonly string[];

  constructor(requested: string, available: readonly string[]) {
    super('no_such_strategy', `no healing strategy named "${requested}"; known: ${available.join(', ')}`);
    this.name = 'NoSuchStrategyError';
    this.requested = requested;
    this.available = available;
  }
}
