import { isHttpUrl } from './config-schema.js';
import { closestName } from './did-you-mean.js';
import { parseExpectedStatus } from './expected-status.js';
import type { ContainerCheckSettings } from './monitor-config.js';

/** Every label we read starts with this; `website-monitor.enable=false` opts a container out. */
export const labelPrefix = 'website-monitor.';

export interface LabelOverrides {
  /** `website-monitor.enable`: undefined when the label is absent or unreadable. */
  readonly enable: boolean | undefined;
  readonly healthEndpoint: string | undefined;
  readonly dependsOn: readonly string[] | undefined;
  /**
   * `website-monitor.stop_timeout_seconds`, else autoheal's `autoheal.stop.timeout`: the graceful
   * stop timeout of this container's restarts, with the label it came from.
   */
  readonly stopTimeout: { readonly seconds: number; readonly label: string } | undefined;
  /** Only the settings whose labels are present and valid. */
  readonly settings: Partial<ContainerCheckSettings>;
  /** One line per unusable label; that label is ignored, the rest still apply. */
  readonly issues: readonly string[];
}

type Parser = (value: string) => { ok: true; value: unknown } | { ok: false; expected: string };

const booleanParser: Parser = (value) => {
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalized)) return { ok: true, value: true };
  if (['false', '0', 'no', 'off'].includes(normalized)) return { ok: true, value: false };
  return { ok: false, expected: 'true or false' };
};

const numberParser =
  (expected: string, accept: (value: number) => boolean): Parser =>
  (value) => {
    const number = value.trim() === '' ? Number.NaN : Number(value);
    return Number.isFinite(number) && accept(number) ? { ok: true, value: number } : { ok: false, expected };
  };

/** A threshold label can also switch the check off for this container. */
const optional =
  (parser: Parser): Parser =>
  (value) =>
    ['', 'off', 'none', 'false'].includes(value.trim().toLowerCase())
      ? { ok: true, value: undefined }
      : parser(value);

const positiveInteger = numberParser('a positive integer', (value) => Number.isInteger(value) && value > 0);
const percent = optional(
  numberParser('a percentage above 0 and up to 100, or "off"', (value) => value > 0 && value <= 100),
);

const settingParsers: { readonly [Key in keyof ContainerCheckSettings]: readonly [label: string, Parser] } = {
  checkIntervalSeconds: [
    'check_interval_seconds',
    numberParser('a number of seconds above 0', (value) => value > 0),
  ],
  probeIntervalSeconds: [
    'probe_interval_seconds',
    numberParser('a number of seconds above 0', (value) => value > 0),
  ],
  confirmIntervalSeconds: [
    'confirm_interval_seconds',
    numberParser('a number of seconds above 0', (value) => value > 0),
  ],
  expectedStatus: [
    'expected_status',
    (value) => {
      const result = parseExpectedStatus(value);
      return result.ok
        ? { ok: true, value: result.codes }
        : { ok: false, expected: 'status codes like "200" or "200-399,404"' };
    },
  ],
  failureThreshold: ['failure_threshold', positiveInteger],
  successThreshold: ['success_threshold', positiveInteger],
  startPeriodSeconds: [
    'start_period_seconds',
    numberParser('a number of seconds, 0 or more', (value) => value >= 0),
  ],
  memoryPercentThreshold: ['memory_percent_threshold', percent],
  cpuPercentThreshold: ['cpu_percent_threshold', percent],
  responseTimeMsThreshold: [
    'response_time_ms_threshold',
    optional(numberParser('milliseconds above 0, or "off"', (value) => value > 0)),
  ],
  maxRestartsPerHour: [
    'max_restarts_per_hour',
    numberParser('an integer, 0 or more', (value) => Number.isInteger(value) && value >= 0),
  ],
  autoRestart: ['auto_restart', booleanParser],
  critical: ['critical', booleanParser],
};

/**
 * autoheal's per-container stop timeout label (willfarrell/docker-autoheal), read after ours so
 * containers labelled for autoheal keep their timeout when this agent replaces it.
 */
export const autohealStopTimeoutLabel = 'autoheal.stop.timeout';

const stopTimeoutParser = numberParser('a number of seconds, 0 or more', (value) => value >= 0);

const knownLabelNames = [
  'enable',
  'health_endpoint',
  'depends_on',
  'stop_timeout_seconds',
  // Read by the garbage_collection action (heal/built-in/garbage-collection.ts), not here.
  'gc_command',
  ...Object.values(settingParsers).map(([name]) => name),
];

/**
 * Every `website-monitor.*` label the agent reads, anywhere. A label read elsewhere (an action's
 * own label) must be listed here too, or it is reported as unknown while it is in use; a test
 * scans the sources for label names to keep this list whole.
 */
export const knownLabels: readonly string[] = knownLabelNames.map((name) => `${labelPrefix}${name}`);

/** The label that names a setting, e.g. `checkIntervalSeconds` -> `website-monitor.check_interval_seconds`. */
export function labelFor(setting: keyof ContainerCheckSettings): string {
  return `${labelPrefix}${settingParsers[setting][0]}`;
}

// A label can hold 512 KB: an issue line quotes a bounded part of it, and a name that long gets
// no "did you mean" (an edit distance over it would cost far more than it could help).
const maxQuotedLength = 120;
const maxSuggestedNameLength = 64;
/**
 * The longest value of a label we read that is parsed. Labels are read again at every check, and
 * no setting, URL or dependency list comes near this: a longer one is reported and ignored, never
 * trimmed, split or matched.
 */
export const maxReadLabelChars = 16 * 1024;

/** `key=value` for an issue line, each part cut to a readable length. */
export function quoteLabel(key: string, value: string): string {
  return `${cut(key)}=${cut(value)}`;
}

function cut(text: string): string {
  return text.length <= maxQuotedLength
    ? text
    : `${text.slice(0, maxQuotedLength)}… (${text.length} characters)`;
}

/**
 * Reads the `website-monitor.*` labels of one container. Labels come from whoever started the
 * container, so a bad one is reported and skipped: it must never stop the agent.
 */
export function readContainerLabels({
  containerName,
  labels,
  enableLabel,
}: {
  containerName: string;
  labels: Readonly<Record<string, string>>;
  /** `monitoring.enable_label`: read like `website-monitor.enable`; an opt-out in either wins. */
  enableLabel?: string | undefined;
}): LabelOverrides {
  const issues: string[] = [];
  const problem = (key: string, value: string, expected: string) =>
    issues.push(`container ${containerName}: label ${quoteLabel(key, value)}: expected ${expected}`);
  const readLabel = (key: string): string | undefined => {
    const value = labels[key];
    if (value === undefined || value.length <= maxReadLabelChars) return value;
    issues.push(
      `container ${containerName}: label ${quoteLabel(key, value)}: longer than ${maxReadLabelChars} characters; ignored`,
    );
    return undefined;
  };

  for (const key of Object.keys(labels)) {
    if (!key.startsWith(labelPrefix)) continue;
    const name = key.slice(labelPrefix.length);
    if (knownLabelNames.includes(name)) continue;
    const suggestion = name.length <= maxSuggestedNameLength ? closestName(name, knownLabelNames) : undefined;
    issues.push(
      `container ${containerName}: unknown label ${cut(key)}${suggestion ? ` (did you mean ${labelPrefix}${suggestion}?)` : ''}; ignored`,
    );
  }

  let enable: boolean | undefined;
  const enableNames = [`${labelPrefix}enable`];
  if (enableLabel !== undefined && enableLabel !== enableNames[0]) enableNames.push(enableLabel);
  for (const name of enableNames) {
    const value = readLabel(name);
    if (value === undefined) continue;
    const parsed = booleanParser(value);
    if (!parsed.ok) problem(name, value, parsed.expected);
    else if (enable !== false) enable = parsed.value as boolean;
  }

  let stopTimeout: LabelOverrides['stopTimeout'];
  for (const name of [`${labelPrefix}stop_timeout_seconds`, autohealStopTimeoutLabel]) {
    const value = readLabel(name);
    if (value === undefined) continue;
    const parsed = stopTimeoutParser(value);
    if (!parsed.ok) {
      problem(name, value, parsed.expected);
      continue;
    }
    stopTimeout = { seconds: parsed.value as number, label: name };
    break;
  }

  let healthEndpoint: string | undefined;
  const endpointLabel = readLabel(`${labelPrefix}health_endpoint`);
  if (endpointLabel !== undefined) {
    if (isHttpUrl(endpointLabel.trim())) healthEndpoint = endpointLabel.trim();
    else problem(`${labelPrefix}health_endpoint`, endpointLabel, 'an http:// or https:// URL');
  }

  let dependsOn: string[] | undefined;
  const dependsOnLabel = readLabel(`${labelPrefix}depends_on`);
  if (dependsOnLabel !== undefined) {
    dependsOn = [
      ...new Set(
        dependsOnLabel
          .split(',')
          .map((name) => name.trim().replace(/^\//, ''))
          .filter((name) => name !== ''),
      ),
    ];
    if (dependsOn.includes(containerName)) {
      problem(
        `${labelPrefix}depends_on`,
        dependsOnLabel,
        'other containers (a container cannot depend on itself)',
      );
      dependsOn = dependsOn.filter((name) => name !== containerName);
    }
  }

  const settings: Record<string, unknown> = {};
  for (const [field, [name, parse]] of Object.entries(settingParsers)) {
    const key = `${labelPrefix}${name}`;
    const value = readLabel(key);
    if (value === undefined) continue;
    const parsed = parse(value);
    if (parsed.ok) settings[field] = parsed.value;
    else problem(key, value, parsed.expected);
  }

  return {
    enable,
    healthEndpoint,
    dependsOn,
    stopTimeout,
    settings: settings as Partial<ContainerCheckSettings>,
    issues,
  };
}
