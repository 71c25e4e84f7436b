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
      return buildDependencyGraph({
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
    },
  };
}
