import { describe, expect, it } from 'vitest';
import { httpFailed, makeDiagnosisContext } from '../diagnosis-context-fixture.test-helper.js';
import {
  errorStormRule,
  noResponseRule,
  rateLimitedRule,
  serverErrorRule,
  slowResponseRule,
} from './http-rules.js';

describe('rate_limited', () => {
  it('leaves HTTP 429 to a person with low urgency: a restart does not change traffic', () => {
    const finding = rateLimitedRule.match(
      makeDiagnosisContext({ problems: [httpFailed(429)], metrics: { httpStatus: 429 } }),
    );
    expect(finding).toMatchObject({
      cause: 'rate_limited',
      recommendedAction: 'manual',
      urgency: 'low',
      confidence: 70,
    });
  });

  it('does not match other statuses', () => {
    expect(rateLimitedRule.match(makeDiagnosisContext({ metrics: { httpStatus: 500 } }))).toBeUndefined();
  });
});

describe('server_error', () => {
  it.each([500, 502, 503, 599])('recommends a restart for HTTP %i', (status) => {
    const finding = serverErrorRule.match(
      makeDiagnosisContext({ problems: [httpFailed(status)], metrics: { httpStatus: status } }),
    );
    expect(finding).toMatchObject({
      cause: 'server_errors',
      recommendedAction: 'restart_container',
      urgency: 'medium',
      confidence: 65,
    });
    expect(finding?.diagnosis).toBe(`Server error: web answers HTTP ${status}`);
  });

  it.each([200, 404, 429, 600])('does not match HTTP %i', (status) => {
    expect(serverErrorRule.match(makeDiagnosisContext({ metrics: { httpStatus: status } }))).toBeUndefined();
  });
});

describe('slow_response', () => {
  it('matches a response slower than 10 s', () => {
    expect(
      slowResponseRule.match(makeDiagnosisContext({ metrics: { responseTimeMs: 10_000 } })),
    ).toBeUndefined();
    const finding = slowResponseRule.match(makeDiagnosisContext({ metrics: { responseTimeMs: 12_345 } }));
    expect(finding).toMatchObject({
      cause: 'timeout',
      recommendedAction: 'restart_container',
      urgency: 'medium',
      confidence: 60,
    });
    expect(finding?.diagnosis).toBe('Timeout: web responds slowly (12345 ms)');
  });

  it('matches a slow_response problem raised by a per-container threshold', () => {
    const problems = [{ kind: 'slow_response' as const, message: 'responded in 2500 ms (threshold 2000)' }];
    expect(
      slowResponseRule.match(makeDiagnosisContext({ problems, metrics: { responseTimeMs: 2_500 } })),
    ).toMatchObject({ cause: 'slow_response', diagnosis: 'Slow responses: web responds slowly (2500 ms)' });
  });
});

describe('no_response', () => {
  it('matches a running container whose endpoint gives no answer', () => {
    const finding = noResponseRule.match(
      makeDiagnosisContext({ problems: [httpFailed()], metrics: { httpStatus: undefined } }),
    );
    expect(finding).toMatchObject({
      cause: 'crash',
      recommendedAction: 'restart_container',
      urgency: 'high',
      confidence: 65,
    });
  });

  it("tells a hang from a dead server by the probe's own words", () => {
    const finding = noResponseRule.match(
      makeDiagnosisContext({
        problems: [
          {
            kind: 'http_failed',
            message: 'no response from http://127.0.0.1:8080/health: timeout after 5000ms',
          },
        ],
        metrics: { httpStatus: undefined },
      }),
    );
    expect(finding).toMatchObject({
      cause: 'timeout',
      diagnosis: 'web is running but its health endpoint times out',
    });
  });

  it('does not match when an answer came or the container is not running', () => {
    expect(
      noResponseRule.match(
        makeDiagnosisContext({ problems: [httpFailed(500)], metrics: { httpStatus: 500 } }),
      ),
    ).toBeUndefined();
    expect(
      noResponseRule.match(
        makeDiagnosisContext({
          problems: [httpFailed()],
          metrics: { httpStatus: undefined, state: 'exited' },
        }),
      ),
    ).toBeUndefined();
  });
});

describe('error_storm', () => {
  const errors = Array.from({ length: 25 }, (_, i) => `ERROR request ${i} failed: NullPointerException`);

  it('is a high-urgency restart when a 5xx comes with many error lines', () => {
    const finding = errorStormRule.match(
      makeDiagnosisContext({ problems: [httpFailed(500)], metrics: { httpStatus: 500 }, logTail: errors }),
    );
    expect(finding).toMatchObject({
      cause: 'server_errors',
      recommendedAction: 'restart_container',
      urgency: 'high',
      confidence: 70,
    });
    expect(finding?.reasoning).toContain('25 error lines');
  });

  it('needs both the 5xx and the error lines', () => {
    expect(
      errorStormRule.match(
        makeDiagnosisContext({ metrics: { httpStatus: 500 }, logTail: errors.slice(0, 5) }),
      ),
    ).toBeUndefined();
    expect(
      errorStormRule.match(makeDiagnosisContext({ metrics: { httpStatus: 200 }, logTail: errors })),
    ).toBeUndefined();
  });
});
