import type { ContainerDetails } from '../domain/container.js';
import { buildDependencyGraph, type DependencyGraph } from '../policy/dependency-graph.js';
import { type ContainerWatch, createContainerWatch } from './container-watch.js';

/**
 * The containers the agent has seen, by ID, each with its `ContainerWatch`. The only place a
 * watch is created or dropped; the dependency graph is built from what is here.
 */
export interface ContainerRegistry {
  /** The watch of this container, created on first sight. */
  watchFor(id: string, name: string): ContainerWatch;
  get(id: string): ContainerWatch | undefined;
  findByName(name: string): ContainerWatch | undefined;
  watches(): IterableIterator<ContainerWatch>;
  ids(): string[];
  /** Drops the watch; returns it, or undefined when there was none. */
  remove(id: string): ContainerWatch | undefined;
  readonly size: number;
  /** Dependencies between the containers seen so far (inspected at least once). */
  dependencyGraph(): DependencyGraph;
}

export function createContainerRegistry(): ContainerRegistry {
  const byId = new Map<string, ContainerWatch>();
  // Names change only when a container is renamed (`watch.name` is set from each inspect): a hit
  // is checked against the watch itself, a miss searches.
  const byName = new Map<string, ContainerWatch>();
  // What the dependency graph was last built from, per container (see `dependencyGraph`).
  const graphInputs = new Map<string, GraphInputs>();
  let graph: DependencyGraph | undefined;
  return {
    watchFor(id, name) {
      let watch = byId.get(id);
      if (!watch) {
        watch = createContainerWatch(id, name);
        byId.set(id, watch);
      }
      return watch;
    },
    get(id) {
      return byId.get(id);
    },
    findByName(name) {
      const known = byName.get(name);
      if (known !== undefined && known.name === name && byId.get(known.id) === known) return known;
      // A miss, a rename or a removal: the first watch of the name, as a linear search finds it
      // (a recreated container's old watch is dropped at its `destroy`). No index is rebuilt: a
      // name nobody watches (an absent dependency) is looked up on every crash.
      for (const watch of byId.values()) {
        if (watch.name === name) {
          byName.set(name, watch);
          return watch;
        }
      }
      byName.delete(name);
      return undefined;
    },
    watches() {
      return byId.values();
    },
    ids() {
      return [...byId.keys()];
    },
    remove(id) {
      const watch = byId.get(id);
      byId.delete(id);
      if (watch !== undefined && byName.get(watch.name) === watch) byName.delete(watch.name);
      if (graphInputs.delete(id)) graph = undefined;
      return watch;
    },
    get size() {
      return byId.size;
    },
    dependencyGraph() {
      // Asked several times per crash (diagnosis, healing order, dependents, the step's wait), and
      // each crash brings fresh details: rebuilt every time, the graph of 400 containers crashing
      // one by one was the agent's largest CPU cost (18 % of its busy time, profiled). Rebuilt
      // only when a watch came or went, or what the graph reads of one changed: its name,
      // settings' depends_on and the labels and networks of its details. Checking that is one
      // comparison of references per container; what they hold is compared only for a watch
      // whose settings or details were replaced since (a string signature per container per call
      // was still 3 % of a 1,000-container agent's time, profiled).
      let changed = graph === undefined;
      for (const watch of byId.values()) {
        const last = graphInputs.get(watch.id);
        if (
          last !== undefined &&
          last.name === watch.name &&
          last.settings === watch.settings &&
          last.details === watch.details
        )
          continue;
        const next: GraphInputs = {
          name: watch.name,
          settings: watch.settings,
          details: watch.details,
          // Settings are resolved afresh at each inspect: their depends_on is compared, not the object.
          dependsOn: watch.settings?.dependsOn.join('\n'),
          signature: graphSignature(watch.details),
        };
        if (
          last === undefined ||
          last.name !== next.name ||
          last.dependsOn !== next.dependsOn ||
          last.signature !== next.signature
        )
          changed = true;
        graphInputs.set(watch.id, next);
      }
      if (!changed && graph !== undefined) return graph;
      graph = buildDependencyGraph({
        containers: [...byId.values()].flatMap((watch) =>
          watch.details
            ? [
                {
                  id: watch.id,
                  name: watch.name,
                  dependsOn: watch.settings?.dependsOn ?? [],
                  labels: watch.details.labels,
                  networkMode: watch.details.networkMode,
                  // What the container's network names decides between containers with the same Compose labels.
                  ...(watch.details.networks === undefined ? {} : { networks: watch.details.networks }),
                  ...(watch.details.links === undefined ? {} : { links: watch.details.links }),
                },
              ]
            : [],
        ),
      });
      return graph;
    },
  };
}

/** What the dependency graph read of one watch when it was last built. */
interface GraphInputs {
  readonly name: string;
  readonly settings: ContainerWatch['settings'];
  readonly details: ContainerDetails | undefined;
  readonly dependsOn: string | undefined;
  readonly signature: string | undefined;
}

/** What the graph reads of a container's details, as one string, computed once per details object. */
const graphSignatures = new WeakMap<ContainerDetails, string>();

function graphSignature(details: ContainerDetails | undefined): string | undefined {
  if (details === undefined) return undefined;
  let signature = graphSignatures.get(details);
  if (signature === undefined) {
    // Network names, IDs and aliases, not addresses: a container that stops loses its IP, and the
    // graph does not read it (see namesCandidate).
    const networks = details.networks?.map((network) => [network.name, network.networkId, network.aliases]);
    signature = JSON.stringify([
      details.labels,
      details.networkMode,
      networks ?? null,
      details.links ?? null,
    ]);
    graphSignatures.set(details, signature);
  }
  return signature;
}
