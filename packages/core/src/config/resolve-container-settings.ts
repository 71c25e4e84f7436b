import { readContainerLabels } from './container-labels.js';
import type {
  ContainerCheckSettings,
  ContainerConfig,
  ContainerSettings,
  MonitorConfig,
} from './monitor-config.js';

export interface ResolveContainerSettingsOptions {
  readonly config: MonitorConfig;
  /** A container as the runtime lists it; a leading "/" in the name is ignored. */
  readonly container: { readonly name: string; readonly labels: Readonly<Record<string, string>> };
}

export interface ResolvedContainerSettings {
  /** Null when this container is not monitored (opted out, or not selected by `discovery`). */
  readonly settings: ContainerSettings | null;
  /** Unusable labels, one readable line each; they were ignored and the defaults used. */
  readonly issues: readonly string[];
}

/**
 * The settings one container is checked and healed with: `monitoring.defaults`, then its
 * `monitoring.containers` entry, then its `website-monitor.*` labels; the later one wins, so the
 * people who deploy a container can tune it without editing the agent's file. Opting out wins
 * wherever it is said (`ignore: true` or `website-monitor.enable=false`).
 */
export function resolveContainerSettings({
  config,
  container,
}: ResolveContainerSettingsOptions): ResolvedContainerSettings {
  const name = container.name.replace(/^\//, '');
  const entry = config.monitoring.containers.find((candidate) => candidate.name === name);
  const labels = readContainerLabels({ containerName: name, labels: container.labels });

  if (entry?.ignore === true || labels.enable === false) return { settings: null, issues: labels.issues };
  const selected =
    config.monitoring.discovery === 'all' ||
    entry !== undefined ||
    (config.monitoring.discovery === 'labelled' && labels.enable === true);
  if (!selected) return { settings: null, issues: labels.issues };

  return {
    settings: {
      ...config.monitoring.defaults,
      ...(entry ? entryOverrides(entry) : {}),
      ...labels.settings,
      name,
      healthEndpoint: labels.healthEndpoint ?? entry?.healthEndpoint,
      dependsOn: labels.dependsOn ?? entry?.dependsOn ?? [],
    },
    issues: labels.issues,
  };
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
