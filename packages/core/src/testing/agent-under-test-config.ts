import { defaultMonitorConfig } from '../config/default-monitor-config.js';
import type { ContainerConfig, MonitorConfig } from '../config/monitor-config.js';
import { parseMonitorConfig } from '../config/parse-monitor-config.js';

/**
 * Which containers an agent under test may check and heal: only those the test names (its
 * `containers`, and the entries of its config's `monitoring.containers`), or whatever its config's
 * `monitoring.discovery` selects.
 */
export type AgentUnderTestScope = 'named' | 'config';

/** What `agentUnderTestConfig` builds the config from. */
export interface AgentUnderTestConfigOptions {
  /** YAML text (`${VAR}` read from `process.env`), a parsed config, or nothing: the defaults. */
  readonly config: string | MonitorConfig | undefined;
  /** Container names the test watches, added to `monitoring.containers` when not there yet. */
  readonly containers: readonly string[];
  readonly scope: AgentUnderTestScope;
  /** Names of plugin strategies, so that the YAML may use them. */
  readonly knownActions: readonly string[];
}

/**
 * The config an agent under test runs with. Under the `named` scope, `discovery` becomes `listed`:
 * a developer's engine runs other things (their database, other projects, other test runs) that a
 * test must never restart, whatever the config it borrowed says.
 */
export function agentUnderTestConfig(options: AgentUnderTestConfigOptions): MonitorConfig {
  const config =
    typeof options.config === 'string'
      ? parseMonitorConfig({
          text: options.config,
          file: 'agent-under-test config',
          knownActions: options.knownActions,
        })
      : (options.config ?? defaultMonitorConfig());
  const listed = config.monitoring.containers;
  const added = [...new Set(options.containers)]
    .filter((name) => !listed.some((entry) => entry.name === name))
    .map(namedContainer);
  const containers = [...listed, ...added];
  if (options.scope === 'config') {
    return { ...config, monitoring: { ...config.monitoring, containers } };
  }
  if (!containers.some((entry) => !entry.ignore)) {
    throw new Error(
      "startAgentUnderTest: name the containers the agent may watch (containers: ['my-app'], or monitoring.containers in the config), or pass scope: 'config' to let the config's discovery choose",
    );
  }
  return { ...config, monitoring: { ...config.monitoring, discovery: 'listed', containers } };
}

function namedContainer(name: string): ContainerConfig {
  return { name, healthEndpoint: undefined, dependsOn: [], ignore: false };
}
