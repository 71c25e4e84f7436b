import type { ActionName } from './action.js';
import type { FailureCause } from './failure-cause.js';

/** How soon a diagnosis says something must be done. */
export type Urgency = 'low' | 'medium' | 'high' | 'critical';
/** Who diagnosed: the built-in rules, a model (`Diagnoser`), or a person. */
export type DiagnosisSource = 'rules' | 'model' | 'person';

/** The seed's diagnosis shape, plus where it came from. */
export interface Diagnosis {
  readonly diagnosis: string;
  /**
   * The cause in our fixed vocabulary, which picks the healing plan. Absent from a diagnoser that
   * does not say (a plugin, an older record): the plan then follows the trigger alone.
   */
  readonly cause?: FailureCause;
  /** An action name, or `manual` when a person must look. */
  readonly recommendedAction: ActionName | 'manual';
  readonly urgency: Urgency;
  /** 0 to 100. */
  readonly confidence: number;
  readonly reasoning: string;
  readonly source: DiagnosisSource;
  /** Tokens a model call spent on this diagnosis; absent for the rules and for cached answers. */
  readonly usage?: DiagnosisUsage;
  /** Set when the configured diagnoser failed and the rules stood in: why (no key, 429, timeout...). */
  readonly fallbackReason?: string;
}

/** Tokens a model diagnosis used, for cost reporting. */
export interface DiagnosisUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Input tokens read from the prompt cache (billed at a fraction). */
  readonly cacheReadTokens?: number;
  /** Input tokens written to the prompt cache. */
  readonly cacheCreationTokens?: number;
}
