import type { ContainerNetwork, ContainerState, PublishedPort } from '../domain/container.js';
import { labelFor, labelPrefix, quoteLabel, readContainerLabels } from './container-labels.js';
import { guardLabelEndpoint } from './label-endpoint-guard.js';
import type {
  ContainerCheckSettings,
  ContainerConfig,
  ContainerSettings,
  HealthEndpointGuard,
  MonitorConfig,
} from './monitor-config.js';

/** The config, and the container (as the engine lists or inspects it) to resolve settings for. */
export interface ResolveContainerSettingsOptions {
  readonly config: MonitorConfig;
  /**
   * A container as the runtime lists or inspects it; a leading "/" in the name is ignored. Its
   * state, ports and networks decide where a `health_endpoint` label may point: without them (a
   * bare list entry) a label endpoint can only be a loopback port it publishes, which it has none of.
   */
  readonly container: {
    readonly name: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly state?: ContainerState;
    readonly ports?: readonly PublishedPort[];
    readonly networks?: readonly ContainerNetwork[];
  };
}

/** One container's settings, and what was wrong with its labels. */
export interface ResolvedContainerSettings {
  /** Null when this container is not monitored (opted out, or not selected by `discovery`). */
  readonly settings: ContainerSettings | null;
  /** Unusable labels, one readable line each; they were ignored and the defaults used. */
  readonly issues: readonly string[];
}

// A label cannot make the agent probe or read a container more often than this, unless the
// operator's own config already does.
const minimumLabelIntervalSeconds = 1;

const intervalSettings = ['checkIntervalSeconds', 'probeIntervalSeconds', 'confirmIntervalSeconds'] as const;

/**
 * The settings one container is checked and healed with: `monitoring.defaults`, then its
 * `monitoring.containers` entry, then its `website-monitor.*` labels; the later one wins, so the
 * people who deploy a container can tune it without editing the agent's file. Opting out wins
 * wherever it is said (`ignore: true` or `website-monitor.enable=false`).
 *
 * Labels are written by whoever starts a container, the operator's file is not, so a label is
 * held to what the file allows: an interval no shorter than 1 s (or the file's own, when that is
 * shorter), a restart budget no larger than the file's, and a `health_endpoint` only at the
 * container itself (`guardLabelEndpoint`) unless `monitoring.trust_labels` is on. What a label
 * asked for beyond that is clamped or refused, and said once in `issues`.
 *
 * @example
 * ```ts
 * import { loadMonitorConfigFile, resolveContainerSettings } from '@website-monitor/core';
 *
 * const config = await loadMonitorConfigFile({ path: 'config.yaml' });
 * const { settings, issues } = resolveContainerSettings({
 *   config,
 *   container: { name: 'web', labels: { 'website-monitor.check_interval_seconds': '5' } },
 * });
 * console.log(settings?.checkIntervalSeconds, issues);
 * ```
 */
export function resolveContainerSettings({
  config,
  container,
}: ResolveContainerSettingsOptions): ResolvedContainerSettings {
  const name = container.name.replace(/^\//, '');
  const entry = config.monitoring.containers.find((candidate) => candidate.name === name);
  const labels = readContainerLabels({
    containerName: name,
    labels: container.labels,
    enableLabel: config.monitoring.enableLabel,
  });
  const issues = [...labels.issues];

  if (entry?.ignore === true || labels.enable === false) return { settings: null, issues };
  const selected =
    config.monitoring.discovery === 'all' ||
    entry !== undefined ||
    (config.monitoring.discovery === 'labelled' && labels.enable === true);
  if (!selected) return { settings: null, issues };

  const configured: ContainerCheckSettings = {
    ...config.monitoring.defaults,
    ...(entry ? entryOverrides(entry) : {}),
  };
  const fromLabels = clampLabelSettings({
    containerName: name,
    configured,
    requested: labels.settings,
    issues,
  });
  const endpoint = labelEndpoint({
    config,
    container: { ...container, name },
    entry,
    label: labels.healthEndpoint,
    issues,
  });

  return {
    settings: {
      ...configured,
      ...fromLabels,
      name,
      healthEndpoint: endpoint.url,
      ...(endpoint.guard ? { healthEndpointGuard: endpoint.guard } : {}),
      dependsOn: labels.dependsOn ?? entry?.dependsOn ?? [],
      stopTimeoutSeconds: stopTimeout({
        config,
        containerName: name,
        entry,
        label: labels.stopTimeout,
        issues,
      }),
    },
    issues,
  };
}

/**
 * A restart waits this long for a clean stop and holds one of `max_concurrent_restarts` slots
 * meanwhile, so a label (written by whoever starts the container) cannot ask for more than this,
 * or than the file's own timeout when that is longer.
 */
export const maximumLabelStopTimeoutSeconds = 300;

function stopTimeout({
  config,
  containerName,
  entry,
  label,
  issues,
}: {
  config: MonitorConfig;
  containerName: string;
  entry: ContainerConfig | undefined;
  label: { readonly seconds: number; readonly label: string } | undefined;
  issues: string[];
}): number {
  const configured = entry?.stopTimeoutSeconds ?? config.healing.stopTimeoutSeconds;
  if (label === undefined) return configured;
  const ceiling = Math.max(maximumLabelStopTimeoutSeconds, configured);
  if (label.seconds <= ceiling) return label.seconds;
  issues.push(
    `container ${containerName}: label ${quoteLabel(label.label, String(label.seconds))}: a label cannot ask for more than ${ceiling} s; ${ceiling} s used`,
  );
  return ceiling;
}

function clampLabelSettings({
  containerName,
  configured,
  requested,
  issues,
}: {
  containerName: string;
  configured: ContainerCheckSettings;
  requested: Partial<ContainerCheckSettings>;
  issues: string[];
}): Partial<ContainerCheckSettings> {
  const settings: Record<string, unknown> = { ...requested };
  for (const key of intervalSettings) {
    const value = requested[key];
    const floor = Math.min(minimumLabelIntervalSeconds, configured[key]);
    if (value === undefined || value >= floor) continue;
    settings[key] = floor;
    issues.push(
      `container ${containerName}: label ${quoteLabel(labelFor(key), String(value))}: a label cannot go below ${floor} s; ${floor} s used`,
    );
  }
  const budget = requested.maxRestartsPerHour;
  if (budget !== undefined && budget > configured.maxRestartsPerHour) {
    settings.maxRestartsPerHour = configured.maxRestartsPerHour;
    issues.push(
      `container ${containerName}: label ${quoteLabel(labelFor('maxRestartsPerHour'), String(budget))}: a label cannot raise the configured budget of ${configured.maxRestartsPerHour} restarts per hour; ${configured.maxRestartsPerHour} used`,
    );
  }
  return settings as Partial<ContainerCheckSettings>;
}

function labelEndpoint({
  config,
  container,
  entry,
  label,
  issues,
}: {
  config: MonitorConfig;
  container: ResolveContainerSettingsOptions['container'];
  entry: ContainerConfig | undefined;
  label: string | undefined;
  issues: string[];
}): { readonly url: string | undefined; readonly guard?: HealthEndpointGuard } {
  // The operator's file is trusted: its endpoint goes wherever it says.
  if (label === undefined) return { url: entry?.healthEndpoint };
  if (config.monitoring.trustLabels) return { url: label };
  const verdict = guardLabelEndpoint({ url: label, container });
  if (verdict.ok) return { url: label, guard: { url: label, addresses: verdict.addresses } };
  const fallback = entry?.healthEndpoint;
  issues.push(
    `container ${container.name}: label ${quoteLabel(`${labelPrefix}health_endpoint`, label)}: refused, ${verdict.reason} (a label may only point at the container itself unless monitoring.trust_labels is true); ${fallback === undefined ? 'no endpoint is probed' : 'the configured endpoint is probed instead'}`,
  );
  return { url: fallback };
}

const checkSettingKeys = [
  'checkIntervalSeconds',
  'probeIntervalSeconds',
  'confirmIntervalSeconds',
  'expectedStatus',
  'failureThreshold',
  'successThreshold',
  'startPeriodSeconds',
  'memoryPercentThreshold',
  'cpuPercentThreshold',
  'responseTimeMsThreshold',
  'maxRestartsPerHour',
  'autoRestart',
  'critical',
] as const satisfies readonly (keyof ContainerCheckSettings)[];

/** A key present with value undefined switches a default threshold off; an absent key inherits. */
function entryOverrides(entry: ContainerConfig): Partial<ContainerCheckSettings> {
  const overrides: Record<string, unknown> = {};
  for (const key of checkSettingKeys) if (Object.hasOwn(entry, key)) overrides[key] = entry[key];
  return overrides as Partial<ContainerCheckSettings>;
}
