import type { ContainerEvent } from '../domain/container.js';

/**
 * Tells which container events we caused, which a person caused, and which are failures, so a
 * container a person stopped or paused is left alone instead of being "healed" (autoheal #22 #98).
 *
 * The Docker event sequences it reads (the daemon emits them in this order):
 * - `docker stop`    kill (signal 15, or the image's STOPSIGNAL) -> die -> stop
 *                    (after the timeout a second kill with signal 9 comes before the die)
 * - `docker kill`    kill (signal 9) -> die
 * - `docker restart` kill -> die -> stop -> start -> restart
 * - `docker pause`   pause; `docker unpause` unpause; `docker start` start
 * - a crash          die (no kill first)
 * - an OOM kill      oom -> die
 * - Docker's restart policy after a crash: die -> start
 *
 * A `kill` alone does not mean a stop: `docker kill -s HUP` reloads nginx and the container runs
 * on. Only the `die` that follows a kill we did not send (or a `stop` we did not ask for) marks
 * the container as stopped by an operator. A later `start` or `unpause`, by anyone, clears it.
 */
export type OwnAction = 'restart' | 'start' | 'stop';

export type EventCause =
  /** Part of an action we announced with `expectOwnAction`. */
  | 'own'
  /** A person stopped or killed it: leave it alone. */
  | 'operator_stop'
  | 'operator_pause'
  /** A person started or unpaused it (clears the operator mark). */
  | 'operator_start'
  /** It died by itself (no kill before the die, or an OOM kill). */
  | 'crash'
  /**
   * Nothing to attribute: a signal that may not stop it, an `oom` of some child process,
   * health_status, create, destroy, or a start after a crash (Docker's restart policy or a
   * person: the events cannot tell which, and the container is running again either way).
   */
  | 'other';

export type OperatorHold = 'stopped' | 'paused';

export interface OperatorIntentTracker {
  /**
   * We are about to act on the container: its kill/die/stop/start/restart/pause/unpause events up
   * to `until` (ms since the epoch, compared with the event's time) are ours. The expectation
   * ends early at the event that completes the action (`restart`, `stop` or `start`).
   */
  expectOwnAction(input: {
    readonly containerId: string;
    readonly action: OwnAction;
    readonly until: number;
  }): void;
  /** Our action is over (it failed, or it was carried out by other calls than the one announced). */
  clearOwnAction(input: { readonly containerId: string }): void;
  observe(event: ContainerEvent): EventCause;
  /** True while a person's stop or pause holds: rule and model healing must leave it alone. */
  isOperatorStopped(containerId: string): boolean;
  operatorHold(containerId: string): OperatorHold | undefined;
  /** Sets the mark from outside the event stream, e.g. from storage after the agent restarted. */
  markOperatorHold(input: { readonly containerId: string; readonly hold: OperatorHold }): void;
}

/**
 * How long after a kill we did not send its `die` still counts as part of that person's stop.
 * `docker stop` sends SIGKILL (a second kill event) when the timeout ends, and always ends
 * with a `stop` event, so this only needs to cover a container that exits on its own signal.
 */
export const defaultKillToDieWindowMs = 60_000;

interface ContainerIntent {
  own: { readonly action: OwnAction; readonly until: number } | undefined;
  operatorKillAt: number | undefined;
  oomAt: number | undefined;
  hold: OperatorHold | undefined;
  lastDieWasCrash: boolean;
  lastStartCause: EventCause | undefined;
}

const completingEvent: Readonly<Record<OwnAction, ContainerEvent['action']>> = {
  restart: 'restart',
  stop: 'stop',
  start: 'start',
};

const ownableEvents: ReadonlySet<ContainerEvent['action']> = new Set([
  'kill',
  'die',
  'stop',
  'start',
  'restart',
  'pause',
  'unpause',
]);

export function createOperatorIntentTracker(
  options: { readonly killToDieWindowMs?: number } = {},
): OperatorIntentTracker {
  const killToDieWindowMs = options.killToDieWindowMs ?? defaultKillToDieWindowMs;
  const intents = new Map<string, ContainerIntent>();

  const intentOf = (containerId: string): ContainerIntent => {
    let intent = intents.get(containerId);
    if (!intent) {
      intent = {
        own: undefined,
        operatorKillAt: undefined,
        oomAt: undefined,
        hold: undefined,
        lastDieWasCrash: false,
        lastStartCause: undefined,
      };
      intents.set(containerId, intent);
    }
    return intent;
  };

  const observe = (event: ContainerEvent): EventCause => {
    if (event.action === 'destroy') {
      intents.delete(event.containerId);
      return 'other';
    }
    const intent = intentOf(event.containerId);
    if (intent.own && event.time > intent.own.until) intent.own = undefined;
    const own = intent.own !== undefined && ownableEvents.has(event.action);

    switch (event.action) {
      case 'oom':
        // An OOM kill of PID 1 is followed by a die; of a child process, by nothing.
        intent.oomAt = event.time;
        return 'other';
      case 'kill':
        // A kill comes between an OOM and a die only when someone stops the container.
        intent.oomAt = undefined;
        if (own) return 'own';
        intent.operatorKillAt = event.time;
        return 'other';
      case 'die': {
        const afterOom = intent.oomAt !== undefined;
        const afterOperatorKill =
          intent.operatorKillAt !== undefined && event.time - intent.operatorKillAt <= killToDieWindowMs;
        intent.oomAt = undefined;
        intent.operatorKillAt = undefined;
        intent.lastDieWasCrash = false;
        // The OOM killer is nobody's intent, even inside our own restart's window.
        if (afterOom) {
          intent.lastDieWasCrash = true;
          return 'crash';
        }
        if (own) return 'own';
        if (afterOperatorKill) {
          intent.hold = 'stopped';
          return 'operator_stop';
        }
        intent.lastDieWasCrash = true;
        return 'crash';
      }
      case 'stop':
        if (own) return settleOwn(intent, 'stop');
        intent.hold = 'stopped';
        intent.lastDieWasCrash = false;
        return 'operator_stop';
      case 'start': {
        intent.oomAt = undefined;
        if (own) {
          intent.hold = undefined;
          intent.lastStartCause = 'own';
          intent.lastDieWasCrash = false;
          return settleOwn(intent, 'start');
        }
        const wasHeld = intent.hold !== undefined;
        intent.hold = undefined;
        const cause: EventCause = !wasHeld && intent.lastDieWasCrash ? 'other' : 'operator_start';
        intent.lastDieWasCrash = false;
        intent.lastStartCause = cause;
        return cause;
      }
      case 'restart': {
        intent.hold = undefined;
        if (own) return settleOwn(intent, 'restart');
        // `restart` closes the sequence whose `start` was just classified.
        const cause = intent.lastStartCause ?? 'operator_start';
        return cause === 'own' ? 'operator_start' : cause;
      }
      case 'pause':
        if (own) return 'own';
        intent.hold = 'paused';
        return 'operator_pause';
      case 'unpause':
        intent.hold = undefined;
        return own ? 'own' : 'operator_start';
      default:
        return 'other';
    }
  };

  const settleOwn = (intent: ContainerIntent, action: ContainerEvent['action']): EventCause => {
    if (intent.own && completingEvent[intent.own.action] === action) intent.own = undefined;
    return 'own';
  };

  return {
    expectOwnAction({ containerId, action, until }) {
      const intent = intentOf(containerId);
      intent.own = { action, until };
      // Acting on it ourselves (a person's REST call included) supersedes an earlier hold.
      intent.operatorKillAt = undefined;
    },
    clearOwnAction({ containerId }) {
      const intent = intents.get(containerId);
      if (intent) intent.own = undefined;
    },
    observe,
    isOperatorStopped(containerId) {
      return intents.get(containerId)?.hold !== undefined;
    },
    operatorHold(containerId) {
      return intents.get(containerId)?.hold;
    },
    markOperatorHold({ containerId, hold }) {
      intentOf(containerId).hold = hold;
    },
  };
}
