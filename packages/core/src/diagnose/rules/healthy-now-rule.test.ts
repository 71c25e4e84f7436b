import { describe, expect, it } from 'vitest';
import { httpFailed, makeDiagnosisContext } from '../diagnosis-context-fixture.test-helper.js';
import { healthyNowRule } from './healthy-now-rule.js';

// The incident was opened by an earlier failing check; the latest verdict is what the rule reads.
const opened = makeDiagnosisContext({
  problems: [httpFailed(500)],
  logTail: ['ERROR too many clients', 'ENOSPC'],
});

describe('healthy_now', () => {
  it('needs nothing done for a healthy container, whatever its logs say', () => {
    const context = {
      ...opened,
      verdict: { ...opened.verdict, healthy: true, status: 'healthy' as const, problems: [] },
    };
    expect(healthyNowRule.match(context)).toMatchObject({
      cause: 'healthy_now',
      recommendedAction: 'manual',
      urgency: 'low',
    });
  });

  it('does not match an unhealthy verdict', () => {
    expect(healthyNowRule.match(opened)).toBeUndefined();
  });
});
