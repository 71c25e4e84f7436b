import { builtInActionNames } from '../domain/action.js';
import { ConfigError, type ConfigIssue } from '../errors/monitor-error.js';
import { crossCheckConfig } from './config-cross-checks.js';
import { formatConfigPath, type LineIndex, lineAt } from './config-path.js';
import { createConfigSchema } from './config-schema.js';
import type { EnvironmentVariables } from './env-interpolation.js';
import type { MonitorConfig } from './monitor-config.js';
import { normalizeMonitorConfig } from './normalize-monitor-config.js';
import { oneLineText } from './one-line-text.js';
import { describeSchemaIssues } from './schema-issues.js';
import { literalPasswordIssue } from './storage-url.js';
import { readYamlSource } from './yaml-source.js';

/** The YAML text to parse, and what it is checked against. */
export interface ParseMonitorConfigOptions {
  /** The YAML text. An empty text is a valid config: every default, every container watched. */
  readonly text: string;
  /** Shown in error messages (`config.yaml:12: ...`). */
  readonly file?: string;
  /** Variables for `${NAME}` interpolation; defaults to `process.env`. */
  readonly env?: EnvironmentVariables;
  /** Action names registered by plugins, accepted besides the built-in ones. */
  readonly knownActions?: readonly string[];
  /**
   * Relative `storage.path` and `storage.spool_path` (and their defaults) are resolved against
   * it; `loadMonitorConfigFile` passes the config file's directory. Undefined: left as written.
   */
  readonly baseDirectory?: string;
}

/** `validateConfigText`'s answer: the config, or every issue found (never both). */
export type ValidateConfigResult =
  | { readonly ok: true; readonly config: MonitorConfig; readonly issues: readonly [] }
  | { readonly ok: false; readonly config: undefined; readonly issues: readonly ConfigIssue[] };

/**
 * Parses, interpolates, validates and normalizes a config file. Throws one `ConfigError` listing
 * every problem found, each with its YAML path and line.
 *
 * @example
 * ```ts
 * import { parseMonitorConfig } from '@website-monitor/core';
 *
 * const config = parseMonitorConfig({
 *   text: 'monitoring:\n  containers:\n    - name: web\n      health_endpoint: http://web:8080/health\n',
 *   env: {},
 * });
 * config.monitoring.containers[0]?.healthEndpoint; // 'http://web:8080/health'
 * ```
 */
export function parseMonitorConfig(options: ParseMonitorConfigOptions): MonitorConfig {
  const result = validateConfigText(options);
  if (!result.ok)
    throw new ConfigError(result.issues, options.file === undefined ? {} : { file: options.file });
  return result.config;
}

/**
 * Same as `parseMonitorConfig` but returns the issues instead of throwing (for `config check`).
 *
 * @example
 * ```ts
 * import { formatConfigIssues, validateConfigText } from '@website-monitor/core';
 *
 * const result = validateConfigText({ text: 'monitoring:\n  interval_seconds: soon\n', file: 'config.yaml' });
 * if (!result.ok) console.error(formatConfigIssues(result.issues, 'config.yaml'));
 * ```
 */
export function validateConfigText({
  text,
  env = process.env,
  knownActions = [],
  baseDirectory,
}: ParseMonitorConfigOptions): ValidateConfigResult {
  const source = readYamlSource({ text, env });
  if (source.value === undefined && source.issues.length > 0) return failed(source.issues);

  const issues: ConfigIssue[] = [...source.issues];
  const value = source.value ?? {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return failed([
      ...issues,
      {
        path: '',
        line: source.lines.get('') ?? 1,
        message: 'expected a mapping with monitoring, healing, claude, storage and notifications',
      },
    ]);
  }

  const schema = createConfigSchema({ knownActions: [...new Set([...builtInActionNames, ...knownActions])] });
  const parsed = schema.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    issues.push(
      ...describeSchemaIssues(parsed.error.issues, schema).map((issue) => located(issue, source.lines)),
    );
  }
  issues.push(...crossCheckConfig(value).map((issue) => located(issue, source.lines)));
  const rawUrl = source.rawStrings.get('storage.url');
  const passwordIssue = rawUrl === undefined ? undefined : literalPasswordIssue(rawUrl);
  if (passwordIssue !== undefined) {
    issues.push(located({ path: ['storage', 'url'], message: passwordIssue }, source.lines));
  }

  if (issues.length > 0 || !parsed.success) return failed(sortByLine(withoutEchoes(issues, source.issues)));
  return {
    ok: true,
    config: normalizeMonitorConfig(parsed.data, baseDirectory === undefined ? {} : { baseDirectory }),
    issues: [],
  };
}

function located(
  issue: { path: readonly (string | number)[]; message: string },
  lines: LineIndex,
): ConfigIssue {
  return { path: formatConfigPath(issue.path), line: lineAt(lines, issue.path), message: issue.message };
}

function failed(issues: readonly ConfigIssue[]): ValidateConfigResult {
  const shown = issues.map((issue) => ({
    ...issue,
    path: oneLineText(issue.path),
    message: oneLineText(issue.message),
  }));
  return { ok: false, config: undefined, issues: shown };
}

/**
 * A variable that failed to interpolate was read as null, so the schema complains about the same
 * node again ("expected a number, got null"); the interpolation issue already says what is wrong.
 */
function withoutEchoes(issues: readonly ConfigIssue[], sourceIssues: readonly ConfigIssue[]): ConfigIssue[] {
  const sourcePaths = new Set(sourceIssues.map((issue) => issue.path));
  return issues.filter((issue) => sourceIssues.includes(issue) || !sourcePaths.has(issue.path));
}

function sortByLine(issues: ConfigIssue[]): ConfigIssue[] {
  return issues
    .map((issue, order) => ({ issue, order }))
    .sort((a, b) => (a.issue.line ?? 0) - (b.issue.line ?? 0) || a.order - b.order)
    .map(({ issue }) => issue);
}
