import { MonitorError } from '@website-monitor/core';

/**
 * What willfarrell/docker-autoheal reads from its environment (its `docker-entrypoint`), checked.
 * autoheal applies its defaults with `${VAR:-default}`, so a variable set to "" means the default
 * here too.
 */
export interface AutohealEnvironment {
  /** `AUTOHEAL_CONTAINER_LABEL`: a label whose value `true` selects a container, or `all`. */
  readonly containerLabel: string;
  /** `AUTOHEAL_INTERVAL`: autoheal's polling period. */
  readonly intervalSeconds: number;
  /** `AUTOHEAL_START_PERIOD`: autoheal waits this long before its first check. */
  readonly startPeriodSeconds: number;
  /** `AUTOHEAL_DEFAULT_STOP_TIMEOUT`: `restart?t=` unless `autoheal.stop.timeout` says otherwise. */
  readonly defaultStopTimeoutSeconds: number;
  /** `AUTOHEAL_ONLY_MONITOR_RUNNING`: false (autoheal's default) also restarted paused containers. */
  readonly onlyMonitorRunning: boolean;
  /** `WEBHOOK_URL`: autoheal POSTs `{"<WEBHOOK_JSON_KEY>": "Container ... restarted ..."}` to it. */
  readonly webhookUrl: string | undefined;
  /** `WEBHOOK_JSON_KEY` (default `text`). */
  readonly webhookJsonKey: string;
  /** `APPRISE_URL`: autoheal POSTs `{"title": "Autoheal", "body": "..."}` to it. */
  readonly appriseUrl: string | undefined;
  /**
   * The Docker engine as a DOCKER_HOST-style address, from `DOCKER_SOCK` (a socket path or
   * `tcp://`); undefined when DOCKER_SOCK is unset or DOCKER_HOST is set (which then wins).
   */
  readonly dockerHost: string | undefined;
  /** `CURL_TIMEOUT`: autoheal's deadline of one Docker API call (curl --max-time). */
  readonly curlTimeoutSeconds: number | undefined;
  /** The variables that were set, in the order above, as `NAME=value` (URLs shown by origin only). */
  readonly given: readonly string[];
}

/** autoheal's defaults, from its README and entrypoint. */
export const autohealDefaults = {
  containerLabel: 'autoheal',
  intervalSeconds: 5,
  startPeriodSeconds: 0,
  defaultStopTimeoutSeconds: 10,
  onlyMonitorRunning: false,
  webhookJsonKey: 'text',
} as const;

type Env = Readonly<Record<string, string | undefined>>;

/** True when any `AUTOHEAL_*` variable is set to something: the person runs us as autoheal. */
export function hasAutohealEnvironment(env: Env): boolean {
  return Object.entries(env).some(([name, value]) => name.startsWith('AUTOHEAL_') && value?.trim());
}

/** A Docker label name: what autoheal puts in `label=NAME=true`. */
const labelNamePattern = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/;
/** `5`, `2.5`, `30s`, `1m`: busybox `sleep` (autoheal's) takes these too. */
const durationPattern = /^(\d{1,9}(?:\.\d{1,6})?)([smhd]?)$/;
/** Our JSON payload's own keys (`message` is left out: it is already one line for a person). */
const payloadKeys = [
  'kind',
  'critical',
  'incident',
  'approval',
  'host',
  'sent_at',
  'agent_alert',
  'at',
  'details',
];
const jsonKeyPattern = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const unitSeconds: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3_600, d: 86_400 };
/** A value is quoted in an error at most this long (it comes from the environment, not a person's eye). */
const maxQuoted = 80;

/**
 * Reads autoheal's variables from `env`. Every bad value is reported at once, one line each
 * naming the variable, in one `usage` error (exit 2): `AUTOHEAL_INTERVAL: expected a number of
 * seconds above 0 (5, 2.5, 30s, 1m), got "soon"`.
 */
export function readAutohealEnvironment(env: Env): AutohealEnvironment {
  const problems: string[] = [];
  const given: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    if (!value) return undefined;
    given.push(`${name}=${isSecretUrl(name) ? originOf(value) : quote(value)}`);
    return value;
  };
  const problem = (name: string, expected: string, value: string) =>
    problems.push(`${name}: expected ${expected}, got "${quote(value)}"`);

  const label = read('AUTOHEAL_CONTAINER_LABEL') ?? autohealDefaults.containerLabel;
  if (!labelNamePattern.test(label)) {
    problem(
      'AUTOHEAL_CONTAINER_LABEL',
      'a label name such as autoheal (its value must be true), or all',
      label,
    );
  }

  const duration = (name: string, fallback: number, minimum: 'above 0' | '0 or more'): number => {
    const value = read(name);
    if (value === undefined) return fallback;
    const match = durationPattern.exec(value);
    const seconds = match ? Number(match[1]) * (unitSeconds[match[2] ?? ''] ?? 1) : Number.NaN;
    const ok =
      Number.isFinite(seconds) && (minimum === 'above 0' ? seconds > 0 : seconds >= 0) && seconds <= 86_400;
    if (ok) return seconds;
    problem(name, `a number of seconds ${minimum}, at most a day (5, 2.5, 30s, 1m)`, value);
    return fallback;
  };
  const intervalSeconds = duration('AUTOHEAL_INTERVAL', autohealDefaults.intervalSeconds, 'above 0');
  const startPeriodSeconds = duration(
    'AUTOHEAL_START_PERIOD',
    autohealDefaults.startPeriodSeconds,
    '0 or more',
  );

  let defaultStopTimeoutSeconds: number = autohealDefaults.defaultStopTimeoutSeconds;
  const stopTimeout = read('AUTOHEAL_DEFAULT_STOP_TIMEOUT');
  if (stopTimeout !== undefined) {
    // Docker's `restart?t=` takes whole seconds.
    if (/^\d{1,4}$/.test(stopTimeout)) defaultStopTimeoutSeconds = Number(stopTimeout);
    else problem('AUTOHEAL_DEFAULT_STOP_TIMEOUT', 'whole seconds, 0 to 9999', stopTimeout);
  }

  let onlyMonitorRunning: boolean = autohealDefaults.onlyMonitorRunning;
  const onlyRunning = read('AUTOHEAL_ONLY_MONITOR_RUNNING');
  if (onlyRunning !== undefined) {
    const parsed = parseBoolean(onlyRunning);
    if (parsed === undefined) problem('AUTOHEAL_ONLY_MONITOR_RUNNING', 'true or false', onlyRunning);
    else onlyMonitorRunning = parsed;
  }

  const url = (name: string): string | undefined => {
    const value = read(name);
    if (value === undefined) return undefined;
    if (isHttpUrl(value)) return value;
    problems.push(`${name}: expected an http:// or https:// URL, got "${quote(originOf(value))}"`);
    return undefined;
  };
  const webhookUrl = url('WEBHOOK_URL');
  const webhookJsonKey = read('WEBHOOK_JSON_KEY') ?? autohealDefaults.webhookJsonKey;
  if (!jsonKeyPattern.test(webhookJsonKey)) {
    problem('WEBHOOK_JSON_KEY', 'a JSON key such as text or content', webhookJsonKey);
  } else if (payloadKeys.includes(webhookJsonKey)) {
    problem(
      'WEBHOOK_JSON_KEY',
      `a key our payload does not use itself (not ${payloadKeys.join(', ')})`,
      webhookJsonKey,
    );
  }
  const appriseUrl = url('APPRISE_URL');

  const script = read('POST_RESTART_SCRIPT');
  if (script !== undefined) {
    problems.push(
      'POST_RESTART_SCRIPT: not supported; a webhook (WEBHOOK_URL) tells a receiver of every restart, or write a config file with a custom_script step (docs/migrating.md)',
    );
  }

  let dockerHost: string | undefined;
  const socket = read('DOCKER_SOCK');
  if (socket !== undefined && !env.DOCKER_HOST?.trim()) {
    if (socket.startsWith('tcps://')) {
      problems.push(
        `DOCKER_SOCK: tcps:// (autoheal's TLS with /certs/client-cert.pem) is not read; set DOCKER_HOST=tcp://HOST:2376, DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to a folder with ca.pem, cert.pem and key.pem`,
      );
    } else if (socket.startsWith('tcp://') || socket.startsWith('unix://')) {
      dockerHost = socket;
    } else if (socket.startsWith('/')) {
      dockerHost = `unix://${socket}`;
    } else {
      problem('DOCKER_SOCK', 'a socket path such as /var/run/docker.sock, or tcp://HOST:PORT', socket);
    }
  }

  let curlTimeoutSeconds: number | undefined;
  const curlTimeout = read('CURL_TIMEOUT');
  if (curlTimeout !== undefined) {
    const seconds = Number(curlTimeout);
    if (/^\d{1,6}(?:\.\d{1,3})?$/.test(curlTimeout) && seconds > 0) curlTimeoutSeconds = seconds;
    else problem('CURL_TIMEOUT', 'a number of seconds above 0', curlTimeout);
  }

  if (problems.length > 0) {
    throw new MonitorError(
      'usage',
      `autoheal's environment has ${problems.length === 1 ? 'a bad value' : `${problems.length} bad values`}:\n  ${problems.join('\n  ')}`,
    );
  }
  return {
    containerLabel: label,
    intervalSeconds,
    startPeriodSeconds,
    defaultStopTimeoutSeconds,
    onlyMonitorRunning,
    webhookUrl,
    webhookJsonKey,
    appriseUrl,
    dockerHost,
    curlTimeoutSeconds,
    given,
  };
}

function parseBoolean(value: string): boolean | undefined {
  const normalized = value.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalized)) return true;
  if (['false', '0', 'no', 'off'].includes(normalized)) return false;
  return undefined;
}

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
}

/** A webhook URL is a secret (Slack's path is the token): only its origin is ever shown. */
function isSecretUrl(name: string): boolean {
  return name === 'WEBHOOK_URL' || name === 'APPRISE_URL';
}

function originOf(value: string): string {
  return URL.canParse(value) && new URL(value).origin !== 'null'
    ? `${new URL(value).origin}/…`
    : '(not a URL)';
}

/** Control characters escaped and cut, so a value cannot break the one line it is quoted in. */
function quote(value: string): string {
  let escaped = '';
  for (const char of value.slice(0, maxQuoted + 1)) {
    const code = char.charCodeAt(0);
    escaped += code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : char;
  }
  return value.length <= maxQuoted ? escaped : `${escaped.slice(0, maxQuoted)}…`;
}
