import type { Diagnosis } from './diagnosis.js';
import type { Problem, ProblemKind } from './health.js';

/** opened -> diagnosing -> healing -> resolved | escalated; awaiting_approval when a person must say yes. */
export type IncidentStatus =
  | 'open'
  | 'diagnosing'
  | 'healing'
  | 'awaiting_approval'
  | 'resolved'
  | 'escalated';

/** The statuses of an incident that is not over yet (neither resolved nor escalated). */
export const openIncidentStatuses: readonly IncidentStatus[] = [
  'open',
  'diagnosing',
  'healing',
  'awaiting_approval',
];

/**
 * A container's failure, from the first failed check until it is resolved or escalated to a
 * person: what was seen, the diagnosis, what was done. Times are ms since the epoch.
 */
export interface Incident {
  readonly id: string;
  readonly host: string;
  readonly containerId: string;
  readonly containerName: string;
  /** The kind of the first problem seen. */
  readonly trigger: ProblemKind;
  readonly problems: readonly Problem[];
  readonly status: IncidentStatus;
  readonly openedAt: number;
  readonly updatedAt: number;
  readonly resolvedAt: number | null;
  readonly exitCode: number | null;
  readonly oomKilled: boolean;
  readonly diagnosis: Diagnosis | null;
  /** Names of the actions run for it, in order. */
  readonly actionsTaken: readonly string[];
  /** Resolved after at least one action of ours succeeded. */
  readonly autoHealed: boolean;
  /** Why it was escalated or left to a person. */
  readonly escalationReason: string | null;
  /**
   * What happened to it, oldest first: each diagnosis it was given (a refined one does not erase
   * the first), each reopening. Bounded (see `maxIncidentHistory`); absent on older records.
   */
  readonly history?: readonly IncidentHistoryEntry[];
  /** How many times a failure came back within the reopen window and reopened it. */
  readonly reopenCount?: number;
}

/** One event in an incident's history: a diagnosis it was given, or a reopening. */
export type IncidentHistoryEntry =
  | { readonly at: number; readonly kind: 'diagnosed'; readonly diagnosis: Diagnosis }
  | {
      readonly at: number;
      readonly kind: 'reopened';
      /** When it had been resolved, and what came back. */
      readonly resolvedAt: number | null;
      readonly problem: string;
    };
