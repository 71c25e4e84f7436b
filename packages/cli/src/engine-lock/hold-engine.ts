import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  type Clock,
  type ContainerRuntime,
  ContainerRuntimeError,
  type EngineInfo,
  type EngineLeaseHolder,
  type EngineLeaseStore,
  type Logger,
} from '@website-monitor/core';
import {
  backoffDelayMs,
  describeLeaseConflict,
  type EngineLeaseAttempt,
  type EngineLeaseConflict,
  EngineLeaseKeeper,
  type EngineLeasePlace,
  leaseGuardedRuntime,
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

export type EngineHold =
  | {
      readonly kind: 'acting';
      /** Undefined when the runtime cannot name its engine (no lease is held then). */
      readonly engine: EngineInfo | undefined;
      /** The runtime to act through: restart, start and exec are refused unless the lease is held. */
      guard<Runtime extends ContainerRuntime>(runtime: Runtime): Runtime;
      /** Resolves when the lease is lost (someone else took it); never rejects. */
      readonly lost: Promise<EngineLeaseLost>;
      /** Hands the lease back (clean stop) so a standby takes over at once. */
      release(): Promise<void>;
    }
  /** Another agent holds the engine (`exitCode` 3) or the lock directory is unusable (2); said already. */
  | { readonly kind: 'refused'; readonly exitCode: number }
  /** Stopped (SIGTERM) while waiting for the engine or as a standby. */
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
 * with a line naming that process (exit 3), or with `--standby` waits and takes over when the
 * holder goes away. A lease held only in the store (never the host lock) may be a crashed
 * agent's that has not lapsed yet, so a refusal waits one lease period for it first.
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
  if (options.store !== undefined) {
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
    attempt.conflict.where !== lockPlace.where
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

  if (!attempt.held && 'unreachable' in attempt) {
    say(
      `website-monitor: cannot use ${attempt.unreachable.where}: ${attempt.unreachable.error}; set WEBSITE_MONITOR_LOCK_DIR to a private directory all agents on this host share\n`,
    );
    logger.log('error', 'engine_lease_unusable', {
      where: attempt.unreachable.where,
      error: attempt.unreachable.error,
    });
    return giveUp(exitCodes.usage);
  }

  if (!attempt.held && 'conflict' in attempt) {
    if (!options.standby) {
      say(
        `website-monitor: not acting: ${describe(attempt.conflict)}. Stop that agent first, or run this one with --standby to take over when it goes away\n`,
      );
      logger.log('error', 'engine_lease_refused', {
        engine_id: engine.id,
        ...conflictFields(attempt.conflict),
      });
      return giveUp(exitCodes.engineHeld);
    }
    say(`website-monitor: standby: ${describe(attempt.conflict)}; taking over when it goes away\n`);
    logger.log('info', 'engine_lease_standby', { engine_id: engine.id, ...conflictFields(attempt.conflict) });
    let shown = holderKey(attempt.conflict);
    const held = await keeper.waitForLease({
      signal,
      onWaiting: (refused) => {
        if (!('conflict' in refused) || holderKey(refused.conflict) === shown) return;
        shown = holderKey(refused.conflict);
        logger.log('info', 'engine_lease_standby', {
          engine_id: engine.id,
          ...conflictFields(refused.conflict),
        });
      },
    });
    if (!held) {
      await lockFiles.close();
      return { kind: 'stopped' };
    }
    say(`website-monitor: took over the Docker engine ${engine.id}\n`);
  }

  let lostMessage: string | undefined;
  const lost = new Promise<EngineLeaseLost>((resolve) => {
    keeper.onLost((loss) => {
      lostMessage =
        loss.reason === 'taken'
          ? describe(loss)
          : `the lease in ${loss.where} could not be renewed in time, so another agent may take it`;
      resolve({ message: lostMessage });
    });
  });
  return {
    kind: 'acting',
    engine,
    guard: (acting) =>
      leaseGuardedRuntime({
        runtime: acting,
        mayAct: () => keeper.mayAct(),
        refusal: () => `this agent does not hold the engine lease${lostMessage ? ` (${lostMessage})` : ''}`,
      }),
    lost,
    release: async () => {
      await keeper.release();
      await lockFiles.close();
    },
  };
}

function unguarded(engine: EngineInfo | undefined): EngineHold {
  return { kind: 'acting', engine, guard: (runtime) => runtime, lost: never, release: async () => {} };
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
