import { readSwarmTaskLabels, type SwarmTaskLabels, type SwarmTaskRef } from './swarm-task-labels.js';

/**
 * The containers on this engine that are Swarm tasks (or claim to be), by ID and by name, as the
 * list, the event stream and inspections show them. It answers "may the agent act on this
 * container itself?" (never, for these) at every action, so it is kept as containers come and go.
 */
export interface SwarmTaskContainers {
  /**
   * Reads the container's labels and remembers it when it claims to be a Swarm task. Returns
   * what the labels say (`none` for an ordinary container, which is forgotten if it was known).
   */
  note(container: {
    readonly id: string;
    readonly name: string;
    readonly labels: Readonly<Record<string, string>>;
  }): SwarmTaskLabels;
  /** True for a container ID or name that claims to be a Swarm task. */
  isTask(idOrName: string): boolean;
  /** The service and task of a well-formed task container, by container ID or name. */
  taskOf(idOrName: string): SwarmTaskRef | undefined;
  /** The task containers of a service on this engine (IDs). */
  containersOf(serviceId: string): readonly string[];
  forget(id: string): void;
  /** Every known task container ID. */
  ids(): readonly string[];
}

interface KnownTask {
  readonly id: string;
  readonly name: string;
  /** Undefined for a container whose Swarm labels are malformed. */
  readonly task: SwarmTaskRef | undefined;
}

export function createSwarmTaskContainers(): SwarmTaskContainers {
  const byId = new Map<string, KnownTask>();
  const idByName = new Map<string, string>();

  const known = (idOrName: string): KnownTask | undefined => {
    const direct = byId.get(idOrName);
    if (direct !== undefined) return direct;
    const id = idByName.get(idOrName);
    return id === undefined ? undefined : byId.get(id);
  };

  const forget = (id: string): void => {
    const entry = byId.get(id);
    if (entry === undefined) return;
    byId.delete(id);
    if (idByName.get(entry.name) === id) idByName.delete(entry.name);
  };

  return {
    note(container) {
      const read = readSwarmTaskLabels(container.labels);
      if (read.kind === 'none') {
        forget(container.id);
        return read;
      }
      const previous = byId.get(container.id);
      if (previous !== undefined && previous.name !== container.name) forget(container.id);
      byId.set(container.id, {
        id: container.id,
        name: container.name,
        task: read.kind === 'task' ? read.task : undefined,
      });
      idByName.set(container.name, container.id);
      return read;
    },
    isTask(idOrName) {
      return known(idOrName) !== undefined;
    },
    taskOf(idOrName) {
      return known(idOrName)?.task;
    },
    containersOf(serviceId) {
      const ids: string[] = [];
      for (const entry of byId.values()) if (entry.task?.serviceId === serviceId) ids.push(entry.id);
      return ids;
    },
    forget,
    ids() {
      return [...byId.keys()];
    },
  };
}
