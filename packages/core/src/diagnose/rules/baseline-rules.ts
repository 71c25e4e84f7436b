import type { DiagnosisContext } from '../../ports/diagnoser.js';
import type { DiagnosisRule } from '../diagnosis-rule.js';

const problemOf = (context: DiagnosisContext, kind: string) =>
  context.verdict.problems.find((problem) => problem.kind === kind);

/**
 * Raised by `evaluateHealth` from the container's own memory trend, before the 90 % rule. The
 * message is ours (figures and units), not log text.
 */
export const memoryLeakRule: DiagnosisRule = {
  name: 'memory_leak',
  match(context) {
    const problem = problemOf(context, 'memory_leak');
    if (problem === undefined) return undefined;
    return {
      cause: 'memory_leak',
      diagnosis: `Memory leak: ${context.incident.containerName}'s memory keeps growing`,
      recommendedAction: 'restart_container',
      urgency: 'medium',
      confidence: 65,
      reasoning: `${problem.message}. Memory that only grows ends in an OOM kill; a restart now, at a time of our choosing, frees it. The leak itself needs a fix in the application.`,
    };
  },
};

/**
 * A response far slower than this container's learned normal, though under the general 10 s rule.
 * Below the default auto-act confidence: a slower answer may be honest load.
 */
export const responseTimeAnomalyRule: DiagnosisRule = {
  name: 'response_time_anomaly',
  match(context) {
    const problem = problemOf(context, 'response_time_anomaly');
    if (problem === undefined) return undefined;
    return {
      cause: 'response_time_anomaly',
      diagnosis: `Slow responses: ${context.incident.containerName} answers far slower than its normal`,
      recommendedAction: 'restart_container',
      urgency: 'medium',
      confidence: 55,
      reasoning: `${problem.message}. Much slower than usual often means stuck workers or a saturated pool that a restart clears; heavy load looks the same, so a person may prefer to look first.`,
    };
  },
};
