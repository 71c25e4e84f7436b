import type { Diagnosis, Urgency } from '../domain/diagnosis.js';

/** Least to most urgent. */
export const urgencyLevels = ['low', 'medium', 'high', 'critical'] as const satisfies readonly Urgency[];

/** The urgency a diagnosis of a `critical: true` container never goes below. */
export const criticalUrgencyFloor: Urgency = 'high';

/** The more urgent of the two. */
export function atLeastUrgency(urgency: Urgency, floor: Urgency): Urgency {
  return urgencyLevels.indexOf(urgency) >= urgencyLevels.indexOf(floor) ? urgency : floor;
}

/**
 * A critical container's diagnosis is at least `high` urgency, whoever made it (rules, model or a
 * person): the reasoning says it was raised and from what. Anything else comes back as it was
 * given, the same object, so a caller can tell "unchanged" by identity.
 */
export function withCriticalUrgency(input: {
  readonly diagnosis: Diagnosis;
  readonly critical: boolean;
}): Diagnosis {
  const { diagnosis, critical } = input;
  if (!critical) return diagnosis;
  const urgency = atLeastUrgency(diagnosis.urgency, criticalUrgencyFloor);
  if (urgency === diagnosis.urgency) return diagnosis;
  const note = `Urgency raised from ${diagnosis.urgency} to ${urgency}: the container is marked critical.`;
  return {
    ...diagnosis,
    urgency,
    reasoning: diagnosis.reasoning.length > 0 ? `${diagnosis.reasoning} ${note}` : note,
  };
}
