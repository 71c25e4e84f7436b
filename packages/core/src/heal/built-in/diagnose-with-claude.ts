import type { HealingStrategy } from '../healing-strategy.js';
import { errorMessage } from './outcome-text.js';

/**
 * Asks the configured `Diagnoser` (Claude when enabled, the rules otherwise) and changes nothing.
 * The diagnosis is returned in the outcome for the agent to store; whatever it recommends still
 * goes through policy before anything runs.
 */
export const diagnoseWithClaudeStrategy: HealingStrategy = {
  name: 'diagnose_with_claude',
  description: 'Diagnoses the incident with the configured diagnoser; changes nothing.',
  restartsContainer: false,
  async run(context) {
    try {
      const diagnosis = await context.diagnoser.diagnose({
        context: context.diagnosisContext,
        signal: context.signal,
      });
      return { ok: true, changedContainer: false, detail: JSON.stringify(diagnosis), diagnosis };
    } catch (error) {
      return {
        ok: false,
        changedContainer: false,
        detail: `diagnosis by ${context.diagnoser.name} failed: ${errorMessage(error)}`,
      };
    }
  },
};
