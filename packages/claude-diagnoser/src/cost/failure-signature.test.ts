import { describe, expect, it } from 'vitest';
import { crashedContainerContext } from '../claude-diagnoser/diagnosis-context.test-helper.js';
import { failureSignature, normaliseLogLine } from './failure-signature.js';

describe('normaliseLogLine', () => {
  it('folds times, ids, addresses and counters', () => {
    expect(
      normaliseLogLine(
        '2026-11-28T05:10:01.123Z req 550e8400-e29b-41d4-a716-446655440000 at 0x7ffd3c2a failed after 1532 ms (commit 9fceb02d)',
      ),
    ).toBe('<time> req <uuid> at <hex> failed after <n> ms (commit <hex>)');
  });
});

describe('failureSignature', () => {
  it('is the same for two turns of a crash loop and differs for another failure', () => {
    const turn = (pid: number, incidentId: string) =>
      crashedContainerContext({ incidentId, logTail: [`ok`, `Error: pool exhausted (pid ${pid})`] });
    expect(failureSignature(turn(41, 'inc-1'))).toBe(failureSignature(turn(97, 'inc-2')));
    expect(failureSignature(turn(41, 'inc-1'))).not.toBe(
      failureSignature(crashedContainerContext({ logTail: ['Error: disk full'] })),
    );
    expect(failureSignature(turn(41, 'inc-1'))).not.toBe(
      failureSignature(
        crashedContainerContext({ name: 'api', logTail: ['ok', 'Error: pool exhausted (pid 41)'] }),
      ),
    );
    expect(failureSignature(crashedContainerContext({ exitCode: 1 }))).not.toBe(
      failureSignature(crashedContainerContext({ exitCode: 137 })),
    );
  });

  it('prefers the error lines the agent picked over the tail', () => {
    const withErrorLines = crashedContainerContext({
      logTail: ['Error: something else'],
      errorLines: ['FATAL: too many clients already'],
    });
    expect(failureSignature(withErrorLines)).toContain('FATAL: too many clients already');
  });
});
