import type { BuiltInActionName } from '../domain/action.js';
import type { Diagnosis } from '../domain/diagnosis.js';
import type { FailureCause } from '../domain/failure-cause.js';
import type { DiagnosisContext } from '../ports/diagnoser.js';

/**
 * What a rule concludes. The action is typed to the built-in list (or `manual`): a rule reads
 * untrusted logs, so what it recommends must come from our own constants, never from the text.
 * The cause is always named, so the healing plan can follow it.
 */
export interface RuleFinding extends Omit<Diagnosis, 'recommendedAction' | 'source' | 'cause'> {
  readonly cause: FailureCause;
  readonly recommendedAction: BuiltInActionName | 'manual';
}

/** One general rule of the seed's "outer layer". The first rule that matches decides. */
export interface DiagnosisRule {
  /** snake_case, for logs and tests. */
  readonly name: string;
  match(context: DiagnosisContext): RuleFinding | undefined;
}
