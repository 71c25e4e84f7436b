import { describe, expect, it } from 'vitest';
import { makeDiagnosisContext } from '../diagnosis-context-fixture.test-helper.js';
import { memoryLeakRule, responseTimeAnomalyRule } from './baseline-rules.js';

describe('memory_leak', () => {
  it('recommends a restart before the OOM kill and quotes our own figures', () => {
    const message = 'memory grew steadily by 120 MiB/h over 30 min';
    const finding = memoryLeakRule.match(
      makeDiagnosisContext({ problems: [{ kind: 'memory_leak', message }], metrics: { memoryPercent: 55 } }),
    );
    expect(finding).toMatchObject({
      cause: 'memory_leak',
      recommendedAction: 'restart_container',
      urgency: 'medium',
      confidence: 65,
    });
    expect(finding?.reasoning).toContain(message);
  });

  it('does not match without a memory_leak problem', () => {
    expect(memoryLeakRule.match(makeDiagnosisContext({ metrics: { memoryPercent: 55 } }))).toBeUndefined();
  });
});

describe('response_time_anomaly', () => {
  it('recommends a restart below the default auto-act confidence', () => {
    const message = 'http://127.0.0.1:8080/health answered in 400 ms, normal for web is 20 ± 3 ms';
    const finding = responseTimeAnomalyRule.match(
      makeDiagnosisContext({ problems: [{ kind: 'response_time_anomaly', message }] }),
    );
    expect(finding).toMatchObject({
      cause: 'response_time_anomaly',
      recommendedAction: 'restart_container',
      urgency: 'medium',
      confidence: 55,
    });
    expect(finding?.reasoning).toContain('normal for web is 20 ± 3 ms');
  });

  it('does not match without the problem', () => {
    expect(responseTimeAnomalyRule.match(makeDiagnosisContext({}))).toBeUndefined();
  });
});
