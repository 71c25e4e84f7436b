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
  let graphCache: { readonly inputs: readonly unknown[]; readonly graph: DependencyGraph } | undefined;
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
      for (const watch of byId.values()) if (watch.name === name) return watch;
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
      // settings' depends_on and the labels and networks of its details.
      const inputs: unknown[] = [];
      for (const watch of byId.values()) {
        // Settings are resolved afresh at each inspect: their depends_on is compared, not the object.
        inputs.push(
          watch.id,
          watch.name,
          watch.settings?.dependsOn.join('\n'),
          graphSignature(watch.details),
        );
      }
      if (graphCache !== undefined && sameReferences(graphCache.inputs, inputs)) return graphCache.graph;
      const graph = buildDependencyGraph({
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
      graphCache = { inputs, graph };
      return graph;
    },
  };
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

function sameReferences(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}
