import { ContainerRuntimeError } from '../errors/monitor-error.js';
import type { Clock } from '../ports/clock.js';
import type {
  SwarmService,
  SwarmServiceMode,
  SwarmServices,
  SwarmTask,
  SwarmUpdateState,
} from '../ports/swarm-services.js';
import { swarmLabels } from '../swarm/swarm-task-labels.js';
import type { FakeContainerRuntime } from './fake-container-runtime.js';
import { answer, type Responder } from './responder.js';

/** A service to add to a `FakeSwarmServices`: only the name is required (replicated, 1 replica). */
export interface FakeServiceInit {
  readonly name: string;
  readonly id?: string;
  readonly mode?: SwarmServiceMode;
  readonly replicas?: number;
  readonly image?: string;
  readonly labels?: Record<string, string>;
}

/** The `SwarmServices` methods whose answers `respond` can change and whose calls `callsOf` lists. */
export type FakeSwarmMethod = 'inspectService' | 'listTasks' | 'rollbackService' | 'forceUpdateService';

/** One recorded call: which method, its argument object, and the fake clock's time. */
export interface FakeSwarmCall {
  readonly method: FakeSwarmMethod;
  readonly args: unknown;
  readonly at: number;
}

interface FakeSpec {
  readonly image: string;
  readonly replicas: number | null;
  readonly forceUpdate: number;
  readonly changed: readonly string[];
}

interface FakeService {
  readonly id: string;
  name: string;
  mode: SwarmServiceMode;
  version: number;
  readonly createdAt: number;
  updatedAt: number;
  spec: FakeSpec;
  previous: FakeSpec | null;
  update: SwarmService['updateStatus'];
  labels: Record<string, string>;
  nextSlot: number;
}

interface FakeTask {
  readonly id: string;
  readonly serviceId: string;
  readonly slot: number | null;
  readonly createdAt: number;
  state: SwarmTask['state'];
  desiredState: SwarmTask['desiredState'];
  stateAt: number;
  message: string;
  error: string;
  readonly containerName: string;
  readonly containerId: string | null;
  exitCode: number | null;
  readonly image: string;
}

/**
 * An in-memory Swarm manager for the agent's service watcher: services with a spec, a previous
 * spec and an update status; tasks that run and fail; a rollback and a forced update that behave
 * as Swarm's do (the version must match, a rollback swaps the specs and starts `rollback_started`).
 * Linked to a `FakeContainerRuntime`, each task also has its container there, labelled as Swarm
 * labels task containers, and a failing task's container dies with its logs. Every call is
 * recorded; `respond(method, ...)` overrides an answer (a value, a list or a function).
 *
 * Swarm's own moves are the test's to make: `updateService`, `setUpdateState`, `startTask`,
 * `failTask`, `scale`, `removeService`.
 *
 * @example
 * ```ts
 * import { FakeClock, FakeContainerRuntime, FakeSwarmServices } from '@website-monitor/core/testing';
 *
 * const clock = new FakeClock();
 * const runtime = new FakeContainerRuntime({ clock });
 * const swarm = new FakeSwarmServices({ clock, runtime });
 * swarm.addService({ name: 'web', image: 'web:1' });
 * swarm.startTask('web');
 * const agent = new WebsiteMonitorAgent({ config, runtime, swarmServices: swarm, clock });
 * await agent.start();
 * swarm.updateService('web', { image: 'web:2' });
 * swarm.setUpdateState('web', 'paused');
 * for (let failure = 0; failure < 3; failure++) {
 *   swarm.failTask('web', { exitCode: 1, logs: ['Error: missing /etc/web.conf'] });
 *   swarm.startTask('web');
 *   await clock.advance(6_000);
 * }
 * expect(swarm.callsOf('rollbackService')).toHaveLength(1);
 * expect(runtime.callsOf('restart')).toHaveLength(0);
 * ```
 */
export class FakeSwarmServices implements SwarmServices {
  readonly calls: FakeSwarmCall[] = [];
  readonly #clock: Clock;
  readonly #runtime: FakeContainerRuntime | undefined;
  readonly #services = new Map<string, FakeService>();
  readonly #tasks: FakeTask[] = [];
  readonly #responders = new Map<FakeSwarmMethod, Responder<unknown, unknown>>();
  readonly #callCounts = new Map<FakeSwarmMethod, number>();
  #nextId = 1;

  constructor(options: { readonly clock: Clock; readonly runtime?: FakeContainerRuntime }) {
    this.#clock = options.clock;
    this.#runtime = options.runtime;
  }

  // ---- scenario controls -------------------------------------------------------------------

  addService(init: FakeServiceInit): string {
    const id = init.id ?? this.#newId('svc');
    const now = this.#clock.now();
    const mode = init.mode ?? 'replicated';
    this.#services.set(id, {
      id,
      name: init.name,
      mode,
      version: 10,
      createdAt: now,
      updatedAt: now,
      spec: {
        image: init.image ?? 'example/app:1',
        replicas: mode === 'replicated' || mode === 'replicated-job' ? (init.replicas ?? 1) : null,
        forceUpdate: 0,
        changed: [],
      },
      previous: null,
      update: null,
      labels: { ...(init.labels ?? {}) },
      nextSlot: 1,
    });
    return id;
  }

  /**
   * `docker service update`: the spec changes (a new image, or the fields named in `changed`), the
   * old one becomes the previous spec, and Swarm's update starts (`updating`), stopping the running
   * tasks first (its default `stop-first` order); start the new ones with `startTask`.
   */
  updateService(
    name: string,
    change: { readonly image?: string; readonly changed?: readonly string[] } = {},
  ): void {
    const service = this.#byName(name);
    const now = this.#clock.now();
    this.#shutDownRunning(service);
    const image = change.image ?? service.spec.image;
    service.previous = service.spec;
    service.spec = {
      ...service.spec,
      image,
      changed: change.changed ?? (image === service.previous.image ? [] : ['ContainerSpec.Image']),
    };
    service.version += 1;
    service.updatedAt = now;
    service.update = { state: 'updating', startedAt: now, completedAt: null, message: 'update in progress' };
  }

  /** Swarm's update or rollback moves on (`paused` when new tasks fail, `completed`, `rollback_completed`...). */
  setUpdateState(name: string, state: SwarmUpdateState, message?: string): void {
    const service = this.#byName(name);
    const now = this.#clock.now();
    const startedAt = service.update?.startedAt ?? now;
    const done = state === 'completed' || state === 'rollback_completed';
    service.update = {
      state,
      startedAt,
      completedAt: done ? now : null,
      message: message ?? defaultUpdateMessage[state],
    };
    service.version += 1;
  }

  /** `docker service scale`: a person's choice of replicas (0 leaves the service idle). */
  scale(name: string, replicas: number): void {
    const service = this.#byName(name);
    service.spec = { ...service.spec, replicas };
    service.version += 1;
    service.updatedAt = this.#clock.now();
  }

  /** A task starts running (a new replica, or Swarm's replacement of a failed one). */
  startTask(
    name: string,
    options: { readonly logs?: readonly string[] } = {},
  ): {
    readonly taskId: string;
    readonly containerName: string;
    readonly containerId: string | null;
  } {
    const service = this.#byName(name);
    const now = this.#clock.now();
    const taskId = this.#newId('task');
    const slot = service.mode === 'replicated' ? this.#freeSlot(service) : null;
    const containerName = `${service.name}.${slot ?? 'global'}.${taskId}`;
    const containerId =
      this.#runtime?.addContainer({
        name: containerName,
        image: service.spec.image,
        labels: {
          [swarmLabels.serviceId]: service.id,
          [swarmLabels.serviceName]: service.name,
          [swarmLabels.taskId]: taskId,
          [swarmLabels.taskName]: containerName,
          [swarmLabels.task]: '',
          [swarmLabels.nodeId]: 'node000000000000000000001',
        },
        ...(options.logs === undefined ? {} : { logs: options.logs }),
      }) ?? null;
    this.#tasks.push({
      id: taskId,
      serviceId: service.id,
      slot,
      createdAt: now,
      state: 'running',
      desiredState: 'running',
      stateAt: now,
      message: 'started',
      error: '',
      containerName,
      containerId,
      exitCode: null,
      image: service.spec.image,
    });
    return { taskId, containerName, containerId };
  }

  /**
   * The service's newest running task fails: Swarm marks it failed (`task: non-zero exit (N)`)
   * and its container, on a linked runtime, dies after writing `logs`.
   */
  failTask(
    name: string,
    options: { readonly exitCode?: number; readonly error?: string; readonly logs?: readonly string[] } = {},
  ): { readonly taskId: string; readonly containerId: string | null } {
    const service = this.#byName(name);
    const task = [...this.#tasks]
      .reverse()
      .find((candidate) => candidate.serviceId === service.id && candidate.state === 'running');
    if (task === undefined) throw new Error(`FakeSwarmServices: ${name} has no running task to fail`);
    const exitCode = options.exitCode ?? 1;
    task.state = 'failed';
    task.desiredState = 'shutdown';
    task.stateAt = this.#clock.now();
    task.exitCode = exitCode;
    task.error = options.error ?? `task: non-zero exit (${exitCode})`;
    if (this.#runtime !== undefined && task.containerId !== null) {
      this.#runtime.crash(task.containerName, {
        exitCode,
        ...(options.logs === undefined ? {} : { logs: options.logs }),
      });
    }
    return { taskId: task.id, containerId: task.containerId };
  }

  /** `docker service rm`: the service and its tasks are gone (containers on a linked runtime too). */
  removeService(name: string): void {
    const service = this.#byName(name);
    this.#services.delete(service.id);
    for (const task of this.#tasks.filter((candidate) => candidate.serviceId === service.id)) {
      if (this.#runtime !== undefined && task.containerId !== null)
        this.#runtime.removeContainer(task.containerName);
    }
    this.#tasks.splice(
      0,
      this.#tasks.length,
      ...this.#tasks.filter((candidate) => candidate.serviceId !== service.id),
    );
  }

  /** The service as `inspectService` answers it now. */
  service(name: string): SwarmService {
    return this.#snapshot(this.#byName(name));
  }

  idOf(name: string): string {
    return this.#byName(name).id;
  }

  /** Overrides one method's answer. */
  respond(method: FakeSwarmMethod, responder: Responder<never, unknown>): void {
    this.#responders.set(method, responder as Responder<unknown, unknown>);
    this.#callCounts.set(method, 0);
  }

  /** Recorded calls of one method, in order. */
  callsOf(method: FakeSwarmMethod): FakeSwarmCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  // ---- SwarmServices -----------------------------------------------------------------------

  async inspectService(options: {
    readonly id: string;
    readonly signal?: AbortSignal;
  }): Promise<SwarmService> {
    return this.#call('inspectService', { id: options.id }, async () =>
      this.#snapshot(this.#find(options.id)),
    );
  }

  async listTasks(options: {
    readonly serviceId: string;
    readonly signal?: AbortSignal;
  }): Promise<readonly SwarmTask[]> {
    return this.#call('listTasks', { serviceId: options.serviceId }, async () => {
      const service = this.#find(options.serviceId);
      return this.#tasks
        .filter((task) => task.serviceId === service.id)
        .map((task) => ({
          id: task.id,
          serviceId: task.serviceId,
          slot: task.slot,
          nodeId: 'node000000000000000000001',
          createdAt: task.createdAt,
          state: task.state,
          desiredState: task.desiredState,
          stateAt: task.stateAt,
          message: task.message,
          error: task.error,
          containerId: task.containerId,
          exitCode: task.exitCode,
          image: task.image,
        }));
    });
  }

  async rollbackService(options: { readonly id: string; readonly version: number }): Promise<void> {
    return this.#call('rollbackService', options, async () => {
      const service = this.#current(options);
      if (service.previous === null) {
        throw new ContainerRuntimeError(
          'api',
          `rollbackService "${service.name}": service does not have a previous spec`,
          {
            isRetryable: false,
          },
        );
      }
      const now = this.#clock.now();
      this.#shutDownRunning(service);
      const current = service.spec;
      service.spec = service.previous;
      service.previous = current;
      service.version += 1;
      service.updatedAt = now;
      service.update = {
        state: 'rollback_started',
        startedAt: now,
        completedAt: null,
        message: 'manually requested rollback',
      };
    });
  }

  async forceUpdateService(options: { readonly id: string; readonly version: number }): Promise<void> {
    return this.#call('forceUpdateService', options, async () => {
      const service = this.#current(options);
      const now = this.#clock.now();
      this.#shutDownRunning(service);
      service.previous = service.spec;
      service.spec = {
        ...service.spec,
        forceUpdate: service.spec.forceUpdate + 1,
        changed: ['TaskTemplate.ForceUpdate'],
      };
      service.version += 1;
      service.updatedAt = now;
      service.update = {
        state: 'updating',
        startedAt: now,
        completedAt: null,
        message: 'update in progress',
      };
    });
  }

  // ---- internals ---------------------------------------------------------------------------

  /** Swarm stops a task it replaces: its container gets `docker stop`'s events. */
  #shutDownRunning(service: FakeService): void {
    for (const task of this.#tasks) {
      if (task.serviceId !== service.id || task.state !== 'running') continue;
      task.state = 'shutdown';
      task.desiredState = 'shutdown';
      task.stateAt = this.#clock.now();
      task.message = 'shutdown';
      if (this.#runtime !== undefined && task.containerId !== null)
        this.#runtime.operatorStop(task.containerName);
    }
  }

  async #call<T>(method: FakeSwarmMethod, args: unknown, simulate: () => Promise<T>): Promise<T> {
    this.calls.push({ method, args, at: this.#clock.now() });
    const responder = this.#responders.get(method);
    if (responder !== undefined) {
      const index = this.#callCounts.get(method) ?? 0;
      this.#callCounts.set(method, index + 1);
      return answer(responder, args, index) as Promise<T>;
    }
    return simulate();
  }

  /** The service a change names, refused as Swarm refuses it when it changed since it was read. */
  #current(options: { readonly id: string; readonly version: number }): FakeService {
    const service = this.#find(options.id);
    if (service.version !== options.version) {
      throw new ContainerRuntimeError(
        'conflict',
        `update of "${service.name}" refused: update out of sequence (version ${options.version}, now ${service.version})`,
        { isRetryable: false },
      );
    }
    return service;
  }

  #find(idOrName: string): FakeService {
    const byId = this.#services.get(idOrName);
    if (byId !== undefined) return byId;
    for (const service of this.#services.values()) if (service.name === idOrName) return service;
    throw new ContainerRuntimeError('not_found', `service ${idOrName} not found`);
  }

  #byName(name: string): FakeService {
    return this.#find(name);
  }

  #freeSlot(service: FakeService): number {
    const taken = new Set(
      this.#tasks
        .filter((task) => task.serviceId === service.id && task.state === 'running' && task.slot !== null)
        .map((task) => task.slot),
    );
    // A replacement takes the slot of the task it replaces: the lowest one not running.
    for (let slot = 1; ; slot++) if (!taken.has(slot)) return slot;
  }

  #newId(prefix: string): string {
    return `${prefix}${String(this.#nextId++).padStart(25 - prefix.length, '0')}`;
  }

  #snapshot(service: FakeService): SwarmService {
    return {
      id: service.id,
      name: service.name,
      version: service.version,
      createdAt: service.createdAt,
      updatedAt: service.updatedAt,
      mode: service.mode,
      replicas: service.spec.replicas,
      image: service.spec.image,
      previousImage: service.previous?.image ?? null,
      hasPreviousSpec: service.previous !== null,
      changedByLastUpdate: service.spec.changed,
      forceUpdate: service.spec.forceUpdate,
      updateStatus: service.update,
      labels: { ...service.labels },
    };
  }
}

const defaultUpdateMessage: Readonly<Record<SwarmUpdateState, string>> = {
  updating: 'update in progress',
  paused: 'update paused due to failure or early termination of task',
  completed: 'update completed',
  rollback_started: 'rollback in progress',
  rollback_paused: 'rollback paused due to failure or early termination of task',
  rollback_completed: 'rollback completed',
};
