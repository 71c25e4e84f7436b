/** Labels Docker Compose puts on every container it creates. */
export const composeLabels = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  /** `db:service_healthy:true,cache:service_started:false`; older Compose wrote just `db,cache`. */
  dependsOn: 'com.docker.compose.depends_on',
} as const;

type Labels = Readonly<Record<string, string>>;

/**
 * The Compose services this container's service depends on, read from the
 * `com.docker.compose.depends_on` label (`service:condition:restart`, comma separated).
 */
export function dependenciesFromLabels(labels: Labels): readonly string[] {
  const value = labels[composeLabels.dependsOn];
  if (!value) return [];
  const services = value
    .split(',')
    .map((entry) => entry.split(':')[0]?.trim() ?? '')
    .filter((service) => service !== '');
  return [...new Set(services)];
}

export interface ComposeContainer {
  readonly name: string;
  readonly labels: Labels;
}

/**
 * Names of the containers `container` depends on through Compose: every container of each
 * dependency service in the same Compose project (all replicas). Containers of other projects
 * with the same service name are never matched.
 */
export function composeDependencyContainerNames({
  container,
  containers,
}: {
  container: ComposeContainer;
  containers: readonly ComposeContainer[];
}): readonly string[] {
  const project = container.labels[composeLabels.project];
  const services = dependenciesFromLabels(container.labels);
  if (project === undefined || services.length === 0) return [];
  return containers
    .filter(
      (candidate) =>
        candidate.labels[composeLabels.project] === project &&
        services.includes(candidate.labels[composeLabels.service] ?? '') &&
        candidate.name !== container.name,
    )
    .map((candidate) => candidate.name.replace(/^\//, ''));
}
