import type { Diagnosis } from '../domain/diagnosis.js';
import type { Diagnoser, DiagnosisContext } from '../ports/diagnoser.js';
import type { DiagnosisRule } from './diagnosis-rule.js';
import { readLogEvidence } from './log-evidence.js';
import { builtInDiagnosisRules } from './rules/built-in-rules.js';

/**
 * The seed's general rules as a `Diagnoser`: no network, no model, the same answer for the same
 * context. It is the fallback when Claude is off or fails, and the baseline a model must beat.
 * The first matching rule decides; when none matches, a person is asked.
 */
export function createRuleDiagnoser(options: { readonly rules?: readonly DiagnosisRule[] } = {}): Diagnoser {
  const rules = options.rules ?? builtInDiagnosisRules;
  return {
    name: 'rules',
    async diagnose({ context }) {
      return diagnoseByRules(context, rules);
    },
  };
}

export function diagnoseByRules(
  context: DiagnosisContext,
  rules: readonly DiagnosisRule[] = builtInDiagnosisRules,
): Diagnosis {
  for (const rule of rules) {
    const finding = rule.match(context);
    if (finding !== undefined) return { ...finding, source: 'rules' };
  }
  const kinds = context.verdict.problems.map((problem) => problem.kind);
  const excerpt = readLogEvidence(context).firstError;
  return {
    cause: 'unknown',
    diagnosis: `No known pattern for ${context.incident.containerName}${excerpt === undefined ? '' : `, first error line: "${excerpt}"`}`,
    recommendedAction: 'manual',
    urgency: 'medium',
    confidence: 30,
    reasoning: `None of the general rules matches (${kinds.length > 0 ? kinds.join(', ') : 'no problem recorded'}); a person should look.`,
    source: 'rules',
  };
}
