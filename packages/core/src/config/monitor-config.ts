import type { ActionName, ServiceActionName } from '../domain/action.js';
import type { FailureCause } from '../domain/failure-cause.js';
import type { ProblemKind } from '../domain/health.js';

/**
 * The validated, defaulted configuration in camelCase. The YAML (snake_case, the seed's keys)
 * is parsed into this by `parseMonitorConfig`; per-container settings are then resolved from
 * this plus the container's `website-monitor.*` labels by `resolveContainerSettings`.
 */
export interface MonitorConfig {
  readonly monitoring: MonitoringConfig;
  readonly healing: HealingConfig;
  readonly claude: ClaudeConfig;
  readonly storage: StorageConfig;
  readonly notifications: NotificationsConfig;
  readonly api: ApiConfig;
  /** How this agent runs beside others on its engine; undefined in configs built before it existed. */
  readonly agent?: AgentConfig;
  /**
   * `host:`: the name this agent's rows are recorded under. Undefined: the Docker engine's name
   * (`docker info` → Name); `WEBSITE_MONITOR_HOST` overrides both. See docs/fleet.md.
   */
  readonly host?: string;
  /** `hosts:`: this agent's report in the fleet view; undefined in configs built before it existed. */
  readonly hosts?: HostsConfig;
}

/** `hosts:`: how often an agent reports about its host (`monitor_hosts`). */
export interface HostsConfig {
  /**
   * `hosts.report_interval` (seconds, default 15): how often the agent rewrites its host's
   * report. A host whose report is older than 3 intervals (of the reader's own setting) is
   * shown as not reporting.
   */
  readonly reportIntervalSeconds: number;
}

/** `agent:`: this agent's part among the agents that could act on its Docker engine. */
export interface AgentConfig {
  /**
   * `agent.standby`: when another agent holds the engine, wait as a hot standby and take over when
   * it goes away, instead of exiting 3 (the same as `run --standby`). The active agent of a pair
   * with PostgreSQL then stops acting the moment it loses its database connection.
   */
  readonly standby: boolean;
}

/** The REST API, dashboard and metrics server (`website-monitor run --listen`). */
export interface ApiConfig {
  /**
   * Host names the server answers besides loopback names and its listen address (`api.allowed_hosts`):
   * any other `Host` header gets 421, so a DNS-rebinding page cannot read the API.
   */
  readonly allowedHosts: readonly string[];
}

/** Where incident notifications go: generic JSON webhooks and Slack-compatible incoming webhooks. */
export interface NotificationsConfig {
  readonly enabled: boolean;
  readonly webhooks: readonly WebhookConfig[];
}

/** One entry of `notifications.webhooks`: where to POST, in which format, for which kinds. */
export interface WebhookConfig {
  readonly name: string | undefined;
  readonly type: 'json' | 'slack';
  /** A secret: write it as `${SLACK_WEBHOOK_URL}`. */
  readonly url: string;
  /** Only these kinds; undefined = all. */
  readonly kinds:
    | readonly ('incident_opened' | 'incident_resolved' | 'incident_escalated' | 'approval_required')[]
    | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;
  readonly timeoutMs: number | undefined;
  readonly retries: number | undefined;
  /**
   * `json` only: also put a one-line summary under this key (`text_key`), for receivers that
   * read one field: `text` (Slack, Mattermost, autoheal's default), `content` (Discord), `body`.
   */
  readonly textKey?: string | undefined;
  /** Only incidents of these triggers (`triggers`); undefined = all. Agent alerts always go. */
  readonly triggers?: readonly ProblemKind[] | undefined;
}

/**
 * Where records go. No `url` (and no DATABASE_URL): the embedded SQLite file at `path`. A
 * `postgres://` URL: PostgreSQL, with writes spooled to `spoolPath` while it is unreachable.
 */
export interface StorageConfig {
  /** `postgres://user@host/db` (credentials from `${VAR}` or the environment only). */
  readonly url: string | undefined;
  /** The embedded database file. */
  readonly path: string;
  /** Health samples older than this are removed (seed: 30 days). */
  readonly retentionDays: number;
  /** Incidents and healing actions older than this are removed; undefined = kept forever. */
  readonly incidentRetentionDays: number | undefined;
  /** The on-disk spool that holds writes while the database is away. */
  readonly spoolPath: string;
  /** Past this size the spool drops its oldest health samples (never incidents or actions). */
  readonly spoolMaxBytes: number;
}

/** Which containers are watched (`monitoring.discovery`). */
export type DiscoveryMode =
  /** Every container on the host (default); the list only configures. */
  | 'all'
  /** Only the containers named in `monitoring.containers`. */
  | 'listed'
  /** Only containers labelled `website-monitor.enable=true`, plus the listed ones. */
  | 'labelled';

/** `monitoring:`: what is watched, how often, and the checks every container gets. */
export interface MonitoringConfig {
  /** Full pass over every container (seed: 30). */
  readonly intervalSeconds: number;
  /** HTTP timeout (seed: 10). */
  readonly healthCheckTimeoutSeconds: number;
  readonly discovery: DiscoveryMode;
  /**
   * A second opt-in/opt-out label besides `website-monitor.enable` (`monitoring.enable_label`),
   * e.g. `autoheal`: `<label>=true` selects a container under `labelled`, `<label>=false` opts it
   * out. Undefined: only `website-monitor.enable`.
   */
  readonly enableLabel?: string | undefined;
  /** Checks in flight at once. */
  readonly maxConcurrentChecks: number;
  /**
   * Whether a container's `website-monitor.health_endpoint` label may send the probe anywhere
   * (`monitoring.trust_labels`). Off: only at the container itself (its own addresses, or its
   * published ports on the host's loopback or bound address); anything else is refused.
   */
  readonly trustLabels: boolean;
  /** Settings every container gets unless its entry or labels say otherwise. */
  readonly defaults: ContainerCheckSettings;
  readonly containers: readonly ContainerConfig[];
}

/** Probe and threshold settings; kubelet semantics for the thresholds and grace period. */
export interface ContainerCheckSettings {
  /**
   * Resource readings (memory, CPU) of this container are at most this far apart; with an
   * endpoint, the probe due then takes the reading.
   */
  readonly checkIntervalSeconds: number;
  /**
   * How often the HTTP endpoint is probed (kubelet `periodSeconds`); a probe makes no Docker call
   * while the event stream is connected. Never longer than `checkIntervalSeconds` in effect.
   */
  readonly probeIntervalSeconds: number;
  /**
   * After a failed probe, the next ones come this soon until `failureThreshold` failures in a row
   * are reached or one passes (which starts the count again): a failure is confirmed in seconds,
   * and one slow answer never opens an incident.
   */
  readonly confirmIntervalSeconds: number;
  /** HTTP status codes that count as healthy. */
  readonly expectedStatus: readonly number[];
  /** Consecutive failed probes before the container counts as unhealthy (kubelet: 3). */
  readonly failureThreshold: number;
  /** Consecutive good probes before an incident is resolved (kubelet: 1). */
  readonly successThreshold: number;
  /** After a start, probe failures are not counted for this long. */
  readonly startPeriodSeconds: number;
  /** Undefined = not checked. */
  readonly memoryPercentThreshold: number | undefined;
  readonly cpuPercentThreshold: number | undefined;
  readonly responseTimeMsThreshold: number | undefined;
  readonly maxRestartsPerHour: number;
  readonly autoRestart: boolean;
  readonly critical: boolean;
}

/** One entry of `monitoring.containers`: a container by name, with settings over the defaults. */
export interface ContainerConfig extends Partial<ContainerCheckSettings> {
  readonly name: string;
  readonly healthEndpoint: string | undefined;
  readonly dependsOn: readonly string[];
  /** Opt-out: never check or heal it. */
  readonly ignore: boolean;
  /** Graceful stop timeout of its restarts; undefined = `healing.stopTimeoutSeconds`. */
  readonly stopTimeoutSeconds?: number | undefined;
}

/** One step of a healing plan (`healing.strategies.<problem>[]`): an action and its parameters. */
export interface StrategyStep {
  readonly action: ActionName;
  readonly maxAttempts: number | undefined;
  readonly backoffSeconds: number | undefined;
  readonly thresholdPercent: number | undefined;
  /** `custom_script` only: a path on the agent's host, never text from a log. */
  readonly script: string | undefined;
  readonly timeoutSeconds: number | undefined;
}

/** `healing:`: what may be done automatically, what needs a person, and the plans per problem. */
export interface HealingConfig {
  readonly autoHealEnabled: boolean;
  /** Decide and log everything, change nothing. */
  readonly dryRun: boolean;
  readonly autoFixActions: readonly ActionName[];
  readonly manualApprovalRequired: readonly ActionName[];
  readonly strategies: Readonly<Partial<Record<ProblemKind, readonly StrategyStep[]>>>;
  /** Diagnoses below this confidence (0-100) are not acted on automatically. */
  readonly minConfidence: number;
  /** Graceful stop timeout for restarts (seed: 10). */
  readonly stopTimeoutSeconds: number;
  /** Restarts in flight at once across the host. */
  readonly maxConcurrentRestarts: number;
  /**
   * The most restarts in flight while the queue is long (one extra slot per 4 waiting, from
   * `maxConcurrentRestarts` up to this); never below `maxConcurrentRestarts`. Default 16.
   */
  readonly stormConcurrentRestarts: number;
  /** Backoff between attempts on one container: initial doubling to max, with jitter. */
  readonly backoffInitialSeconds: number;
  readonly backoffMaxSeconds: number;
  /** Leave containers a person stopped, killed or paused alone. */
  readonly respectOperatorStops: boolean;
  /** After a container is healed, restart the ones that depend on it. */
  readonly restartDependents: boolean;
  /** How long Docker's own restart policy gets to bring a container back before we act. */
  readonly restartPolicyGraceSeconds: number;
  /** Per diagnosed cause, the user's own plan; replaces the built-in plan for that cause. */
  readonly causePlans: Readonly<Partial<Record<FailureCause, readonly StrategyStep[]>>>;
  /** An incident resolves once its container has stayed healthy this long (0: at the first good check). */
  readonly resolveAfterSeconds: number;
  /** A failure within this long after a resolution reopens that incident instead of opening a new one. */
  readonly reopenWindowSeconds: number;
  /** The longest a container waits for an unhealthy dependency before it is healed anyway or escalated. */
  readonly dependencyWaitSeconds: number;
  /**
   * How Swarm services are watched and healed (`healing.swarm`). Absent in a config built by hand
   * before it existed: `swarmHealingOf` then gives the defaults.
   */
  readonly swarm?: SwarmHealingConfig;
}

/**
 * `healing.swarm`: a container that is a Swarm task is never restarted by the agent (Swarm
 * replaces its tasks); its failures are judged on its service, which is rolled back or
 * redeployed through Swarm when these plans and the allowlists say so (docs/swarm.md).
 */
export interface SwarmHealingConfig {
  /** Watch the services of Swarm task containers; off: their failures are left to Swarm alone. */
  readonly enabled: boolean;
  /** Failed tasks of one service within `failureWindowSeconds` that make it a failing service. */
  readonly taskFailures: number;
  readonly failureWindowSeconds: number;
  /** An update started at most this long before its tasks fail is the suspect, to roll back. */
  readonly recentUpdateSeconds: number;
  /** Tried in order for a service whose tasks keep failing since a recent update. */
  readonly failedUpdate: readonly ServiceActionName[];
  /** Tried in order for a service whose tasks keep failing with no update to roll back. */
  readonly failingTasks: readonly ServiceActionName[];
}

/** `claude:`: whether and how the model diagnoses incidents (the key comes from `ANTHROPIC_API_KEY`). */
export interface ClaudeConfig {
  readonly enabled: boolean;
  readonly model: string;
  readonly useForDiagnosis: boolean;
  /**
   * Incidents with no urgent first action (HTTP, slow, memory, anomaly) wait this long for the
   * model's diagnosis, then go on with the rules'. A crash never waits: the rules act first.
   */
  readonly diagnosisWaitSeconds: number;
}

/** Settings for one concrete container after config, defaults and labels are merged. */
export interface ContainerSettings extends ContainerCheckSettings {
  readonly name: string;
  readonly healthEndpoint: string | undefined;
  /**
   * Set when `healthEndpoint` came from a container's label (and labels are not trusted): the
   * probe of that URL may connect only to these addresses, whatever a host name resolves to.
   */
  readonly healthEndpointGuard?: HealthEndpointGuard;
  readonly dependsOn: readonly string[];
  /**
   * Graceful stop timeout of its restarts: its `website-monitor.stop_timeout_seconds` (or
   * autoheal's `autoheal.stop.timeout`) label, its entry's `stop_timeout_seconds`, else
   * `healing.stopTimeoutSeconds` (which is also used when this is absent).
   */
  readonly stopTimeoutSeconds?: number;
}

/** The addresses a label's endpoint may reach: the container's own (`resolveContainerSettings`). */
export interface HealthEndpointGuard {
  readonly url: string;
  readonly addresses: readonly string[];
}
