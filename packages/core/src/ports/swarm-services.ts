// Docker Swarm services and tasks in our own words: nothing here is a dockerode or Engine API type.

/** How Swarm runs a service (`Spec.Mode`). Jobs run to completion; the others run for ever. */
export type SwarmServiceMode = 'replicated' | 'global' | 'replicated-job' | 'global-job' | 'unknown';

/**
 * Where the service's last update or rollback stands (`UpdateStatus.State`). `paused`: Swarm
 * stopped an update whose new tasks failed (`update_config.failure_action: pause`, the default).
 */
export type SwarmUpdateState =
  | 'updating'
  | 'paused'
  | 'completed'
  | 'rollback_started'
  | 'rollback_paused'
  | 'rollback_completed';

/** The service's last update or rollback, as Swarm reports it. Times are ms since the epoch. */
export interface SwarmUpdateStatus {
  readonly state: SwarmUpdateState;
  readonly startedAt: number | null;
  readonly completedAt: number | null;
  /** Swarm's own sentence: `update paused due to failure or early termination of task ...`. */
  readonly message: string;
}

/** One Swarm service (`docker service inspect`), with what the agent decides on. */
export interface SwarmService {
  readonly id: string;
  readonly name: string;
  /** `Version.Index`: every change of the service raises it; an update must name the one it read. */
  readonly version: number;
  readonly createdAt: number | null;
  readonly updatedAt: number | null;
  readonly mode: SwarmServiceMode;
  /** Replicated services only: the replicas a person asked for (0 when scaled to zero). */
  readonly replicas: number | null;
  /** The image of the current spec (`TaskTemplate.ContainerSpec.Image`). */
  readonly image: string;
  /** The image of the spec before the last update; null when there is no previous spec. */
  readonly previousImage: string | null;
  /** A previous spec exists, so `rollbackService` has something to go back to. */
  readonly hasPreviousSpec: boolean;
  /**
   * The parts of the spec the last update changed (Docker's field names, never their values,
   * which hold environment secrets): `ContainerSpec.Image`, `ContainerSpec.Env`, `Mode`...
   */
  readonly changedByLastUpdate: readonly string[];
  /** `TaskTemplate.ForceUpdate`: raised by `docker service update --force`. */
  readonly forceUpdate: number;
  /** Null when the service was never updated. */
  readonly updateStatus: SwarmUpdateStatus | null;
  /** The service's labels (`deploy.labels`), bounded like a container's. */
  readonly labels: Readonly<Record<string, string>>;
}

/** A task's state (`Status.State` and `DesiredState`), in Swarm's words. */
export type SwarmTaskState =
  | 'new'
  | 'allocated'
  | 'pending'
  | 'assigned'
  | 'accepted'
  | 'preparing'
  | 'ready'
  | 'starting'
  | 'running'
  | 'complete'
  | 'shutdown'
  | 'failed'
  | 'rejected'
  | 'remove'
  | 'orphaned'
  | 'unknown';

/** One task of a service (`docker service ps`): one attempt at running one replica. */
export interface SwarmTask {
  readonly id: string;
  readonly serviceId: string;
  /** Replicated services: the replica's slot (1, 2...); null for global services. */
  readonly slot: number | null;
  readonly nodeId: string;
  readonly createdAt: number | null;
  readonly state: SwarmTaskState;
  readonly desiredState: SwarmTaskState;
  /** When the task reached its state (`Status.Timestamp`). */
  readonly stateAt: number | null;
  /** Swarm's sentence for the state: `started`, `preparing`... */
  readonly message: string;
  /** Why it failed: `task: non-zero exit (3)`, `No such image: ...`; '' when it did not. */
  readonly error: string;
  /** The task's container (on the node that ran it); null before one was created. */
  readonly containerId: string | null;
  readonly exitCode: number | null;
  /** The image the task was created from. */
  readonly image: string;
}

/**
 * What the agent needs from a Swarm manager: a service, its tasks, and the two changes it may
 * make, both through Swarm itself (the agent never restarts a task's container). Implementation:
 * `createDockerSwarmServices` in `@website-monitor/docker-adapter`; `FakeSwarmServices` in
 * `@website-monitor/core/testing`. Failures are `ContainerRuntimeError`s (`not_found` for a
 * service that is gone; a worker node, which cannot answer, fails every call).
 *
 * Each change names the `version` it was decided on: when the service changed since (a person's
 * update, another agent's rollback), it is refused with `conflict` instead of undoing that change.
 */
export interface SwarmServices {
  inspectService(options: { readonly id: string; readonly signal?: AbortSignal }): Promise<SwarmService>;
  /** Every task Swarm still keeps for the service (its task history included), in no order. */
  listTasks(options: {
    readonly serviceId: string;
    readonly signal?: AbortSignal;
  }): Promise<readonly SwarmTask[]>;
  /** `docker service rollback`: Swarm puts the previous spec back, with the rollback config. */
  rollbackService(options: { readonly id: string; readonly version: number }): Promise<void>;
  /** `docker service update --force`: Swarm replaces every task with the same spec. */
  forceUpdateService(options: { readonly id: string; readonly version: number }): Promise<void>;
}
