import type { ContainerNetwork } from '../domain/container.js';

/** Labels Docker Compose puts on every container it creates. */
export const composeLabels = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  /** `db:service_healthy:true,cache:service_started:false`; older Compose wrote just `db,cache`. */
  dependsOn: 'com.docker.compose.depends_on',
  /** The directory `docker compose` ran in: two checkouts of one project name differ here. */
  workingDir: 'com.docker.compose.project.working_dir',
  /** The Compose files the project was started from, comma separated. */
  configFiles: 'com.docker.compose.project.config_files',
  /** `True` on `docker compose run` containers: they carry their service's label but are not the service. */
  oneOff: 'com.docker.compose.oneoff',
} as const;

type Labels = Readonly<Record<string, string>>;

/**
 * The Compose services this container's service depends on, read from the
 * `com.docker.compose.depends_on` label (`service:condition:restart`, comma separated).
 */
export function dependenciesFromLabels(labels: Labels): readonly string[] {
  const value = labels[composeLabels.dependsOn];
  if (!value) return [];
  // A label can hold 512 KB and the graph is rebuilt often: only so many services are read, and
  // only from the start of the label (a real stack names a handful).
  const services = new Set<string>();
  for (const entry of value.slice(0, maxDependsOnLength).split(',')) {
    const service = entry.split(':', 1)[0]?.trim() ?? '';
    if (service !== '') services.add(service);
    if (services.size === maxDependencies) break;
  }
  return [...services];
}

const maxDependsOnLength = 16 * 1024;
const maxDependencies = 64;

export interface ComposeContainer {
  readonly name: string;
  readonly id?: string;
  readonly labels: Labels;
  /** `container:<id-or-name>` names the container whose network namespace this one joins. */
  readonly networkMode?: string;
  /** Absent when not known; then no network names a candidate. */
  readonly networks?: readonly ContainerNetwork[];
  /** Legacy links: the names of the containers this one links to. */
  readonly links?: readonly string[];
}

// Networks every container can be on: sharing one says nothing about who talks to whom, and
// Docker's default bridge has no name resolution anyway.
const sharedByEveryone = new Set(['bridge', 'host', 'none', 'default']);

// A short ID prefix could match a container's name-like hex by accident; Docker prints 12.
const minimumIdPrefixLength = 12;

/**
 * The containers of Compose service `service` that `container` depends on.
 *
 * Labels are whatever the person who started a container wrote, so a project and service label
 * alone prove nothing: a stranger labelled `project=P, service=db` must not become the db of P's
 * app (it could hold the app's healing in "wait for dependency"). A candidate therefore has to
 * - be of the same project, from the same working directory and the same Compose files (the
 *   labels Compose writes on every container of one `docker compose up`);
 * - not be a one-off (`docker compose run`) container.
 * Of those, the ones the app can actually reach by that service's name win: the container whose
 * network namespace it joins (`network_mode: container:X`), a container it links to, or one that
 * answers to the service's name on a user-defined network the app is on. Only when none is named
 * that way (no network facts, host networking) do all remaining candidates count, every replica
 * of a scaled service among them.
 */
export function composeServiceContainers<Container extends ComposeContainer>({
  container,
  service,
  containers,
}: {
  container: ComposeContainer;
  service: string;
  containers: readonly Container[];
}): Container[] {
  const project = container.labels[composeLabels.project];
  if (project === undefined) return [];
  const candidates = containers.filter(
    (candidate) =>
      candidate.name !== container.name &&
      candidate.labels[composeLabels.service] === service &&
      candidate.labels[composeLabels.project] === project &&
      candidate.labels[composeLabels.workingDir] === container.labels[composeLabels.workingDir] &&
      candidate.labels[composeLabels.configFiles] === container.labels[composeLabels.configFiles] &&
      !isOneOff(candidate.labels),
  );
  if (candidates.length <= 1) return candidates;
  const named = candidates.filter((candidate) => namesCandidate(container, candidate, service));
  return named.length > 0 ? named : candidates;
}

/**
 * Names of the containers `container` depends on through Compose's `depends_on` label, with
 * `composeServiceContainers`' matching (same project, working directory and files; the ones its
 * network names first).
 */
export function composeDependencyContainerNames({
  container,
  containers,
}: {
  container: ComposeContainer;
  containers: readonly ComposeContainer[];
}): readonly string[] {
  const self = { ...container, name: stripSlash(container.name) };
  const all = containers.map((candidate) => ({ ...candidate, name: stripSlash(candidate.name) }));
  return dependenciesFromLabels(container.labels).flatMap((service) =>
    composeServiceContainers({ container: self, service, containers: all }).map((found) => found.name),
  );
}

function isOneOff(labels: Labels): boolean {
  return labels[composeLabels.oneOff]?.toLowerCase() === 'true';
}

function namesCandidate(container: ComposeContainer, candidate: ComposeContainer, service: string): boolean {
  const networkParent = container.networkMode?.startsWith('container:')
    ? container.networkMode.slice('container:'.length)
    : undefined;
  if (networkParent !== undefined && refersTo(networkParent, candidate)) return true;
  if (container.links?.some((link) => stripSlash(link) === candidate.name)) return true;
  for (const network of container.networks ?? []) {
    if (sharedByEveryone.has(network.name)) continue;
    const reachable = candidate.networks?.some(
      (theirs) =>
        (theirs.networkId !== '' && network.networkId !== ''
          ? theirs.networkId === network.networkId
          : theirs.name === network.name) && theirs.aliases.includes(service),
    );
    if (reachable) return true;
  }
  return false;
}

function refersTo(reference: string, candidate: ComposeContainer): boolean {
  const trimmed = stripSlash(reference);
  if (trimmed === candidate.name) return true;
  if (candidate.id === undefined) return false;
  return (
    trimmed === candidate.id || (trimmed.length >= minimumIdPrefixLength && candidate.id.startsWith(trimmed))
  );
}

function stripSlash(name: string): string {
  return name.startsWith('/') ? name.slice(1) : name;
}
