import type { ApprovalRequest } from '../domain/healing-action.js';
import type { Incident } from '../domain/incident.js';

export type NotificationKind =
  | 'incident_opened'
  | 'incident_resolved'
  | 'incident_escalated'
  | 'approval_required';

export interface Notification {
  readonly kind: NotificationKind;
  readonly incident: Incident;
  readonly approval?: ApprovalRequest;
  /** One line for a person. */
  readonly message: string;
  /** The container is marked `critical: true`: notifiers say so where a person looks first. */
  readonly critical?: boolean;
}

/** Fire-and-forget from the agent's point of view: a slow or failing notifier never blocks healing. */
export interface Notifier {
  notify(options: { readonly notification: Notification }): Promise<void>;
}
