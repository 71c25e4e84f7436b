import type { IncidentStatus } from '../domain/incident.js';
import { MonitorError } from '../errors/monitor-error.js';

/** A caller tried to move an incident along an edge the lifecycle does not have: a bug, so it keeps its stack. */
export class IncidentTransitionError extends MonitorError {
  readonly incidentId: string;
  readonly from: IncidentStatus;
  readonly to: IncidentStatus;

  constructor(
    incidentId: string,
    from: IncidentStatus,
    to: IncidentStatus,
    allowed: readonly IncidentStatus[],
  ) {
    super(
      'usage',
      `incident ${incidentId} cannot go from ${from} to ${to}; from ${from} it can go to ${allowed.length > 0 ? allowed.join(', ') : 'nothing (final)'}`,
    );
    this.name = 'IncidentTransitionError';
    this.incidentId = incidentId;
    this.from = from;
    this.to = to;
  }
}
