import { describe, expect, it } from 'vitest';
import { makeDiagnosisContext } from '../diagnosis-context-fixture.test-helper.js';
import { dependencyDownRule } from './dependency-rules.js';

describe('dependency_down', () => {
  it('recommends check_dependencies naming the dependencies that are down', () => {
    const finding = dependencyDownRule.match(
      makeDiagnosisContext({ dependencies: { postgres: 'unhealthy', redis: 'healthy', queue: 'missing' } }),
    );
    expect(finding).toMatchObject({
      recommendedAction: 'check_dependencies',
      urgency: 'high',
      confidence: 85,
    });
    expect(finding?.diagnosis).toBe('A dependency of web is down: postgres (unhealthy), queue (missing)');
  });

  it('does not match when every dependency is healthy or there are none', () => {
    expect(
      dependencyDownRule.match(makeDiagnosisContext({ dependencies: { postgres: 'healthy' } })),
    ).toBeUndefined();
    expect(dependencyDownRule.match(makeDiagnosisContext({}))).toBeUndefined();
  });
});
