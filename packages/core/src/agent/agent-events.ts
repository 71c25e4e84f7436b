import type { Diagnosis } from '../domain/diagnosis.js';
import type { ApprovalRequest, HealingActionRecord } from '../domain/healing-action.js';
import type { HealthVerdict } from '../domain/health.js';
import type { Incident } from '../domain/incident.js';

/** The agent's typed events (eventemitter3). Listeners must not throw; they cannot block healing. */
export interface AgentEvents {
  'check:completed': (verdict: HealthVerdict) => void;
  'check:failed': (verdict: HealthVerdict) => void;
  'incident:opened': (incident: Incident) => void;
  'incident:updated': (incident: Incident) => void;
  /**
   * The failure came back within `healing.reopen_window_seconds` of its resolution: the same
   * incident is open again (`reopenCount`, a `reopened` history entry). `incident:updated` follows.
   */
  'incident:reopened': (incident: Incident) => void;
  'incident:resolved': (incident: Incident) => void;
  'incident:escalated': (incident: Incident) => void;
  'healing:attempt': (action: HealingActionRecord) => void;
  'healing:result': (action: HealingActionRecord) => void;
  'approval:required': (approval: ApprovalRequest) => void;
  'approval:decided': (approval: ApprovalRequest) => void;
  'engine:connection': (state: { readonly connected: boolean; readonly error?: string }) => void;
  /** A container went away (removed, or no longer listed): drop whatever is kept per container. */
  'container:forgotten': (container: { readonly id: string; readonly name: string }) => void;
  /** Every diagnosis made, rules or model, with its token usage when a model was called. */
  'diagnosis:completed': (event: { readonly incident: Incident; readonly diagnosis: Diagnosis }) => void;
}
