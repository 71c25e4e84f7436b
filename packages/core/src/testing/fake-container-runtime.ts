import type {
  ContainerDetails,
  ContainerEvent,
  ContainerEventAction,
  ContainerState,
  ContainerStatsSample,
  ContainerSummary,
  DockerHealthStatus,
  HealthCheckRun,
  PublishedPort,
  RestartPolicy,
} from '../domain/container.js';
import { ContainerRuntimeError } from '../errors/monitor-error.js';
import type { Clock } from '../ports/clock.js';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import { answer, FakeNotConfiguredError, type Responder } from './responder.js';

/** A container to add to a `FakeContainerRuntime`: only the name is required (it starts running). */
export interface FakeContainerInit {
  readonly name: string;
  readonly id?: string;
  readonly image?: string;
  readonly state?: ContainerState;
  readonly labels?: Record<string, string>;
  readonly exitCode?: number | null;
  /** `none` = the image has no HEALTHCHECK. */
  readonly health?: DockerHealthStatus;
  readonly restartPolicy?: RestartPolicy;
  readonly networkMode?: string;
  readonly env?: readonly string[];
  readonly ports?: readonly PublishedPort[];
  /** Absent: the inspect answer has no `networks` (nothing counts as the container's own address). */
  readonly networks?: ContainerDetails['networks'];
  readonly links?: readonly string[];
  readonly logs?: readonly string[];
  readonly memory?: { usage: number; limit: number };
}

interface FakeContainer {
  id: string;
  name: string;
  image: string;
  state: ContainerState;
  labels: Record<string, string>;
  exitCode: number | null;
  oomKilled: boolean;
  restartCount: number;
  startedAt: string | null;
  finishedAt: string | null;
  health: DockerHealthStatus;
  failingStreak: number;
  /** The HEALTHCHECK runs Docker keeps (it keeps the last five). */
  healthLog: HealthCheckRun[];
  restartPolicy: RestartPolicy;
  networkMode: string;
  env: readonly string[];
  ports: readonly PublishedPort[];
  networks: ContainerDetails['networks'];
  links: readonly string[] | undefined;
  logs: string[];
  /** When each line of `logs` was written (clock time), for `followLogs({ since })`. */
  logTimes: number[];
  memory: { usage: number; limit: number };
  cpuTotal: number;
}

interface Subscriber {
  push(event: ContainerEvent): void;
  end(error?: Error): void;
}

interface LogFollower {
  readonly containerId: string;
  readonly onLine: (line: string) => void;
  end(error?: Error): void;
}

/** The runtime methods whose answers `respond` can change and whose calls `callsOf` lists. */
export type FakeRuntimeMethod =
  | 'ping'
  | 'list'
  | 'inspect'
  | 'stats'
  | 'logs'
  | 'restart'
  | 'start'
  | 'exec'
  | 'followLogs';

/** One recorded call: which method, its argument object, and the fake clock's time. */
export interface FakeRuntimeCall {
  readonly method: FakeRuntimeMethod | 'events';
  readonly args: unknown;
  readonly at: number;
}

/** What `exec` is called with (the `ContainerRuntime` port's argument). */
export type FakeExecArgs = {
  readonly id: string;
  readonly argv: readonly string[];
  readonly timeoutMs: number;
};
/** What a configured `exec` answers. */
export type FakeExecResult = { readonly exitCode: number; readonly output: string };
/** What `followLogs` is called with (the `ContainerRuntime` port's argument). */
export type FakeFollowLogsArgs = {
  readonly id: string;
  readonly since?: number;
  readonly signal: AbortSignal;
  readonly onLine: (line: string) => void;
};

const maxReplayedEvents = 256;

/**
 * An in-memory container engine that behaves like Docker where the agent can tell the difference:
 * the same event sequences for a crash, `docker stop`, `docker kill`, a restart and an OOM kill;
 * `since` replay limited to the last 256 events; streams that can be cut; `followLogs` streams that
 * end when the container stops, before its `die`. Every call is recorded. `respond(method, ...)`
 * overrides a method's answer (a value, a list or a function); `exec` has no default answer and
 * throws until configured.
 *
 * @example
 * ```ts
 * import { FakeClock, FakeContainerRuntime } from '@website-monitor/core/testing';
 *
 * const clock = new FakeClock();
 * const runtime = new FakeContainerRuntime({ clock });
 * runtime.addContainer({ name: 'redis' });
 * const agent = new WebsiteMonitorAgent({ config, runtime, clock });
 * await agent.start();
 * runtime.crash('redis', { exitCode: 137, oomKilled: true });
 * await clock.advance(10_000);
 * await agent.idle();
 * expect(runtime.callsOf('restart')).toHaveLength(1);
 * ```
 */
export class FakeContainerRuntime implements ContainerRuntime {
  readonly calls: FakeRuntimeCall[] = [];
  readonly #clock: Clock;
  readonly #containers = new Map<string, FakeContainer>();
  readonly #history: ContainerEvent[] = [];
  readonly #subscribers = new Set<Subscriber>();
  readonly #logFollowers = new Set<LogFollower>();
  readonly #responders = new Map<FakeRuntimeMethod, Responder<unknown, unknown>>();
  readonly #callCounts = new Map<FakeRuntimeMethod, number>();
  #reachable = true;
  #nextId = 1;
  #nextNano = 0n;

  constructor(options: { clock: Clock }) {
    this.#clock = options.clock;
  }

  // ---- scenario controls -------------------------------------------------------------------

  addContainer(init: FakeContainerInit): string {
    const id = init.id ?? `fake${String(this.#nextId++).padStart(12, '0')}`;
    const state = init.state ?? 'running';
    const now = new Date(this.#clock.now()).toISOString();
    this.#containers.set(id, {
      id,
      name: init.name,
      image: init.image ?? 'example/app:1',
      state,
      labels: { ...(init.labels ?? {}) },
      exitCode: init.exitCode ?? (state === 'running' ? 0 : null),
      oomKilled: false,
      restartCount: 0,
      startedAt: state === 'created' ? null : now,
      finishedAt: null,
      health: init.health ?? 'none',
      failingStreak: 0,
      healthLog: [],
      restartPolicy: init.restartPolicy ?? { name: 'no', maximumRetryCount: 0 },
      networkMode: init.networkMode ?? 'bridge',
      env: init.env ?? [],
      ports: init.ports ?? [],
      networks: init.networks,
      links: init.links,
      logs: [...(init.logs ?? [])],
      logTimes: (init.logs ?? []).map(() => this.#clock.now()),
      memory: init.memory ?? { usage: 50 * 2 ** 20, limit: 1024 * 2 ** 20 },
      cpuTotal: 0,
    });
    return id;
  }

  /**
   * The process exited on its own (`die`, preceded by `oom` for an OOM kill). `logs` are the
   * lines it wrote just before it exited.
   */
  crash(
    name: string,
    options: { exitCode?: number; oomKilled?: boolean; logs?: readonly string[] } = {},
  ): void {
    const container = this.#byName(name);
    if (options.logs !== undefined) this.#writeLogs(container, options.logs);
    const oomKilled = options.oomKilled ?? false;
    const exitCode = options.exitCode ?? (oomKilled ? 137 : 1);
    if (oomKilled) this.#emit(container, 'oom');
    this.#exit(container, exitCode, oomKilled);
    this.#emit(container, 'die', { exitCode });
  }

  /** `docker stop` by a person: kill (SIGTERM), die, stop. */
  operatorStop(name: string): void {
    const container = this.#byName(name);
    this.#emit(container, 'kill', { signal: 15 });
    this.#exit(container, 143, false);
    this.#emit(container, 'die', { exitCode: 143 });
    this.#emit(container, 'stop');
  }

  /** `docker kill` by a person: kill (SIGKILL), die. */
  operatorKill(name: string): void {
    const container = this.#byName(name);
    this.#emit(container, 'kill', { signal: 9 });
    this.#exit(container, 137, false);
    this.#emit(container, 'die', { exitCode: 137 });
  }

  operatorPause(name: string): void {
    const container = this.#byName(name);
    container.state = 'paused';
    this.#emit(container, 'pause');
  }

  operatorUnpause(name: string): void {
    const container = this.#byName(name);
    container.state = 'running';
    this.#emit(container, 'unpause');
  }

  /** `docker start` by a person (or Docker's restart policy). */
  operatorStart(name: string): void {
    this.#startContainer(this.#byName(name));
  }

  /** Docker's restart policy bringing a container back: start, counted in RestartCount. */
  dockerPolicyRestart(name: string): void {
    const container = this.#byName(name);
    container.restartCount++;
    this.#startContainer(container);
  }

  /**
   * The HEALTHCHECK result changed; Docker emits `health_status` only on a change. `output` is
   * what the last check run printed (it is the container's own text, shown in inspect).
   */
  setDockerHealth(
    name: string,
    status: Exclude<DockerHealthStatus, 'none'>,
    options: { output?: string } = {},
  ): void {
    const container = this.#byName(name);
    if (options.output !== undefined) {
      const at = new Date(this.#clock.now()).toISOString();
      const run = {
        exitCode: status === 'unhealthy' ? 1 : 0,
        output: options.output,
        startedAt: at,
        endedAt: at,
      };
      container.healthLog = [...container.healthLog, run].slice(-5);
    }
    if (container.health === status) return;
    container.health = status;
    container.failingStreak = status === 'unhealthy' ? 3 : 0;
    this.#emit(container, 'health_status', { healthStatus: status });
  }

  removeContainer(name: string): void {
    const container = this.#byName(name);
    this.#endLogFollowers(container);
    this.#emit(container, 'destroy');
    this.#containers.delete(container.id);
  }

  setMemory(name: string, memory: { usage: number; limit: number }): void {
    this.#byName(name).memory = { ...memory };
  }

  /** Adds `nanoseconds` of CPU time, as a busy process would between two stats readings. */
  burnCpu(name: string, nanoseconds: number): void {
    this.#byName(name).cpuTotal += nanoseconds;
  }

  /** Lines the container writes now; open `followLogs` streams receive them at once. */
  appendLogs(name: string, lines: readonly string[]): void {
    this.#writeLogs(this.#byName(name), lines);
  }

  /** Overrides one method's answer. */
  respond(method: 'exec', responder: Responder<FakeExecArgs, FakeExecResult>): void;
  /**
   * `undefined` ends the stream at once, an `Error` fails it; a function answer receives `onLine`
   * and `signal` and plays the stream itself.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a responder may return nothing (the stream plays on) or an Error; part of the published fake's API.
  respond(method: 'followLogs', responder: Responder<FakeFollowLogsArgs, void | Error>): void;
  respond(
    method: Exclude<FakeRuntimeMethod, 'exec' | 'followLogs'>,
    responder: Responder<unknown, unknown>,
  ): void;
  respond(method: FakeRuntimeMethod, responder: Responder<never, unknown>): void {
    this.#responders.set(method, responder as Responder<unknown, unknown>);
    this.#callCounts.set(method, 0);
  }

  /** Engine up or down: when down, every call throws `ContainerRuntimeError('unreachable')`. */
  setReachable(reachable: boolean): void {
    this.#reachable = reachable;
    if (!reachable) {
      this.disconnectEvents();
      for (const follower of this.#logFollowers)
        follower.end(new ContainerRuntimeError('unreachable', 'fake engine is down: log stream closed'));
      this.#logFollowers.clear();
    }
  }

  /** Cuts every open event stream, as a daemon restart would. */
  disconnectEvents(error?: Error): void {
    for (const subscriber of this.#subscribers) subscriber.end(error);
    this.#subscribers.clear();
  }

  get openEventStreams(): number {
    return this.#subscribers.size;
  }

  /** `followLogs` streams still open. */
  get openLogStreams(): number {
    return this.#logFollowers.size;
  }

  /** Recorded calls of one method, in order. */
  callsOf(method: FakeRuntimeMethod | 'events'): FakeRuntimeCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  state(name: string): ContainerState {
    return this.#byName(name).state;
  }

  idOf(name: string): string {
    return this.#byName(name).id;
  }

  // ---- ContainerRuntime ----------------------------------------------------------------------

  async ping(): Promise<{ version: string; apiVersion: string }> {
    return this.#call('ping', {}, async () => ({ version: 'fake', apiVersion: '1.41' }));
  }

  async list(): Promise<readonly ContainerSummary[]> {
    return this.#call('list', {}, async () => [...this.#containers.values()].map((c) => this.#summary(c)));
  }

  async inspect(options: { readonly id: string }): Promise<ContainerDetails> {
    return this.#call('inspect', options, async () => this.#details(this.#find(options.id)));
  }

  async stats(options: { readonly id: string }): Promise<ContainerStatsSample> {
    return this.#call('stats', options, async () => {
      const container = this.#find(options.id);
      const running = container.state === 'running';
      return {
        readAt: this.#clock.now(),
        cpu: {
          totalUsage: container.cpuTotal,
          // The host's CPU time moves with the clock on 2 CPUs.
          systemUsage: this.#clock.now() * 1e6 * 2,
          onlineCpus: 2,
        },
        memory: {
          usage: running ? container.memory.usage : 0,
          limit: container.memory.limit,
          inactiveFile: undefined,
          totalInactiveFile: 0,
        },
      };
    });
  }

  async logs(options: { readonly id: string; readonly tail: number }): Promise<readonly string[]> {
    return this.#call('logs', options, async () => this.#find(options.id).logs.slice(-options.tail));
  }

  async restart(options: { readonly id: string; readonly timeoutSeconds: number }): Promise<void> {
    return this.#call('restart', options, async () => {
      const container = this.#find(options.id);
      if (container.state === 'running' || container.state === 'paused') {
        this.#emit(container, 'kill', { signal: 15 });
        this.#exit(container, 143, false);
        this.#emit(container, 'die', { exitCode: 143 });
        this.#emit(container, 'stop');
      }
      this.#startContainer(container);
      this.#emit(container, 'restart');
    });
  }

  async start(options: { readonly id: string }): Promise<void> {
    return this.#call('start', options, async () => {
      const container = this.#find(options.id);
      if (container.state === 'running') return;
      this.#startContainer(container);
    });
  }

  async exec(options: FakeExecArgs): Promise<FakeExecResult> {
    this.#record('exec', options);
    this.#assertReachable();
    this.#find(options.id);
    const responder = this.#responders.get('exec');
    if (responder === undefined) {
      throw new FakeNotConfiguredError('FakeContainerRuntime', 'exec', "call respond('exec', ...)");
    }
    return answer(responder as Responder<FakeExecArgs, FakeExecResult>, options, this.#nextCallIndex('exec'));
  }

  /**
   * Lines written at or after `since` (all of them from the start of the fake's clock when it is
   * 0; none without it), then each new line as it is written. Ends when the container stops (an
   * exited container's stream ends at once) or is removed, or `signal` aborts.
   */
  async followLogs(options: FakeFollowLogsArgs): Promise<void> {
    const args = { id: options.id, ...(options.since === undefined ? {} : { since: options.since }) };
    this.#record('followLogs', args);
    this.#assertReachable();
    const responder = this.#responders.get('followLogs');
    if (responder !== undefined) {
      await answer(
        // biome-ignore lint/suspicious/noConfusingVoidType: a responder may return nothing (the stream plays on) or an Error; part of the published fake's API.
        responder as Responder<FakeFollowLogsArgs, void | Error>,
        options,
        this.#nextCallIndex('followLogs'),
      );
      return;
    }
    const container = this.#find(options.id);
    if (options.signal.aborted) return;
    const { since } = options;
    if (since !== undefined) {
      container.logs.forEach((line, index) => {
        if ((container.logTimes[index] ?? 0) >= since) options.onLine(line);
      });
    }
    if (container.state !== 'running' && container.state !== 'paused' && container.state !== 'restarting')
      return;
    await new Promise<void>((resolve, reject) => {
      const follower: LogFollower = {
        containerId: container.id,
        onLine: options.onLine,
        end: (error) => {
          this.#logFollowers.delete(follower);
          options.signal.removeEventListener('abort', onAbort);
          if (error === undefined) resolve();
          else reject(error);
        },
      };
      const onAbort = () => follower.end();
      options.signal.addEventListener('abort', onAbort, { once: true });
      this.#logFollowers.add(follower);
    });
  }

  events(options: { readonly since?: number; readonly signal: AbortSignal }): AsyncIterable<ContainerEvent> {
    this.calls.push({ method: 'events', args: { since: options.since }, at: this.#clock.now() });
    const queue: ContainerEvent[] = [];
    let waiting: { resolve: () => void } | undefined;
    let ended = false;
    let failure: Error | undefined;
    const wake = () => {
      waiting?.resolve();
      waiting = undefined;
    };
    const subscriber: Subscriber = {
      push: (event) => {
        queue.push(event);
        wake();
      },
      end: (error) => {
        ended = true;
        failure = error;
        wake();
      },
    };
    if (!this.#reachable) {
      subscriber.end(new ContainerRuntimeError('unreachable', 'fake engine is down'));
    } else {
      if (options.since !== undefined) {
        const since = options.since;
        queue.push(...this.#history.filter((event) => event.time >= since));
      }
      this.#subscribers.add(subscriber);
    }
    const onAbort = () => {
      this.#subscribers.delete(subscriber);
      subscriber.end();
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    const subscribers = this.#subscribers;
    return {
      async *[Symbol.asyncIterator]() {
        try {
          for (;;) {
            const next = queue.shift();
            if (next) {
              yield next;
              continue;
            }
            if (ended) {
              if (failure) throw failure;
              return;
            }
            await new Promise<void>((resolve) => {
              waiting = { resolve };
            });
          }
        } finally {
          subscribers.delete(subscriber);
          options.signal.removeEventListener('abort', onAbort);
        }
      },
    };
  }

  // ---- internals -----------------------------------------------------------------------------

  async #call<T>(method: FakeRuntimeMethod, args: unknown, simulate: () => Promise<T>): Promise<T> {
    this.#record(method, args);
    this.#assertReachable();
    const responder = this.#responders.get(method);
    if (responder !== undefined) return answer(responder, args, this.#nextCallIndex(method)) as Promise<T>;
    return simulate();
  }

  #record(method: FakeRuntimeMethod, args: unknown): void {
    this.calls.push({ method, args, at: this.#clock.now() });
  }

  #nextCallIndex(method: FakeRuntimeMethod): number {
    const index = this.#callCounts.get(method) ?? 0;
    this.#callCounts.set(method, index + 1);
    return index;
  }

  #assertReachable(): void {
    if (!this.#reachable) throw new ContainerRuntimeError('unreachable', 'fake engine is down');
  }

  #find(idOrName: string): FakeContainer {
    const container =
      this.#containers.get(idOrName) ?? [...this.#containers.values()].find((c) => c.name === idOrName);
    if (!container) {
      throw new ContainerRuntimeError('not_found', `no such container: ${idOrName}`, { container: idOrName });
    }
    return container;
  }

  #byName(name: string): FakeContainer {
    return this.#find(name);
  }

  #writeLogs(container: FakeContainer, lines: readonly string[]): void {
    const now = this.#clock.now();
    for (const line of lines) {
      container.logs.push(line);
      container.logTimes.push(now);
      for (const follower of this.#logFollowers) {
        if (follower.containerId !== container.id) continue;
        try {
          follower.onLine(line);
        } catch (error) {
          follower.end(error instanceof Error ? error : new Error(String(error)));
        }
      }
    }
  }

  /** Docker ends a container's log streams when its process exits, just before `die`. */
  #endLogFollowers(container: FakeContainer): void {
    for (const follower of [...this.#logFollowers]) {
      if (follower.containerId === container.id) follower.end();
    }
  }

  #exit(container: FakeContainer, exitCode: number, oomKilled: boolean): void {
    this.#endLogFollowers(container);
    container.state = 'exited';
    container.exitCode = exitCode;
    container.oomKilled = oomKilled;
    container.finishedAt = new Date(this.#clock.now()).toISOString();
  }

  #startContainer(container: FakeContainer): void {
    container.state = 'running';
    container.exitCode = 0;
    container.oomKilled = false;
    container.startedAt = new Date(this.#clock.now()).toISOString();
    if (container.health !== 'none') container.health = 'starting';
    this.#emit(container, 'start');
  }

  #emit(
    container: FakeContainer,
    action: ContainerEventAction,
    extra: Partial<Pick<ContainerEvent, 'exitCode' | 'signal' | 'healthStatus'>> = {},
  ): void {
    const time = this.#clock.now();
    // Distinct nanosecond stamps even for events in the same millisecond, as the daemon's are.
    const timeNano = BigInt(time) * 1_000_000n + (this.#nextNano++ % 1_000_000n);
    const event: ContainerEvent = {
      action,
      containerId: container.id,
      containerName: container.name,
      time,
      timeNano,
      image: container.image,
      labels: { ...container.labels },
      ...extra,
    };
    this.#history.push(event);
    if (this.#history.length > maxReplayedEvents) this.#history.shift();
    for (const subscriber of this.#subscribers) subscriber.push(event);
  }

  #summary(container: FakeContainer): ContainerSummary {
    return {
      id: container.id,
      name: container.name,
      image: container.image,
      state: container.state,
      labels: { ...container.labels },
    };
  }

  #details(container: FakeContainer): ContainerDetails {
    return {
      ...this.#summary(container),
      imageId: `sha256:${container.image}`,
      exitCode: container.exitCode,
      oomKilled: container.oomKilled,
      restartCount: container.restartCount,
      startedAt: container.startedAt,
      finishedAt: container.finishedAt,
      error: '',
      health: { status: container.health, failingStreak: container.failingStreak, log: container.healthLog },
      restartPolicy: container.restartPolicy,
      networkMode: container.networkMode,
      ports: container.ports,
      ...(container.networks === undefined ? {} : { networks: container.networks }),
      ...(container.links === undefined ? {} : { links: container.links }),
      env: container.env,
    };
  }
}
