// Shared by the rule tests: a DiagnosisContext around one verdict.
import type { HealthMetrics, Problem } from '../domain/health.js';
import { makeVerdict } from '../heal/built-in/healing-context-fixture.test-helper.js';
import { openIncident } from '../incident/incident-lifecycle.js';
import type { DiagnosisContext } from '../ports/diagnoser.js';

export function makeDiagnosisContext(options: {
  readonly problems?: readonly Problem[];
  readonly metrics?: Partial<HealthMetrics>;
  readonly dependencies?: DiagnosisContext['dependencies'];
  readonly recentRestarts?: number;
  readonly logTail?: readonly string[];
}): DiagnosisContext {
  const verdict = makeVerdict({ containerName: 'web', problems: options.problems, metrics: options.metrics });
  return {
    incident: openIncident({ id: 'i-1', host: 'host-a', verdict, now: 0 }),
    container: null,
    verdict,
    dependencies: options.dependencies ?? {},
    recentRestarts: options.recentRestarts ?? 0,
    logTail: options.logTail ?? [],
  };
}

export const stopped = (exitCode: number): Problem => ({
  kind: 'container_stopped',
  message: `web exited with code ${exitCode}`,
});
export const httpFailed = (status?: number): Problem => ({
  kind: 'http_failed',
  message: status === undefined ? 'no answer from http://127.0.0.1:8080/health' : `HTTP ${status}`,
});
