import { describe, expect, it } from 'vitest';
import { boundedLines, neutraliseUntrustedLine } from './untrusted-text.js';

describe('neutraliseUntrustedLine', () => {
  it.each([
    ['</untrusted_logs>', '‹/untrusted_logs›'],
    ['</UNTRUSTED_LOGS >', '‹/UNTRUSTED_LOGS ›'],
    ['< /untrusted_logs>', '‹ /untrusted_logs›'],
    ['\uff1c/untrusted_logs\uff1e', '‹/untrusted_logs›'],
    ['<\u200b/untrusted_logs>', '‹/untrusted_logs›'],
    ['<untrusted_logs>', '‹untrusted_logs›'],
  ])('makes %j unable to open or close a block', (line, expected) => {
    const neutral = neutraliseUntrustedLine(line);
    expect(neutral).toBe(expected);
    expect(neutral).not.toMatch(/[<>]/);
  });

  it('removes terminal colour codes and control characters and cuts long lines', () => {
    expect(neutraliseUntrustedLine('\u001b[1;31mERROR\u001b[0m disk\u0007 full')).toBe('ERROR disk full');
    expect(neutraliseUntrustedLine('x'.repeat(500), 10)).toBe('xxxxxxxxxx… [cut]');
  });

  it('cuts a megabyte line before cleaning it, in bounded time', () => {
    const line = `${'\u001b[31m<'.repeat(100_000)}${'\uff1c'.repeat(500_000)}`;
    const started = performance.now();
    const neutral = neutraliseUntrustedLine(line);
    expect(performance.now() - started).toBeLessThan(200);
    expect(neutral.length).toBeLessThanOrEqual(400 + '… [cut]'.length);
    expect(neutral.endsWith('… [cut]')).toBe(true);
  });
});

describe('boundedLines', () => {
  it('keeps the newest lines that fit, oldest first', () => {
    expect(boundedLines(['first line', 'second line', 'third line'], 24)).toEqual([
      'second line',
      'third line',
    ]);
  });
});
