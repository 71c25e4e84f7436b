import {
  defaultMonitorConfig,
  type MonitorConfig,
  type StrategyStep,
  type WebhookConfig,
} from '@website-monitor/core';
import type { AutohealEnvironment } from './autoheal-environment.js';

/** What `run` needs beyond the config to behave as autoheal did. */
export interface AutohealRunConfig {
  readonly config: MonitorConfig;
  /** autoheal's `AUTOHEAL_START_PERIOD`: the agent starts watching after this wait. */
  readonly startDelaySeconds: number;
  /** From `DOCKER_SOCK`, for the Docker adapter (DOCKER_HOST, when set, is read as usual). */
  readonly dockerHost: string | undefined;
  /** One line per decision, `what autoheal did -> what we do`, for stderr and the log. */
  readonly mapped: readonly string[];
}

/**
 * autoheal's environment as a `MonitorConfig`: the same containers (the label, or all), the same
 * action (a restart with the same stop timeouts) on the same trigger (Docker's HEALTHCHECK says
 * unhealthy), and nothing else is changed on the host. What is better is what the agent does
 * anyway: Docker's `health_status` event triggers the restart at once (autoheal polls every
 * `AUTOHEAL_INTERVAL`), each container has a restart budget and backoff (autoheal restarts an
 * always-unhealthy container every interval, for ever), every incident and restart is recorded,
 * and paused or stopped containers are left to the person who paused or stopped them.
 *
 * Other failures (a crash, an OOM kill, high memory) are recorded as incidents but not acted on:
 * autoheal never touched them, and Docker's restart policy is what its users rely on for them.
 */
export function autohealMonitorConfig(environment: AutohealEnvironment): AutohealRunConfig {
  const defaults = defaultMonitorConfig();
  const all = environment.containerLabel === 'all';
  const restart: StrategyStep = {
    action: 'restart_container',
    // Three restarts in a row without the HEALTHCHECK passing: a person is told, and the container
    // is left alone until it recovers (autoheal would restart it every interval, for ever).
    maxAttempts: 3,
    backoffSeconds: undefined,
    thresholdPercent: undefined,
    script: undefined,
    timeoutSeconds: undefined,
  };
  const webhooks: WebhookConfig[] = [];
  if (environment.webhookUrl !== undefined) {
    webhooks.push(webhook('WEBHOOK_URL', environment.webhookUrl, environment.webhookJsonKey));
  }
  if (environment.appriseUrl !== undefined)
    webhooks.push(webhook('APPRISE_URL', environment.appriseUrl, 'body'));

  const config: MonitorConfig = {
    ...defaults,
    monitoring: {
      ...defaults.monitoring,
      // Events trigger every check; this pass only catches what an event stream gap missed.
      intervalSeconds: environment.intervalSeconds,
      discovery: all ? 'all' : 'labelled',
      // With `all`, autoheal still skipped containers labelled autoheal=False.
      enableLabel: all ? 'autoheal' : environment.containerLabel,
      defaults: {
        ...defaults.monitoring.defaults,
        // autoheal judged the HEALTHCHECK alone: no thresholds of our own unless a label asks.
        memoryPercentThreshold: undefined,
        cpuPercentThreshold: undefined,
        responseTimeMsThreshold: undefined,
      },
    },
    healing: {
      ...defaults.healing,
      autoFixActions: ['restart_container'],
      manualApprovalRequired: [],
      strategies: { docker_unhealthy: [restart] },
      stopTimeoutSeconds: environment.defaultStopTimeoutSeconds,
      respectOperatorStops: true,
    },
    notifications: { enabled: true, webhooks },
  };

  const mapped = [
    all
      ? 'AUTOHEAL_CONTAINER_LABEL=all -> every container (discovery: all), except those labelled autoheal=false or website-monitor.enable=false'
      : `AUTOHEAL_CONTAINER_LABEL=${environment.containerLabel} -> containers labelled ${environment.containerLabel}=true (discovery: labelled, enable_label: ${environment.containerLabel})`,
    `Docker HEALTHCHECK unhealthy -> restart_container at the health_status event, not after polling every ${environment.intervalSeconds} s; at most 3 restarts per incident and per hour, 10 s doubling to 5 min apart, then a person is told`,
    `AUTOHEAL_INTERVAL=${environment.intervalSeconds} -> monitoring.interval_seconds: ${environment.intervalSeconds} (the full pass that catches what the event stream missed)`,
    `AUTOHEAL_DEFAULT_STOP_TIMEOUT=${environment.defaultStopTimeoutSeconds} -> healing.stop_timeout_seconds: ${environment.defaultStopTimeoutSeconds}; a container's autoheal.stop.timeout label still wins`,
    ...(environment.startPeriodSeconds > 0
      ? [
          `AUTOHEAL_START_PERIOD=${environment.startPeriodSeconds} -> the first check ${environment.startPeriodSeconds} s after start`,
        ]
      : []),
    environment.onlyMonitorRunning
      ? 'AUTOHEAL_ONLY_MONITOR_RUNNING=true -> paused and stopped containers are left alone'
      : 'paused and stopped containers are left alone (autoheal restarted unhealthy paused ones unless AUTOHEAL_ONLY_MONITOR_RUNNING=true)',
    ...(environment.webhookUrl === undefined
      ? []
      : [
          `WEBHOOK_URL -> a json webhook: our payload plus "${environment.webhookJsonKey}": autoheal's sentence (found to be unhealthy, restarted...)`,
        ]),
    ...(environment.appriseUrl === undefined
      ? []
      : ['APPRISE_URL -> a json webhook: our payload plus "body": the same sentence']),
    ...(environment.dockerHost === undefined
      ? []
      : [`DOCKER_SOCK -> the Docker engine at ${environment.dockerHost}`]),
    ...(environment.curlTimeoutSeconds === undefined
      ? []
      : [
          `CURL_TIMEOUT=${environment.curlTimeoutSeconds} -> the deadline of one Docker API call (the event stream has none)`,
        ]),
    'crashes, OOM kills and exits -> recorded as incidents, not acted on and not sent to the webhook (autoheal never looked at them; Docker restart policies handle them)',
    `incidents and restarts -> recorded in ${defaults.storage.path} (or DATABASE_URL)`,
  ];

  return {
    config,
    startDelaySeconds: environment.startPeriodSeconds,
    dockerHost: environment.dockerHost,
    mapped,
  };
}

function webhook(name: string, url: string, textKey: string): WebhookConfig {
  return {
    name,
    type: 'json',
    url,
    kinds: undefined,
    headers: undefined,
    timeoutMs: undefined,
    retries: undefined,
    // What autoheal told: its HEALTHCHECK restarts. Crashes and exits are recorded, not sent.
    triggers: ['docker_unhealthy'],
    // Our payload's own `message` is already one line for a person.
    ...(textKey === 'message' ? {} : { textKey }),
  };
}
