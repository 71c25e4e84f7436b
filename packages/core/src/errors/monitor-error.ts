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

/**
 * The base of every error the packages throw on purpose: a `code` to switch on, the cause kept.
 * Test with `MonitorError.isInstance(error)` rather than `instanceof`, which fails when two copies
 * of the core are installed.
 *
 * @example
 * ```ts
 * import { MonitorError } from '@website-monitor/core';
 *
 * try {
 *   await agent.start();
 * } catch (error) {
 *   if (MonitorError.isInstance(error) && error.code === 'container_runtime') {
 *     console.error(`cannot reach Docker: ${error.message}`);
 *   } else throw error;
 * }
 * ```
 */
export class MonitorError extends Error {
  readonly [marker] = true;
  readonly code: MonitorErrorCode;

  constructor(code: MonitorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MonitorError';
    this.code = code;
  }

  /** True for any `MonitorError` (or subclass), from any copy of the core. */
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

/**
 * A config file (or text) that cannot be used: every issue at once, each with its YAML path and
 * line. Its message is `formatConfigIssues` of them, ready for a terminal.
 *
 * @example
 * ```ts
 * import { ConfigError, parseMonitorConfig } from '@website-monitor/core';
 *
 * try {
 *   parseMonitorConfig({ text: 'healing:\n  min_confidence: 300\n' });
 * } catch (error) {
 *   if (ConfigError.isInstance(error)) for (const issue of error.issues) console.log(issue.path, issue.line);
 * }
 * ```
 */
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

/**
 * `file:line: path: message`, one line per issue, for a person reading a terminal.
 *
 * @example
 * ```ts
 * import { formatConfigIssues } from '@website-monitor/core';
 *
 * formatConfigIssues([{ path: 'storage.retention_days', line: 7, message: 'must be at least 1' }], 'config.yaml');
 * // 'config.yaml:7: storage.retention_days: must be at least 1'
 * ```
 */
export function formatConfigIssues(issues: readonly ConfigIssue[], file?: string): string {
  return issues
    .map((issue) => {
      const where = [file, issue.line].filter((part) => part !== undefined).join(':');
      const path = issue.path ? `${oneLineText(issue.path)}: ` : '';
      return `${where ? `${where}: ` : ''}${path}${oneLineText(issue.message)}`;
    })
    .join('\n');
}

/** What went wrong with the engine: no such container, engine down, a conflict, a timeout, anything else. */
export type ContainerRuntimeErrorKind = 'not_found' | 'unreachable' | 'conflict' | 'timeout' | 'api';

/**
 * A container engine call failed (`code: 'container_runtime'`). Adapters throw it for every
 * engine failure; `isRetryable` says whether trying later may help.
 *
 * @example
 * ```ts
 * import { ContainerRuntimeError } from '@website-monitor/core';
 *
 * throw new ContainerRuntimeError('not_found', 'no container named web', { container: 'web' });
 * ```
 */
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

/**
 * A store could not read or write (`code: 'store'`). A `Store` implementation wraps its driver's
 * errors in it, with the cause kept and secrets kept out of the message.
 *
 * @example
 * ```ts
 * import { StoreError } from '@website-monitor/core';
 *
 * throw new StoreError('my store: saveIncident failed: disk full', { cause: error });
 * ```
 */
export class StoreError extends MonitorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('store', message, options);
    this.name = 'StoreError';
  }
}

/**
 * A diagnoser could not answer (`code: 'diagnoser'`): the agent logs it and goes on with the rules.
 *
 * @example
 * ```ts
 * import { DiagnoserError } from '@website-monitor/core';
 *
 * throw new DiagnoserError('my diagnoser: the model answered no JSON');
 * ```
 */
export class DiagnoserError extends MonitorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('diagnoser', message, options);
    this.name = 'DiagnoserError';
  }
}

/**
 * A healing action was asked for by a name no registered strategy has; lists the known names.
 *
 * @example
 * ```ts
 * import { createDefaultStrategyRegistry, NoSuchStrategyError } from '@website-monitor/core';
 *
 * try {
 *   createDefaultStrategyRegistry().get('reboot_host');
 * } catch (error) {
 *   if (error instanceof NoSuchStrategyError) console.log(error.available);
 * }
 * ```
 */
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
