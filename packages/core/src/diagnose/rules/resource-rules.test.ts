import { describe, expect, it } from 'vitest';
import { makeDiagnosisContext } from '../diagnosis-context-fixture.test-helper.js';
import { cpuRunawayRule, memoryPressureRule } from './resource-rules.js';

describe('memory_pressure', () => {
  it('recommends restart_if_above_threshold at 90 % and above', () => {
    expect(
      memoryPressureRule.match(makeDiagnosisContext({ metrics: { memoryPercent: 89.9 } })),
    ).toBeUndefined();
    const finding = memoryPressureRule.match(makeDiagnosisContext({ metrics: { memoryPercent: 93.25 } }));
    expect(finding).toMatchObject({
      cause: 'memory_pressure',
      recommendedAction: 'restart_if_above_threshold',
      urgency: 'high',
      confidence: 70,
    });
    expect(finding?.diagnosis).toBe('Memory pressure: web is at 93.3% of its limit');
  });

  it('matches a high_memory_usage problem from a lower per-container threshold', () => {
    const problems = [{ kind: 'high_memory_usage' as const, message: 'memory 80% (threshold 75%)' }];
    expect(
      memoryPressureRule.match(makeDiagnosisContext({ problems, metrics: { memoryPercent: 80 } })),
    ).toBeDefined();
  });
});

describe('cpu_runaway', () => {
  it('recommends a restart below the default auto-act confidence, since load looks the same', () => {
    const problems = [{ kind: 'high_cpu_usage' as const, message: 'cpu 190%' }];
    const finding = cpuRunawayRule.match(makeDiagnosisContext({ problems, metrics: { cpuPercent: 190 } }));
    expect(finding).toMatchObject({
      cause: 'cpu_runaway',
      recommendedAction: 'restart_container',
      confidence: 50,
    });
    expect(cpuRunawayRule.match(makeDiagnosisContext({ metrics: { cpuPercent: 190 } }))).toBeUndefined();
  });
});
