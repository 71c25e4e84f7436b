import { describe, expect, it } from 'vitest';
import type { Diagnosis, Urgency } from '../domain/diagnosis.js';
import { atLeastUrgency, urgencyLevels, withCriticalUrgency } from './critical-urgency.js';

const diagnosis = (urgency: Urgency, reasoning = 'Exit 1 right after start.'): Diagnosis => ({
  diagnosis: 'api cannot start: port 8080 already in use (listen EADDRINUSE)',
  cause: 'port_in_use',
  recommendedAction: 'manual',
  urgency,
  confidence: 90,
  reasoning,
  source: 'rules',
});

describe('withCriticalUrgency', () => {
  it.each([
    ['low', 'high'],
    ['medium', 'high'],
    ['high', 'high'],
    ['critical', 'critical'],
  ] as const)('a critical container diagnosed %s is %s', (given, expected) => {
    expect(withCriticalUrgency({ diagnosis: diagnosis(given), critical: true }).urgency).toBe(expected);
  });

  it('says in the reasoning that it raised the urgency, and keeps everything else', () => {
    const raised = withCriticalUrgency({ diagnosis: diagnosis('low'), critical: true });
    expect(raised).toEqual({
      ...diagnosis('low'),
      urgency: 'high',
      reasoning:
        'Exit 1 right after start. Urgency raised from low to high: the container is marked critical.',
    });
    expect(withCriticalUrgency({ diagnosis: diagnosis('medium', ''), critical: true }).reasoning).toBe(
      'Urgency raised from medium to high: the container is marked critical.',
    );
  });

  it('leaves a model diagnosis its source and usage', () => {
    const fromModel: Diagnosis = {
      ...diagnosis('medium'),
      source: 'model',
      usage: { inputTokens: 900, outputTokens: 120 },
    };
    expect(withCriticalUrgency({ diagnosis: fromModel, critical: true })).toMatchObject({
      urgency: 'high',
      source: 'model',
      usage: { inputTokens: 900, outputTokens: 120 },
    });
  });

  it('returns the very same diagnosis when nothing changes', () => {
    for (const urgency of urgencyLevels) {
      const given = diagnosis(urgency);
      expect(withCriticalUrgency({ diagnosis: given, critical: false })).toBe(given);
    }
    const high = diagnosis('high');
    expect(withCriticalUrgency({ diagnosis: high, critical: true })).toBe(high);
  });
});

describe('atLeastUrgency', () => {
  it('is the more urgent of the two', () => {
    expect(atLeastUrgency('low', 'medium')).toBe('medium');
    expect(atLeastUrgency('critical', 'high')).toBe('critical');
    expect(atLeastUrgency('high', 'high')).toBe('high');
  });
});
