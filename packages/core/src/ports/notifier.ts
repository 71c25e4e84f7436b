import type { ApprovalRequest } from '../domain/healing-action.js';
import type { Incident } from '../domain/incident.js';

/** What a notification is about. */
export type NotificationKind =
  | 'incident_opened'
  | 'incident_resolved'
  | 'incident_escalated'
  | 'approval_required';

/** One message about an incident, for a person: what happened, to which container. */
export interface Notification {
  readonly kind: NotificationKind;
  readonly incident: Incident;
  readonly approval?: ApprovalRequest;
  /** One line for a person. */
  readonly message: string;
  /** The container is marked `critical: true`: notifiers say so where a person looks first. */
  readonly critical?: boolean;
}

/**
 * A problem of the agent itself rather than of a container, e.g. its spool disk is full and
 * incidents are being lost. Said once when it starts and once when it ends, never per record.
 */
export interface AgentAlert {
  readonly kind: AgentAlertKind;
  /** One line for a person. */
  readonly message: string;
  readonly host: string;
  /** Milliseconds since the epoch. */
  readonly at: number;
  /** Figures and names a receiver can act on (counts, paths, the error), flat. */
  readonly details: Readonly<Record<string, string | number | null>>;
}

/** The agent's own troubles a notifier is told about. */
export type AgentAlertKind = 'spool_full' | 'spool_recovered';

/** Fire-and-forget from the agent's point of view: a slow or failing notifier never blocks healing. */
export interface Notifier {
  notify(options: { readonly notification: Notification }): Promise<void>;
  /**
   * Tells the people behind this notifier about the agent's own trouble. Optional: a notifier
   * without it is not told. Sent whatever the destination's incident `kinds` filter says.
   */
  notifyAgentAlert?(options: { readonly alert: AgentAlert }): Promise<void>;
}
