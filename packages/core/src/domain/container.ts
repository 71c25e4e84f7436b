// Container facts in our own words: nothing here is a dockerode type.

/** Docker's container state (`docker inspect .State.Status`). */
export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

/** Docker HEALTHCHECK status; `none` when the image defines no HEALTHCHECK. */
export type DockerHealthStatus = 'none' | 'starting' | 'healthy' | 'unhealthy';

/** A container as the engine lists it (`docker ps -a`). */
export interface ContainerSummary {
  readonly id: string;
  /** Without Docker's leading slash. */
  readonly name: string;
  readonly image: string;
  readonly state: ContainerState;
  readonly labels: Readonly<Record<string, string>>;
}

/** One run of the image's Docker HEALTHCHECK, as the engine keeps it. */
export interface HealthCheckRun {
  readonly exitCode: number;
  readonly output: string;
  readonly startedAt: string;
  readonly endedAt: string;
}

/** A container port published on the host (`-p hostIp:hostPort:containerPort/protocol`). */
export interface PublishedPort {
  readonly containerPort: number;
  readonly protocol: 'tcp' | 'udp' | 'sctp';
  readonly hostIp: string;
  readonly hostPort: number;
}

/** One network a container is attached to (inspect `NetworkSettings.Networks`). */
export interface ContainerNetwork {
  /** The network's name: `bridge`, `shop_default`. */
  readonly name: string;
  readonly networkId: string;
  /** IPv4 address on this network; '' when it has none. */
  readonly ipAddress: string;
  /** Global IPv6 address on this network; '' when it has none. */
  readonly ipv6Address: string;
  /**
   * The names other containers on this network reach it by: `Aliases` and (API 1.45 and later)
   * `DNSNames`. Anyone can claim any alias, so a name here proves nothing on its own.
   */
  readonly aliases: readonly string[];
}

/** Docker's restart policy of a container (`--restart`). */
export interface RestartPolicy {
  /** `no`, `always`, `unless-stopped`, `on-failure`. */
  readonly name: string;
  readonly maximumRetryCount: number;
}

/** Everything the agent reads from one inspect of a container (`docker inspect`). */
export interface ContainerDetails extends ContainerSummary {
  readonly imageId: string;
  readonly exitCode: number | null;
  readonly oomKilled: boolean;
  /** Docker's own count of restarts by its restart policy. */
  readonly restartCount: number;
  /** ISO time, or null when never started. */
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly error: string;
  readonly health: {
    readonly status: DockerHealthStatus;
    readonly failingStreak: number;
    readonly log: readonly HealthCheckRun[];
  };
  readonly restartPolicy: RestartPolicy;
  /** `default`, `bridge`, `host`, `none`, `container:<id-or-name>` or a network name. */
  readonly networkMode: string;
  readonly ports: readonly PublishedPort[];
  /**
   * The networks it is attached to, with its addresses there. Absent when not known (a fixture
   * built by hand): then no address counts as the container's own.
   */
  readonly networks?: readonly ContainerNetwork[];
  /** Legacy links (`--link`, Compose `links:`): the names of the containers it links to. */
  readonly links?: readonly string[];
  /** `KEY=value` strings; kept so their values can be redacted before anything leaves the host. */
  readonly env: readonly string[];
}

/**
 * One raw reading of `GET /containers/{id}/stats?stream=false&one-shot=true`. The CPU figure needs
 * two readings (one-shot leaves `precpu_stats` empty), so the core keeps the previous one.
 */
export interface ContainerStatsSample {
  readonly readAt: number;
  readonly cpu: {
    /** Nanoseconds of CPU used by the container since it started. */
    readonly totalUsage: number;
    /** Nanoseconds of CPU used by the host; absent on some platforms. */
    readonly systemUsage: number | undefined;
    readonly onlineCpus: number;
  };
  readonly memory: {
    readonly usage: number;
    readonly limit: number;
    /** cgroup v2 `inactive_file`. */
    readonly inactiveFile: number | undefined;
    /** cgroup v1 `total_inactive_file`. */
    readonly totalInactiveFile: number | undefined;
  };
}

/** The engine events the agent reacts to. */
export type ContainerEventAction =
  | 'create'
  | 'start'
  | 'restart'
  | 'die'
  | 'oom'
  | 'kill'
  | 'stop'
  | 'pause'
  | 'unpause'
  | 'destroy'
  | 'health_status';

/** One container event from the engine's event stream (`docker events`). */
export interface ContainerEvent {
  readonly action: ContainerEventAction;
  readonly containerId: string;
  readonly containerName: string;
  /** Milliseconds since the epoch (from the event's timeNano). */
  readonly time: number;
  /** Nanoseconds since the epoch, as the daemon sent it, for `since` replay. */
  readonly timeNano: bigint;
  readonly exitCode?: number;
  readonly signal?: number;
  readonly healthStatus?: Exclude<DockerHealthStatus, 'none'>;
  readonly image?: string;
  readonly labels: Readonly<Record<string, string>>;
}
