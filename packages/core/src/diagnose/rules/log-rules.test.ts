import { describe, expect, it } from 'vitest';
import { makeDiagnosisContext, stopped } from '../diagnosis-context-fixture.test-helper.js';
import { connectionExhaustionRule, diskFullRule } from './log-rules.js';

describe('disk_full', () => {
  it('recommends clear_cache when a running container logs ENOSPC', () => {
    const finding = diskFullRule.match(
      makeDiagnosisContext({ logTail: ['writing upload', 'Error: write /tmp/x: No space left on device'] }),
    );
    expect(finding).toMatchObject({ recommendedAction: 'clear_cache', urgency: 'high', confidence: 75 });
    expect(finding?.reasoning).toContain('"no space left on device"');
  });

  it('leaves a stopped container to the crash rule: clear_cache needs it running', () => {
    const context = makeDiagnosisContext({
      problems: [stopped(1)],
      metrics: { state: 'exited', exitCode: 1 },
      logTail: ['No space left on device'],
    });
    expect(diskFullRule.match(context)).toBeUndefined();
  });
});

describe('connection_exhaustion', () => {
  it.each([
    'FATAL:  sorry, too many clients already',
    'ERROR 1040 (HY000): Too many connections',
    'FATAL: remaining connection slots are reserved for non-replication superuser connections',
  ])('recommends reset_connections with high confidence for "%s"', (line) => {
    const finding = connectionExhaustionRule.match(makeDiagnosisContext({ logTail: [line] }));
    expect(finding).toMatchObject({
      recommendedAction: 'reset_connections',
      urgency: 'high',
      confidence: 80,
    });
  });

  it.each(['connect ECONNREFUSED 127.0.0.1:5432', 'dial tcp: connection refused'])(
    'is less sure about a refused connection: "%s"',
    (line) => {
      const finding = connectionExhaustionRule.match(makeDiagnosisContext({ logTail: [line] }));
      expect(finding).toMatchObject({
        recommendedAction: 'reset_connections',
        urgency: 'medium',
        confidence: 60,
      });
    },
  );

  it('does not match ordinary logs', () => {
    expect(
      connectionExhaustionRule.match(makeDiagnosisContext({ logTail: ['GET /health 200 3ms'] })),
    ).toBeUndefined();
  });
});
