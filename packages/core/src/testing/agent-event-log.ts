import type { EventEmitter } from 'eventemitter3';
import type { AgentEvents } from '../agent/agent-events.js';
import type { Clock } from '../ports/clock.js';

/** The name of one of the agent's events (`AgentEvents`): `'healing:result'`, `'incident:opened'`... */
export type AgentEventName = keyof AgentEvents;

/** What an agent event carries (each has one argument): `Incident` for `'incident:opened'`... */
export type AgentEventPayload<Name extends AgentEventName> = Parameters<AgentEvents[Name]>[0];

/**
 * One agent event as an agent under test recorded it. Narrowing on `name` types the payload:
 * `if (event.name === 'healing:result') event.payload.result`.
 */
export type RecordedAgentEvent = {
  [Name in AgentEventName]: {
    /** Its position in `events`, from 0. */
    readonly index: number;
    readonly name: Name;
    readonly payload: AgentEventPayload<Name>;
    /** The agent's clock when it was emitted, in ms since the epoch (as the records' times). */
    readonly at: number;
  };
}[AgentEventName];

/** How long `waitFor` waits, and from which recorded event on it looks. */
export interface WaitForAgentEventOptions {
  /**
   * Real milliseconds, whatever clock the agent runs on. Default 4 000: below the 5 s test timeout
   * of vitest and jest, so that a wait that fails says what did arrive before the framework gives
   * up on the test. A longer wait (an incident's resolution after `resolve_after_seconds`) needs a
   * longer timeout here and in the framework.
   */
  readonly timeoutMs?: number;
  /**
   * The position in `events` to look from. Default 0: every event since the start counts, those
   * that arrived before the call too. Pass `events.length` read before an action to wait for what
   * that action causes, e.g. the second crash's restart.
   */
  readonly since?: number;
}

/** The agent's events, kept in order, and waits on them that always end. */
export interface AgentEventLog {
  readonly events: readonly RecordedAgentEvent[];
  waitFor<Name extends AgentEventName>(
    name: Name,
    predicate?: (payload: AgentEventPayload<Name>) => boolean,
    options?: WaitForAgentEventOptions,
  ): Promise<AgentEventPayload<Name>>;
  /** Ends every wait still pending with this reason (the agent stopped: nothing more will come). */
  close(reason: string): void;
}

/** The default of `WaitForAgentEventOptions.timeoutMs`. */
export const defaultAgentEventTimeoutMs = 4_000;

// Every event of `AgentEvents`, checked by the compiler both ways: an event added there and not
// here, or a name here that is not an event, fails to build.
const recordedEventNames: Record<AgentEventName, true> = {
  'check:completed': true,
  'check:failed': true,
  'incident:opened': true,
  'incident:updated': true,
  'incident:reopened': true,
  'incident:resolved': true,
  'incident:escalated': true,
  'healing:attempt': true,
  'healing:result': true,
  'approval:required': true,
  'approval:decided': true,
  'engine:connection': true,
  'container:forgotten': true,
  'diagnosis:completed': true,
};

/** How many events a timeout's message lists (the latest); the rest are counted. */
const listedInMessage = 40;

/** The emitter side of the agent, all the log needs. */
type AgentEventSource = Pick<EventEmitter<AgentEvents>, 'on'>;

interface PendingWait {
  readonly offer: (event: RecordedAgentEvent) => void;
  readonly close: (reason: string) => void;
}

/**
 * Subscribes to every event of `agent` and records it with the clock's time. `describeWatched`
 * adds what the agent watches to a timeout's message: a wait that never ends is most often a
 * container the agent does not watch.
 */
export function createAgentEventLog(options: {
  readonly agent: AgentEventSource;
  readonly clock: Clock;
  readonly describeWatched: () => string;
}): AgentEventLog {
  const events: RecordedAgentEvent[] = [];
  const pending = new Set<PendingWait>();
  let closedReason: string | undefined;

  for (const name of Object.keys(recordedEventNames) as AgentEventName[]) {
    options.agent.on(name, (payload: RecordedAgentEvent['payload']) => {
      const event = { index: events.length, name, payload, at: options.clock.now() } as RecordedAgentEvent;
      events.push(event);
      for (const wait of [...pending]) wait.offer(event);
    });
  }

  return {
    events,
    async waitFor<Name extends AgentEventName>(
      name: Name,
      predicate?: (payload: AgentEventPayload<Name>) => boolean,
      waitOptions: WaitForAgentEventOptions = {},
    ): Promise<AgentEventPayload<Name>> {
      const timeoutMs = waitOptions.timeoutMs ?? defaultAgentEventTimeoutMs;
      const since = waitOptions.since ?? 0;
      const matches = (event: RecordedAgentEvent): boolean =>
        event.name === name &&
        (predicate === undefined || predicate(event.payload as AgentEventPayload<Name>));
      const found = events.slice(since).find(matches);
      if (found) return found.payload as AgentEventPayload<Name>;
      const wanted = predicate ? `'${name}' event that matches the predicate` : `'${name}' event`;
      if (closedReason !== undefined) throw new Error(`no ${wanted}: ${closedReason}`);

      return new Promise<AgentEventPayload<Name>>((resolve, reject) => {
        const end = () => {
          clearTimeout(timer);
          pending.delete(wait);
        };
        const wait: PendingWait = {
          offer: (event) => {
            try {
              if (!matches(event)) return;
              end();
              resolve(event.payload as AgentEventPayload<Name>);
            } catch (error) {
              end();
              reject(error);
            }
          },
          close: (reason) => {
            end();
            reject(new Error(`no ${wanted}: ${reason}\n${describeEvents(events, since)}`));
          },
        };
        const timer = setTimeout(() => {
          end();
          reject(
            new Error(
              `waitFor('${name}') timed out after ${timeoutMs} ms: no ${wanted} arrived.\n` +
                `${describeEvents(events, since)}\n${options.describeWatched()}`,
            ),
          );
        }, timeoutMs);
        pending.add(wait);
      });
    },
    close(reason) {
      closedReason = reason;
      for (const wait of [...pending]) wait.close(reason);
    },
  };
}

/** The events a wait looked at, one line each, for a failure message. */
function describeEvents(events: readonly RecordedAgentEvent[], since: number): string {
  const seen = events.slice(since);
  const from = since > 0 ? ` since #${since}` : '';
  if (seen.length === 0) return `No event arrived${from}.`;
  const shown = seen.slice(-listedInMessage);
  const hidden = seen.length - shown.length;
  return [
    `The ${seen.length} event${seen.length === 1 ? '' : 's'} that arrived${from}:`,
    ...(hidden > 0 ? [`  ... ${hidden} earlier`] : []),
    ...shown.map((event) => `  #${event.index} ${event.name} ${describePayload(event)}`),
  ].join('\n');
}

/** The few fields of an event that tell one from another. */
function describePayload(event: RecordedAgentEvent): string {
  switch (event.name) {
    case 'check:completed':
    case 'check:failed': {
      const verdict = event.payload;
      const problems = verdict.problems.map((problem) => problem.kind).join(', ');
      return `${verdict.containerName}: ${verdict.status}${problems ? ` (${problems})` : ''}`;
    }
    case 'incident:opened':
    case 'incident:updated':
    case 'incident:reopened':
    case 'incident:resolved':
    case 'incident:escalated':
      return `${event.payload.containerName}: ${event.payload.trigger}, ${event.payload.status}`;
    case 'healing:attempt':
    case 'healing:result':
      return `${event.payload.containerName}: ${event.payload.action} ${event.payload.result}`;
    case 'approval:required':
    case 'approval:decided':
      return `${event.payload.containerName}: ${event.payload.action} ${event.payload.status}`;
    case 'engine:connection':
      return event.payload.connected ? 'connected' : `disconnected (${event.payload.error ?? 'no reason'})`;
    case 'container:forgotten':
      return event.payload.name;
    case 'diagnosis:completed':
      return `${event.payload.incident.containerName}: ${event.payload.diagnosis.source} says ${event.payload.diagnosis.recommendedAction}`;
  }
}
