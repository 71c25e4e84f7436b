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
        crashedContainerContext({
          image: 'acme/api:2.0.0',
          logTail: ['ok', 'Error: pool exhausted (pid 41)'],
        }),
      ),
    );
    expect(failureSignature(crashedContainerContext({ exitCode: 1 }))).not.toBe(
      failureSignature(crashedContainerContext({ exitCode: 137 })),
    );
  });

  it('is shared by replicas of one image failing the same way, never by two containers of unknown image', () => {
    const replica = (name: string, pid: number) =>
      crashedContainerContext({ name, logTail: [`Error: connect ECONNREFUSED 10.0.0.7:5432 (pid ${pid})`] });
    expect(failureSignature(replica('web-1', 41))).toBe(failureSignature(replica('web-2', 97)));
    expect(failureSignature(replica('web-1', 41))).not.toContain('web-1');

    const unknownImage = (name: string) => ({ ...replica(name, 41), container: null });
    expect(failureSignature(unknownImage('web-1'))).not.toBe(failureSignature(unknownImage('web-2')));
  });

  it('prefers the error lines the agent picked over the tail', () => {
    const withErrorLines = crashedContainerContext({
      logTail: ['Error: something else'],
      errorLines: ['FATAL: too many clients already'],
    });
    expect(failureSignature(withErrorLines)).toContain('FATAL: too many clients already');
  });
});
