import type { DiagnosisRule } from '../diagnosis-rule.js';
import { subjectOf } from './rule-context.js';

/** A failing app whose database is down is not fixed by restarting the app (the seed's restart-loop guard). */
export const dependencyDownRule: DiagnosisRule = {
  name: 'dependency_down',
  match(context) {
    const { dependencies, incident } = context;
    const down = Object.entries(dependencies).filter(([, state]) => state !== 'healthy');
    if (down.length === 0) return undefined;
    const list = down.map(([name, state]) => `${name} (${state})`).join(', ');
    return {
      cause: 'dependency_unreachable',
      diagnosis: `${subjectOf(context)}: its ${down.length === 1 ? 'dependency' : 'dependencies'} ${list} ${down.length === 1 ? 'is' : 'are'} down`,
      recommendedAction: 'check_dependencies',
      urgency: 'high',
      confidence: 85,
      reasoning: `${incident.containerName} depends on ${list}. Restarting it while a dependency is down tends to loop; the dependency must be healthy first.`,
    };
  },
};
