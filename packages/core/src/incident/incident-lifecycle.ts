import { normalizeActionName } from '../domain/action.js';
import type { Diagnosis } from '../domain/diagnosis.js';
import type { HealthVerdict, Problem } from '../domain/health.js';
import type { Incident, IncidentHistoryEntry, IncidentStatus } from '../domain/incident.js';
import { MonitorError } from '../errors/monitor-error.js';
import { IncidentTransitionError } from './incident-transition-error.js';

/**
 * The edges of the incident state machine. Besides the main path (open -> diagnosing -> healing
 * -> resolved | escalated), a container can recover by itself at any point before the end, an
 * escalated incident is resolved when the container recovers later, and a person's approval moves
 * between healing and awaiting_approval; a person may still act on an escalated incident (an
 * approval or a REST call moves it back to healing). A resolved incident only moves again when the
 * same failure comes back within the reopen window (`reopenIncident`): one problem, one record.
 */
export const incidentTransitions: Readonly<Record<IncidentStatus, readonly IncidentStatus[]>> = {
  // Escalated before any diagnosis: a person's request refused at once (budget spent).
  open: ['diagnosing', 'resolved', 'escalated'],
  diagnosing: ['healing', 'awaiting_approval', 'resolved', 'escalated'],
  healing: ['awaiting_approval', 'resolved', 'escalated'],
  awaiting_approval: ['healing', 'resolved', 'escalated'],
  escalated: ['healing', 'resolved'],
  // Final for every ordinary move; only `reopenIncident` brings a resolved incident back.
  resolved: [],
};

export function canTransition(from: IncidentStatus, to: IncidentStatus): boolean {
  return incidentTransitions[from].includes(to);
}

/** A new incident for an unhealthy verdict; its trigger is the kind of the verdict's first problem. */
export function openIncident(options: {
  readonly id: string;
  readonly host: string;
  readonly verdict: HealthVerdict;
  readonly now: number;
}): Incident {
  const { verdict, now } = options;
  const first = verdict.problems[0];
  if (first === undefined) {
    throw new MonitorError(
      'usage',
      `cannot open an incident for ${verdict.containerName}: its verdict has no problem`,
    );
  }
  return {
    id: options.id,
    host: options.host,
    containerId: verdict.containerId,
    containerName: verdict.containerName,
    trigger: first.kind,
    problems: mergeProblemLists([], verdict.problems),
    status: 'open',
    openedAt: now,
    updatedAt: now,
    resolvedAt: null,
    exitCode: verdict.metrics.exitCode,
    oomKilled: verdict.metrics.oomKilled,
    diagnosis: null,
    actionsTaken: [],
    autoHealed: false,
    escalationReason: null,
  };
}

/**
 * Moves an incident to `to`, or throws `IncidentTransitionError` for an edge the lifecycle lacks.
 * `reason` is kept as the escalation reason (for `escalated` and `awaiting_approval`);
 * `autoHealed` applies when resolving.
 */
export function transitionIncident(
  incident: Incident,
  options: {
    readonly to: IncidentStatus;
    readonly now: number;
    readonly reason?: string;
    readonly autoHealed?: boolean;
  },
): Incident {
  const { to, now } = options;
  if (!canTransition(incident.status, to)) {
    throw new IncidentTransitionError(incident.id, incident.status, to, incidentTransitions[incident.status]);
  }
  const leftToPerson = to === 'escalated' || to === 'awaiting_approval';
  return {
    ...incident,
    status: to,
    updatedAt: now,
    resolvedAt: to === 'resolved' ? now : incident.resolvedAt,
    autoHealed: to === 'resolved' ? (options.autoHealed ?? false) : incident.autoHealed,
    escalationReason:
      leftToPerson && options.reason !== undefined ? options.reason : incident.escalationReason,
  };
}

/** `autoHealed`: an action of ours succeeded before the container recovered. */
export function resolveIncident(
  incident: Incident,
  options: { readonly now: number; readonly autoHealed: boolean },
): Incident {
  return transitionIncident(incident, { to: 'resolved', now: options.now, autoHealed: options.autoHealed });
}

export function escalateIncident(
  incident: Incident,
  options: { readonly reason: string; readonly now: number },
): Incident {
  return transitionIncident(incident, { to: 'escalated', now: options.now, reason: options.reason });
}

/**
 * Sets the incident's current diagnosis. Every diagnosis it is given is also kept in its history,
 * so a refined one (after the log tail came in, or the model's) never erases the first.
 */
export function withDiagnosis(incident: Incident, diagnosis: Diagnosis, now: number): Incident {
  assertNotResolved(incident, 'diagnosis');
  return {
    ...incident,
    diagnosis,
    updatedAt: now,
    history: appendHistory(incident.history, { at: now, kind: 'diagnosed', diagnosis }),
  };
}

/**
 * The same failure came back soon after the incident was resolved: it is opened again rather than
 * a new one, so a crash loop or a flapping endpoint reads as one problem. The earlier diagnosis
 * stays until a new one is made; the problems are merged; auto-healed is judged afresh.
 */
export function reopenIncident(
  incident: Incident,
  options: { readonly problems: readonly Problem[]; readonly now: number },
): Incident {
  if (incident.status !== 'resolved') {
    throw new IncidentTransitionError(
      incident.id,
      incident.status,
      'open',
      incidentTransitions[incident.status],
    );
  }
  const first = options.problems[0];
  return {
    ...incident,
    status: 'open',
    problems: mergeProblemLists(incident.problems, options.problems),
    updatedAt: options.now,
    resolvedAt: null,
    autoHealed: false,
    escalationReason: null,
    reopenCount: (incident.reopenCount ?? 0) + 1,
    history: appendHistory(incident.history, {
      at: options.now,
      kind: 'reopened',
      resolvedAt: incident.resolvedAt,
      problem: first ? first.message : 'failed again',
    }),
  };
}

/** Enough for a long crash loop's story; the first entries and the newest are what people read. */
export const maxIncidentHistory = 40;

function appendHistory(
  history: readonly IncidentHistoryEntry[] | undefined,
  entry: IncidentHistoryEntry,
): readonly IncidentHistoryEntry[] {
  const next = [...(history ?? []), entry];
  if (next.length <= maxIncidentHistory) return next;
  // Keep how it started (the first diagnosis) and the most recent entries.
  const head = next.slice(0, 2);
  return [...head, ...next.slice(next.length - (maxIncidentHistory - head.length))];
}

/** Records that an action ran (under its canonical name), in order; repeats are kept as repeats. */
export function withAction(incident: Incident, action: string, now: number): Incident {
  assertNotResolved(incident, 'action');
  return {
    ...incident,
    actionsTaken: [...incident.actionsTaken, normalizeActionName(action)],
    updatedAt: now,
  };
}

/** Adds what a later check found, keeping one entry per problem (see `mergeProblemLists`). */
export function mergeProblems(incident: Incident, problems: readonly Problem[], now: number): Incident {
  const merged = mergeProblemLists(incident.problems, problems);
  const changed =
    merged.length !== incident.problems.length ||
    merged.some((problem, index) => {
      const before = incident.problems[index];
      return before === undefined || before.kind !== problem.kind || before.message !== problem.message;
    });
  return changed ? { ...incident, problems: merged, updatedAt: now } : incident;
}

/** Enough for every built-in kind plus a handful of distinct custom errors. */
export const maxIncidentProblems = 32;

/**
 * One entry per problem kind, the newest message winning and first-seen order kept: a slow
 * response measured at every check would otherwise grow the list forever. `custom_error`
 * problems are told apart by message, since one kind covers every user check.
 */
export function mergeProblemLists(
  existing: readonly Problem[],
  incoming: readonly Problem[],
): readonly Problem[] {
  const byKey = new Map<string, Problem>();
  for (const problem of [...existing, ...incoming]) byKey.set(problemKey(problem), problem);
  const merged = [...byKey.values()];
  return merged.length > maxIncidentProblems ? merged.slice(0, maxIncidentProblems) : merged;
}

function problemKey(problem: Problem): string {
  return problem.kind === 'custom_error' ? `${problem.kind}\u0000${problem.message}` : problem.kind;
}

function assertNotResolved(incident: Incident, what: string): void {
  if (incident.status === 'resolved') {
    throw new MonitorError('usage', `incident ${incident.id} is resolved; no ${what} can be added to it`);
  }
}
