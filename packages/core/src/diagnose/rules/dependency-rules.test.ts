import { describe, expect, it } from 'vitest';
import { makeDiagnosisContext } from '../diagnosis-context-fixture.test-helper.js';
import { dependencyDownRule } from './dependency-rules.js';

describe('dependency_down', () => {
  it('recommends check_dependencies naming the dependencies that are down', () => {
    const finding = dependencyDownRule.match(
      makeDiagnosisContext({ dependencies: { postgres: 'unhealthy', redis: 'healthy', queue: 'missing' } }),
    );
    expect(finding).toMatchObject({
      cause: 'dependency_unreachable',
      recommendedAction: 'check_dependencies',
      urgency: 'high',
      confidence: 85,
    });
    expect(finding?.diagnosis).toBe('web: its dependencies postgres (unhealthy), queue (missing) are down');
  });

  it('says what the checks saw', () => {
    const finding = dependencyDownRule.match(
      makeDiagnosisContext({ metrics: { httpStatus: 503 }, dependencies: { postgres: 'unhealthy' } }),
    );
    expect(finding?.diagnosis).toBe('web answers HTTP 503: its dependency postgres (unhealthy) is down');
  });

  it('does not match when every dependency is healthy or there are none', () => {
    expect(
      dependencyDownRule.match(makeDiagnosisContext({ dependencies: { postgres: 'healthy' } })),
    ).toBeUndefined();
    expect(dependencyDownRule.match(makeDiagnosisContext({}))).toBeUndefined();
  });
});
