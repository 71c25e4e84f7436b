import type { HealthVerdict } from '../domain/health.js';
import type { AgentLog } from './agent-support.js';
import type { ContainerRegistry } from './container-registry.js';
import type { ContainerWatch } from './container-watch.js';
import type { IncidentCoordinator } from './incident-coordinator.js';

/** How often a container that is still starting is looked at again while the agent stops. */
const startingPollMs = 250;

export interface StopSettlementDeps {
  readonly containers: Pick<ContainerRegistry, 'watches'>;
  /** One check of the container, HTTP probe included, judged and recorded like any other. */
  readonly check: (watch: ContainerWatch) => Promise<HealthVerdict | undefined>;
  readonly incidents: Pick<IncidentCoordinator, 'resolve' | 'escalate'>;
  readonly log: AgentLog;
  /** Milliseconds left before the stop timeout. */
  readonly remainingMs: () => number;
  /** The stop timeout, for the reason written on an incident it cut short. */
  readonly timeoutSeconds: number;
  /**
   * Containers whose healing was under way when the stop began. Only their incidents are settled:
   * one that was merely waiting to be confirmed is left for the next run, which restores it.
   */
  readonly actedOn: ReadonlySet<string>;
}

/** Incidents the agent was healing when it stopped: whether each could be settled, and how. */
export interface StopSettlement {
  readonly resolved: readonly string[];
  readonly interrupted: readonly string[];
}

/**
 * An incident left in `healing` by an action the stop let finish claims that someone is healing
 * it, and after the agent stopped nobody is. Each one is settled before the agent ends: when its container answers a check as
 * healthy (the action brought it back), it is resolved at once, without waiting out
 * `resolve_after_seconds` (a relapse within the reopen window reopens it, in the next agent);
 * otherwise, or when the stop timeout runs out first, it is escalated with a reason that says
 * the agent stopped and what it last saw, so a person is told and no record pretends work goes on.
 */
export async function settleIncidentsOnStop(deps: StopSettlementDeps): Promise<StopSettlement> {
  const healing = [...deps.containers.watches()].filter(
    (watch) => watch.incident?.status === 'healing' && deps.actedOn.has(watch.name),
  );
  const resolved: string[] = [];
  const interrupted: string[] = [];
  await Promise.all(
    healing.map(async (watch) => {
      const outcome = await settleOne(deps, watch);
      if (outcome.resolved) {
        await deps.incidents.resolve(watch, outcome.how);
        resolved.push(watch.name);
      } else {
        await deps.incidents.escalate(watch, outcome.reason);
        interrupted.push(watch.name);
      }
    }),
  );
  if (healing.length > 0) {
    deps.log(interrupted.length > 0 ? 'warn' : 'info', 'incidents_settled_on_stop', {
      resolved,
      interrupted,
    });
  }
  return { resolved, interrupted };
}

type Outcome = { resolved: true; how: string } | { resolved: false; reason: string };

async function settleOne(deps: StopSettlementDeps, watch: ContainerWatch): Promise<Outcome> {
  const stopped = `interrupted: the agent stopped while healing ${watch.name}`;
  const lastAction = watch.incident?.actionsTaken.at(-1);
  if (watch.actionsInFlight > 0) {
    return {
      resolved: false,
      reason: `${stopped}: ${lastAction ?? 'its action'} was still running when the stop timeout (${deps.timeoutSeconds} s) ran out`,
    };
  }
  let verdict: HealthVerdict | undefined;
  while (deps.remainingMs() > 0) {
    verdict = await withinMs(deps.check(watch), deps.remainingMs()).catch(() => undefined);
    if (verdict?.healthy) {
      const how = watch.healedByUs ? 'healed' : 'recovered';
      return { resolved: true, how: `${how} (confirmed by a check as the agent stopped)` };
    }
    // A run that has not passed its start period yet may still come good within the timeout.
    if (verdict?.status !== 'starting') break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(startingPollMs, deps.remainingMs())));
  }
  const seen = verdict
    ? `the last check found it ${verdict.status.replaceAll('_', ' ')}${verdict.problems[0] ? ` (${verdict.problems[0].message})` : ''}`
    : `no check could confirm it recovered within the stop timeout (${deps.timeoutSeconds} s)`;
  return {
    resolved: false,
    reason: `${stopped}${lastAction ? ` after ${lastAction}` : ''}: ${seen}; it stays with people until the container is seen healthy again`,
  };
}

/** The promise's value, or undefined once `ms` passed (a real timer: a stop runs in wall time). */
export function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), Math.max(0, ms));
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
