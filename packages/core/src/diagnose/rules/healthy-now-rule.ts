import type { DiagnosisRule } from '../diagnosis-rule.js';

/**
 * A container whose latest verdict is healthy needs no fix, whatever its logs say: error lines in
 * a working service are noise (or an attacker's text), never a reason to act. Checked first, so
 * no log pattern can turn a healthy service into an action.
 */
export const healthyNowRule: DiagnosisRule = {
  name: 'healthy_now',
  match(context) {
    const { verdict } = context;
    if (verdict.status !== 'healthy' || verdict.problems.length > 0) return undefined;
    return {
      cause: 'healthy_now',
      diagnosis: `${context.incident.containerName} is healthy now`,
      recommendedAction: 'manual',
      urgency: 'low',
      confidence: 80,
      reasoning:
        'The latest checks pass: the state is running and no probe fails. Error lines in the logs of a working service are not a failure to heal; a person may look at them at leisure.',
    };
  },
};
