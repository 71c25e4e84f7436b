import {
  composeLabels,
  composeServiceContainers,
  dependenciesFromLabels,
} from '../config/compose-dependencies.js';
import type { ContainerNetwork } from '../domain/container.js';

/**
 * Which containers depend on which, from three sources:
 * - `dependsOn` names from the config (a container name, a Compose service of the same project,
 *   or a container ID);
 * - Compose's `com.docker.compose.depends_on` label, which Compose v2 writes as comma-separated
 *   `service:condition:restart` entries (`db:service_healthy:false,cache:service_started:false`),
 *   resolved to the containers of that service in the same Compose project, working directory
 *   and files, preferring the ones the container's network actually names
 *   (`composeServiceContainers`): a stranger with the right labels is not a dependency;
 * - `networkMode` `container:<id-or-name>`: the container lives in another's network namespace.
 *
 * Everything is by container name. Cycles (possible with hand-written labels) never hang a walk:
 * every walk keeps a visited set, and `cycles` reports them.
 */
export interface DependencyGraphContainer {
  readonly name: string;
  readonly id: string;
  readonly dependsOn: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  /** `default`, `bridge`, `host`, `none`, `container:<id-or-name>` or a network name. */
  readonly networkMode: string;
  /** Its networks and the names it answers to there; absent when not known. */
  readonly networks?: readonly ContainerNetwork[];
  /** Legacy links: the names of the containers it links to. */
  readonly links?: readonly string[];
}

export type DependencySource = 'depends_on' | 'compose_label' | 'network_mode';

/** `from` needs `to`: heal `to` first. */
export interface DependencyEdge {
  readonly from: string;
  readonly to: string;
  readonly source: DependencySource;
}

/** A reference that named no known container (a stopped-and-removed service, a typo). */
export interface UnresolvedDependency {
  readonly from: string;
  readonly reference: string;
  readonly source: DependencySource;
}

export interface DependencyGraph {
  readonly edges: readonly DependencyEdge[];
  readonly unresolved: readonly UnresolvedDependency[];
  /** Each cycle's members, in the order the containers were given. A self-dependency is a cycle of one. */
  readonly cycles: readonly (readonly string[])[];
  directDependenciesOf(name: string): readonly string[];
  directDependentsOf(name: string): readonly string[];
  /** Everything `name` needs, transitively; each entry comes after its own dependencies (deepest first). */
  dependenciesOf(name: string): readonly string[];
  /** Everything that needs `name`, transitively, in the order to restart them after `name` is healed. */
  dependentsOf(name: string): readonly string[];
  /** `names` sorted so dependencies come before their dependents; ties keep the given order. */
  healingOrder(names: readonly string[]): readonly string[];
  /**
   * The container whose network namespace `name` joins (`network_mode: container:...`). When that
   * one is recreated with a new ID, `name` must be recreated, not restarted: the agent notes it.
   */
  sharesNetworkWith(name: string): string | undefined;
  /** The containers that join `name`'s network namespace. */
  networkJoinersOf(name: string): readonly string[];
}

// A short ID prefix could match a container's name-like hex by accident; Docker prints 12.
const minimumIdPrefixLength = 12;

export function buildDependencyGraph(input: {
  readonly containers: readonly DependencyGraphContainer[];
}): DependencyGraph {
  const containers = input.containers;
  const byName = new Map(containers.map((container) => [container.name, container]));
  const position = new Map(containers.map((container, index) => [container.name, index]));

  const byReference = (reference: string): DependencyGraphContainer | undefined => {
    const trimmed = reference.replace(/^\//, '');
    const named = byName.get(trimmed);
    if (named) return named;
    const exactId = containers.find((container) => container.id === trimmed);
    if (exactId) return exactId;
    if (trimmed.length < minimumIdPrefixLength) return undefined;
    const prefixed = containers.filter((container) => container.id.startsWith(trimmed));
    return prefixed.length === 1 ? prefixed[0] : undefined;
  };

  const serviceContainers = (container: DependencyGraphContainer, service: string) =>
    composeServiceContainers({ container, service, containers });

  const edges: DependencyEdge[] = [];
  const unresolved: UnresolvedDependency[] = [];
  const edgeKeys = new Set<string>();
  const addEdge = (from: string, to: string, source: DependencySource) => {
    const key = `${from}\u0000${to}\u0000${source}`;
    if (edgeKeys.has(key)) return;
    edgeKeys.add(key);
    edges.push({ from, to, source });
  };

  for (const container of containers) {
    for (const reference of container.dependsOn) {
      const direct = byReference(reference);
      const targets = direct ? [direct] : serviceContainers(container, reference);
      if (targets.length === 0) unresolved.push({ from: container.name, reference, source: 'depends_on' });
      for (const target of targets) addEdge(container.name, target.name, 'depends_on');
    }

    // Compose writes depends_on only beside a project label; without one it names nothing.
    const composeServices =
      container.labels[composeLabels.project] === undefined ? [] : dependenciesFromLabels(container.labels);
    for (const service of composeServices) {
      const targets = serviceContainers(container, service);
      if (targets.length === 0) {
        unresolved.push({ from: container.name, reference: service, source: 'compose_label' });
      }
      for (const target of targets) addEdge(container.name, target.name, 'compose_label');
    }

    const networkParent = parseNetworkParent(container.networkMode);
    if (networkParent !== undefined) {
      const target =
        networkParent.kind === 'container'
          ? byReference(networkParent.reference)
          : serviceContainers(container, networkParent.reference)[0];
      if (target) addEdge(container.name, target.name, 'network_mode');
      else
        unresolved.push({ from: container.name, reference: container.networkMode, source: 'network_mode' });
    }
  }

  const dependenciesByName = new Map<string, string[]>();
  const dependentsByName = new Map<string, string[]>();
  const networkParentByName = new Map<string, string>();
  const networkJoinersByName = new Map<string, string[]>();
  const pushUnique = (map: Map<string, string[]>, key: string, value: string) => {
    const list = map.get(key) ?? [];
    if (!list.includes(value)) list.push(value);
    map.set(key, list);
  };
  for (const edge of edges) {
    pushUnique(dependenciesByName, edge.from, edge.to);
    pushUnique(dependentsByName, edge.to, edge.from);
    if (edge.source === 'network_mode') {
      networkParentByName.set(edge.from, edge.to);
      pushUnique(networkJoinersByName, edge.to, edge.from);
    }
  }

  const directDependenciesOf = (name: string) => dependenciesByName.get(name) ?? [];

  // Post-order walk: a node is emitted after everything it depends on. `visited` makes it
  // cycle-safe: a node already on the path is not entered again.
  const walkDependencies = (start: string, visited: Set<string>, emit: (name: string) => void) => {
    if (visited.has(start)) return;
    visited.add(start);
    for (const dependency of directDependenciesOf(start)) walkDependencies(dependency, visited, emit);
    emit(start);
  };

  const healingOrder = (names: readonly string[]): string[] => {
    const wanted = new Set(names);
    const ordered: string[] = [];
    // A set beside the list: the restart queue orders every watched container (hundreds) with it.
    const placed = new Set<string>();
    const visited = new Set<string>();
    for (const name of names) {
      walkDependencies(name, visited, (emitted) => {
        if (!wanted.has(emitted) || placed.has(emitted)) return;
        placed.add(emitted);
        ordered.push(emitted);
      });
    }
    return ordered;
  };

  const cycles = findCycles(
    containers.map((container) => container.name),
    directDependenciesOf,
  ).map((members) => [...members].sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0)));

  return {
    edges,
    unresolved,
    cycles,
    directDependenciesOf,
    directDependentsOf: (name) => dependentsByName.get(name) ?? [],
    dependenciesOf(name) {
      const ordered: string[] = [];
      walkDependencies(name, new Set(), (emitted) => {
        if (emitted !== name) ordered.push(emitted);
      });
      return ordered;
    },
    dependentsOf(name) {
      const found = new Set<string>();
      const pending = [...(dependentsByName.get(name) ?? [])];
      while (pending.length > 0) {
        const next = pending.shift()!;
        if (next === name || found.has(next)) continue;
        found.add(next);
        pending.push(...(dependentsByName.get(next) ?? []));
      }
      return healingOrder([...found].sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0)));
    },
    healingOrder,
    sharesNetworkWith: (name) => networkParentByName.get(name),
    networkJoinersOf: (name) => networkJoinersByName.get(name) ?? [],
  };
}

function parseNetworkParent(
  networkMode: string,
): { readonly kind: 'container' | 'service'; readonly reference: string } | undefined {
  // `service:<name>` is Compose file syntax; Docker itself stores `container:<id>`, but accept both.
  for (const kind of ['container', 'service'] as const) {
    const prefix = `${kind}:`;
    if (networkMode.startsWith(prefix) && networkMode.length > prefix.length) {
      return { kind, reference: networkMode.slice(prefix.length) };
    }
  }
  return undefined;
}

/** Tarjan's strongly connected components, iterative so a long chain cannot overflow the stack. */
function findCycles(names: readonly string[], next: (name: string) => readonly string[]): string[][] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;

  for (const root of names) {
    if (index.has(root)) continue;
    const work: { name: string; childIndex: number }[] = [{ name: root, childIndex: 0 }];
    index.set(root, counter);
    lowLink.set(root, counter);
    counter++;
    stack.push(root);
    onStack.add(root);

    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const children = next(frame.name);
      if (frame.childIndex < children.length) {
        const child = children[frame.childIndex++]!;
        if (!index.has(child)) {
          index.set(child, counter);
          lowLink.set(child, counter);
          counter++;
          stack.push(child);
          onStack.add(child);
          work.push({ name: child, childIndex: 0 });
        } else if (onStack.has(child)) {
          lowLink.set(frame.name, Math.min(lowLink.get(frame.name)!, index.get(child)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) lowLink.set(parent.name, Math.min(lowLink.get(parent.name)!, lowLink.get(frame.name)!));
      if (lowLink.get(frame.name) === index.get(frame.name)) {
        const component: string[] = [];
        let member: string | undefined;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.name);
        const selfLoop = component.length === 1 && next(frame.name).includes(frame.name);
        if (component.length > 1 || selfLoop) cycles.push(component);
      }
    }
  }
  return cycles;
}
