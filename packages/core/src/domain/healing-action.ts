/** Who decided an action: the rules, the model's diagnosis (still gated by policy), or a person. */
export type ActionDecidedBy = 'rule' | 'model' | 'person';
/** How a healing attempt ended; `pending` while it runs, `dry_run` when it was only logged. */
export type ActionResult = 'pending' | 'succeeded' | 'failed' | 'skipped' | 'dry_run';

/** One healing attempt, written before it runs (`pending`) and again when it ends. */
export interface HealingActionRecord {
  readonly id: string;
  readonly host: string;
  readonly incidentId: string;
  readonly containerId: string;
  readonly containerName: string;
  readonly action: string;
  readonly reason: string;
  readonly decidedBy: ActionDecidedBy;
  readonly result: ActionResult;
  readonly startedAt: number;
  readonly durationMs: number | null;
  readonly detail: string | null;
  readonly error: string | null;
}

/** Where a request for a person's approval stands. */
export type ApprovalStatus = 'pending' | 'approved' | 'rejected';

/**
 * The settings of the strategy step a person was asked about (`custom_script`'s script, a
 * `restart_if_above_threshold` threshold, its timeout and attempts), kept with the request so the
 * approved step runs exactly as it was queued, after an agent restart too. Only the settings the
 * step had are present.
 */
export interface ApprovalStepParams {
  readonly thresholdPercent?: number;
  readonly script?: string;
  readonly timeoutSeconds?: number;
  readonly maxAttempts?: number;
  readonly backoffSeconds?: number;
}

/**
 * An action the policy would not run alone, waiting for a person (`approve` / `reject` on the
 * agent, the REST API or the dashboard). Times are ms since the epoch.
 */
export interface ApprovalRequest {
  readonly id: string;
  readonly host: string;
  readonly incidentId: string;
  readonly containerId: string;
  readonly containerName: string;
  readonly action: string;
  readonly reason: string;
  readonly status: ApprovalStatus;
  readonly requestedAt: number;
  readonly decidedAt: number | null;
  readonly decidedBy: string | null;
  /** Absent when the step had no settings of its own (and for requests stored before they were kept). */
  readonly params?: ApprovalStepParams;
}
