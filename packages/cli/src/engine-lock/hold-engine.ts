import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  type Clock,
  type ContainerRuntime,
  ContainerRuntimeError,
  type EngineInfo,
  type EngineLeaseHolder,
  type EngineLeaseRole,
  type EngineLeaseStore,
  type Logger,
  type Store,
  type SwarmServices,
} from '@website-monitor/core';
import {
  backoffDelayMs,
  describeLeaseConflict,
  type EngineLeaseAttempt,
  type EngineLeaseConflict,
  EngineLeaseKeeper,
  type EngineLeasePlace,
  isSessionEngineLeaseStore,
  leaseFencedStore,
  leaseGuardedRuntime,
  leaseGuardedSwarmServices,
} from '@website-monitor/core/internal';
import { exitCodes } from '../exit-codes.js';
import type { AgentStore } from '../store/agent-store.js';
import { engineLockDirectory } from './engine-lock-directory.js';

export interface HoldEngineOptions {
  /** The engine's own runtime (not a wrapper that may drop `info`). */
  readonly runtime: ContainerRuntime;
  /** The store's leases, and where it is for people (`the SQLite store /data/monitor.db`). */
  readonly store?: { readonly leases: EngineLeaseStore; readonly where: string };
  readonly lockDirectory: string;
  /** Wait for the engine instead of refusing while another agent holds it. */
  readonly standby: boolean;
  /** Where this agent keeps its records, shown to the agents it refuses. */
  readonly storeLocation: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** One line for a person (stderr). */
  readonly say: (line: string) => void;
  /** Aborted when `run` is asked to stop. */
  readonly signal: AbortSignal;
  readonly heartbeatMs?: number;
  readonly missedRenewals?: number;
  /** Tests: this process as seen by others. */
  readonly holder?: EngineLeaseHolder;
}

/** Why the agent stopped acting, for one line on stderr. */
export interface EngineLeaseLost {
  readonly message: string;
}

/** What an agent that holds, or waits for, the engine acts and records through. */
export interface EngineLeaseGuards {
  /** Undefined when the runtime cannot name its engine (no lease is held then). */
  readonly engine: EngineInfo | undefined;
  /** The runtime to act through: restart, start and exec are refused unless the lease is held. */
  guard<Runtime extends ContainerRuntime>(runtime: Runtime): Runtime;
  /** The Swarm services to act through: a rollback or a forced update is refused unless the lease is held. */
  guardSwarmServices(services: SwarmServices): SwarmServices;
  /** The store to record through: writes are refused unless the lease is held (none by a standby, none after a loss). */
  fence<S extends Store>(store: S): S;
  /** Active or standby now, for `/healthz` and `/metrics`. */
  role(): EngineLeaseRole;
}

/** The lease is held: act. */
export interface ActingEngineHold extends EngineLeaseGuards {
  readonly kind: 'acting';
  /** Resolves when the lease is lost (someone else took it); never rejects. */
  readonly lost: Promise<EngineLeaseLost>;
  /** Hands the lease back (clean stop) so a standby takes over at once. */
  release(): Promise<void>;
}

/** Another agent holds the engine and this one waits to take over (`--standby`, `agent.standby`). */
export interface StandbyEngineHold extends EngineLeaseGuards {
  readonly kind: 'standby';
  /** Resolves when this agent took the engine over, or with `stopped` on a stop request. */
  readonly takeover: Promise<ActingEngineHold | { readonly kind: 'stopped' }>;
  /** Stops waiting, and lets go of the engine if it was taken meanwhile (a failed start). */
  release(): Promise<void>;
}

export type EngineHold =
  | ActingEngineHold
  | StandbyEngineHold
  /** Another agent holds the engine (`exitCode` 3) or the lock directory is unusable (2); said already. */
  | { readonly kind: 'refused'; readonly exitCode: number }
  /** Stopped (SIGTERM) while waiting for the engine. */
  | { readonly kind: 'stopped' };

const engineRetryInitialMs = 1_000;
const engineRetryMaxMs = 30_000;
const never = new Promise<never>(() => {});

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One agent acts per Docker engine (issue 10, item 6). Before `run` lets the agent act, this
 * names the engine (`docker info` ID, waiting while no engine answers), then takes the engine's
 * lease in the host's lock directory and in the store. Another agent holding it: `run` refuses
 * with a line naming that process (exit 3), or with `--standby` answers `standby` at once (so
 * `run` can serve its read-only API) and takes over when the holder goes away. A lease held only
 * in an SQL store's row (never the host lock) may be a crashed agent's that has not lapsed yet,
 * so a refusal waits one lease period for it first.
 *
 * With PostgreSQL the store's lease is an advisory lock that lives as long as its holder's
 * connection (issue 12, item 2). The holder stops acting the moment that connection ends when a
 * standby would take over: when it runs as a standby itself, or when a standby was seen waiting.
 * An agent with no standby (and not in standby mode) heals on through a database outage under
 * the host lock, its writes spooled, as before.
 */
export async function holdEngine(options: HoldEngineOptions): Promise<EngineHold> {
  const { runtime, logger, say, signal, clock } = options;
  const info = runtime.info?.bind(runtime);
  if (info === undefined) {
    logger.log('warn', 'engine_lease_unavailable', {
      reason: 'this container runtime cannot name its engine',
    });
    return unguarded(undefined);
  }

  const engine = await identifyEngine(info, options);
  if (engine === 'stopped') return { kind: 'stopped' };
  if (engine instanceof Error) {
    say(
      `website-monitor: cannot tell which Docker engine this is (${engine.message}); acting without the one-agent-per-engine lease\n`,
    );
    logger.log('warn', 'engine_lease_unavailable', { reason: engine.message });
    return unguarded(undefined);
  }

  const { createEngineLockFiles } = await import('@website-monitor/sqlite-store');
  const lockFiles = await createEngineLockFiles({ directory: options.lockDirectory });
  const lockPlace: EngineLeasePlace = {
    where: `the lock file ${lockFiles.lockPath(engine.id)}`,
    leases: lockFiles,
    whenUnreachable: 'stop-acting',
  };
  const places: EngineLeasePlace[] = [lockPlace];
  const storeLeases = options.store?.leases;
  const sessionLeases = isSessionEngineLeaseStore(storeLeases) ? storeLeases : undefined;
  if (options.store !== undefined && sessionLeases !== undefined) {
    // Lost with its connection. A standby (this agent, or one seen waiting) would take over then,
    // so acting stops at once; with nobody to take over, healing goes on through the outage.
    places.push({
      where: options.store.where,
      leases: sessionLeases,
      whenUnreachable: () =>
        options.standby || sessionLeases.standbysWaiting({ engineId: engine.id }) > 0
          ? 'stop-acting'
          : 'keep-acting',
      validForMs: sessionLeases.verifiedLeaseValidForMs,
    });
  } else if (options.store !== undefined) {
    // A database outage does not stop healing (writes are spooled); the host lock still guards.
    places.push({ where: options.store.where, leases: options.store.leases, whenUnreachable: 'keep-acting' });
  }
  const holder: EngineLeaseHolder = options.holder ?? {
    id: randomUUID(),
    hostName: hostname(),
    pid: process.pid,
    startedAt: Math.round(performance.timeOrigin),
    store: options.storeLocation,
  };
  const keeper = new EngineLeaseKeeper({
    engineId: engine.id,
    holder,
    places,
    clock,
    logger,
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
    ...(options.missedRenewals === undefined ? {} : { missedRenewals: options.missedRenewals }),
  });
  const describe = (conflict: EngineLeaseConflict) => describeLeaseConflict(engine.id, conflict, clock.now());
  const giveUp = async (exitCode: number): Promise<EngineHold> => {
    await lockFiles.close();
    return { kind: 'refused', exitCode };
  };

  let attempt = await keeper.tryAcquire();
  if (
    !attempt.held &&
    'conflict' in attempt &&
    !options.standby &&
    attempt.conflict.where !== lockPlace.where &&
    // A session's lock is held by a live connection: there is no lapse to wait for.
    sessionLeases === undefined
  ) {
    // Held in the store but not on this host's lock: perhaps a crashed agent (on another host, or
    // with another lock directory) whose lease has not lapsed. A live holder keeps renewing.
    logger.log('info', 'engine_lease_waiting', {
      engine_id: engine.id,
      ...conflictFields(attempt.conflict),
      wait_ms: keeper.ttlMs + keeper.heartbeatMs,
    });
    const waitForLapse = AbortSignal.any([signal, AbortSignal.timeout(keeper.ttlMs + keeper.heartbeatMs)]);
    let last: EngineLeaseAttempt = attempt;
    const held = await keeper.waitForLease({
      signal: waitForLapse,
      onWaiting: (refused) => {
        last = refused;
      },
    });
    if (signal.aborted) {
      await lockFiles.close();
      return { kind: 'stopped' };
    }
    attempt = held ? { held: true } : last;
  }

  if (!attempt.held && 'unreachable' in attempt && attempt.unreachable.where === lockPlace.where) {
    say(
      `website-monitor: cannot use ${attempt.unreachable.where}: ${attempt.unreachable.error}; set WEBSITE_MONITOR_LOCK_DIR to a private directory all agents on this host share\n`,
    );
    logger.log('error', 'engine_lease_unusable', {
      where: attempt.unreachable.where,
      error: attempt.unreachable.error,
    });
    return giveUp(exitCodes.usage);
  }

  if (!attempt.held && 'conflict' in attempt && !options.standby) {
    say(
      `website-monitor: not acting: ${describe(attempt.conflict)}. Stop that agent first, or run this one with --standby to take over when it goes away\n`,
    );
    logger.log('error', 'engine_lease_refused', {
      engine_id: engine.id,
      ...conflictFields(attempt.conflict),
    });
    return giveUp(exitCodes.engineHeld);
  }

  let lostMessage: string | undefined;
  const lost = new Promise<EngineLeaseLost>((resolve) => {
    keeper.onLost((loss) => {
      lostMessage =
        loss.reason === 'taken'
          ? describe(loss)
          : loss.reason === 'session_ended'
            ? `the connection holding the lease in ${loss.where} ended (${loss.detail ?? 'closed'}), so another agent may take it`
            : `the lease in ${loss.where} could not be renewed in time, so another agent may take it`;
      resolve({ message: lostMessage });
    });
  });
  /** Who the standby waits on: the last refusal that named someone. */
  let waitingOn: EngineLeaseConflict | undefined;
  const refusal = () => `this agent does not hold the engine lease${lostMessage ? ` (${lostMessage})` : ''}`;
  const guards: EngineLeaseGuards = {
    engine,
    guard: (acting) => leaseGuardedRuntime({ runtime: acting, mayAct: () => keeper.mayAct(), refusal }),
    guardSwarmServices: (services) =>
      leaseGuardedSwarmServices({ services, mayAct: () => keeper.mayAct(), refusal }),
    fence: (store) => leaseFencedStore({ store, mayWrite: () => keeper.state === 'held', refusal }),
    role: () => {
      if (keeper.state === 'held') {
        // The store's term when it has one (it counts holders across hosts), else the lock file's.
        const leases = keeper.heldLeases();
        const term = leases[leases.length - 1]?.lease.term;
        return { role: 'active', engineId: engine.id, ...(term === undefined ? {} : { term }) };
      }
      const holder = waitingOn?.heldBy?.holder;
      return {
        role: 'standby',
        engineId: engine.id,
        ...(holder === undefined || waitingOn === undefined
          ? {}
          : {
              activeAgent: {
                hostName: holder.hostName,
                pid: holder.pid,
                startedAt: holder.startedAt,
                where: waitingOn.where,
              },
            }),
      };
    },
  };
  const acting = (): ActingEngineHold => ({
    kind: 'acting',
    ...guards,
    lost,
    release: async () => {
      await keeper.release();
      await lockFiles.close();
    },
  });
  if (attempt.held) return acting();

  // Standby: held elsewhere, or the database that decides cannot be reached yet.
  if ('conflict' in attempt) {
    waitingOn = attempt.conflict;
    say(`website-monitor: standby: ${describe(attempt.conflict)}; taking over when it goes away\n`);
    logger.log('info', 'engine_lease_standby', { engine_id: engine.id, ...conflictFields(attempt.conflict) });
  } else {
    say(
      `website-monitor: standby: cannot reach ${attempt.unreachable.where} (${attempt.unreachable.error}); taking the Docker engine ${engine.id} once it answers and nobody holds it\n`,
    );
    logger.log('warn', 'engine_lease_standby', {
      engine_id: engine.id,
      where: attempt.unreachable.where,
      error: attempt.unreachable.error,
    });
  }
  const standbyStop = new AbortController();
  const takeover = (async (): Promise<ActingEngineHold | { readonly kind: 'stopped' }> => {
    // Seen by the holder's next renewal: it then stops acting as soon as it loses its connection.
    const presence = sessionLeases?.announceStandby({ engineId: engine.id, holderId: holder.id });
    let shown = waitingOn === undefined ? '' : holderKey(waitingOn);
    const held = await keeper
      .waitForLease({
        signal: AbortSignal.any([signal, standbyStop.signal]),
        onWaiting: (refused) => {
          if (!('conflict' in refused)) return;
          waitingOn = refused.conflict;
          if (holderKey(refused.conflict) === shown) return;
          shown = holderKey(refused.conflict);
          logger.log('info', 'engine_lease_standby', {
            engine_id: engine.id,
            ...conflictFields(refused.conflict),
          });
        },
      })
      .finally(() => presence?.release());
    if (!held) {
      await lockFiles.close();
      return { kind: 'stopped' };
    }
    say(`website-monitor: took over the Docker engine ${engine.id}\n`);
    return acting();
  })();
  return {
    kind: 'standby',
    ...guards,
    takeover,
    release: async () => {
      standbyStop.abort();
      const ended = await takeover;
      if (ended.kind === 'acting') await ended.release();
    },
  };
}

function unguarded(engine: EngineInfo | undefined): EngineHold {
  return {
    kind: 'acting',
    engine,
    guard: (runtime) => runtime,
    guardSwarmServices: (services) => services,
    fence: (store) => store,
    role: () => ({ role: 'active', ...(engine === undefined ? {} : { engineId: engine.id }) }),
    lost: never,
    release: async () => {},
  };
}

function conflictFields(conflict: EngineLeaseConflict): Record<string, unknown> {
  const holder = conflict.heldBy?.holder;
  return {
    where: conflict.where,
    ...(holder === undefined
      ? {}
      : {
          holder_host: holder.hostName,
          holder_pid: holder.pid,
          holder_started_at: new Date(holder.startedAt).toISOString(),
          holder_id: holder.id,
          ...(holder.store === undefined ? {} : { holder_store: holder.store }),
        }),
  };
}

function holderKey(conflict: EngineLeaseConflict): string {
  return `${conflict.where}\u0000${conflict.heldBy?.holder.id ?? ''}`;
}

/**
 * The engine's ID, asked until an engine answers (the stderr line saying none does was already
 * printed); an Error when the engine answers without a usable ID; 'stopped' on a stop request.
 */
async function identifyEngine(
  info: NonNullable<ContainerRuntime['info']>,
  options: HoldEngineOptions,
): Promise<EngineInfo | Error | 'stopped'> {
  for (let failures = 0; ; failures++) {
    if (options.signal.aborted) return 'stopped';
    try {
      return await info({ signal: AbortSignal.any([options.signal, AbortSignal.timeout(10_000)]) });
    } catch (error) {
      if (options.signal.aborted) return 'stopped';
      const retryable =
        (ContainerRuntimeError.isInstance(error) && (error as ContainerRuntimeError).isRetryable) ||
        (error instanceof DOMException && error.name === 'TimeoutError');
      if (!retryable) return error instanceof Error ? error : new Error(describeError(error));
      options.logger.log('debug', 'engine_id_waiting', {
        error: describeError(error),
        attempt: failures + 1,
      });
      try {
        await options.clock.sleep(
          backoffDelayMs({
            attempt: failures,
            initialMs: engineRetryInitialMs,
            maxMs: engineRetryMaxMs,
            random: Math.random,
          }),
          options.signal,
        );
      } catch {
        return 'stopped';
      }
    }
  }
}

/** `run`'s call: the lock directory from the environment, the store's leases, a stop as a signal. */
export function holdEngineForRun(input: {
  readonly runtime: ContainerRuntime;
  readonly agentStore: AgentStore;
  readonly storeKind: 'sqlite' | 'postgres';
  readonly standby: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly say: (line: string) => void;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly stopRequested: Promise<unknown>;
}): Promise<EngineHold> {
  const { agentStore } = input;
  const stopping = new AbortController();
  void input.stopRequested.then(() => stopping.abort());
  const storeWhere =
    input.storeKind === 'sqlite'
      ? `the SQLite store ${agentStore.where}`
      : `the PostgreSQL database ${agentStore.where}`;
  return holdEngine({
    runtime: input.runtime,
    ...(agentStore.leases === undefined ? {} : { store: { leases: agentStore.leases, where: storeWhere } }),
    lockDirectory: engineLockDirectory({
      env: input.env,
      uid: typeof process.getuid === 'function' ? process.getuid() : undefined,
    }),
    standby: input.standby,
    storeLocation: agentStore.where,
    clock: input.clock,
    logger: input.logger,
    say: input.say,
    signal: stopping.signal,
  });
}
