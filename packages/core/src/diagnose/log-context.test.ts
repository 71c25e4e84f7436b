import { describe, expect, it } from 'vitest';
import {
  boundedLogTail,
  byteLength,
  firstErrorIndex,
  firstErrorWindow,
  truncateLine,
} from './log-context.js';

const numbered = (count: number, prefix = 'line') =>
  Array.from({ length: count }, (_, i) => `${prefix} ${i}`);

describe('boundedLogTail', () => {
  it('keeps the newest lines, oldest first, within the line count', () => {
    expect(boundedLogTail(numbered(10), { maxLines: 3 })).toEqual(['line 7', 'line 8', 'line 9']);
  });

  it('keeps within the byte budget', () => {
    const tail = boundedLogTail(numbered(1000), { maxBytes: 100 });
    expect(tail.at(-1)).toBe('line 999');
    expect(tail.reduce((sum, line) => sum + byteLength(line) + 1, 0)).toBeLessThanOrEqual(100);
    expect(tail.length).toBeGreaterThan(5);
  });

  it('cuts an enormous line instead of letting it push everything else out', () => {
    const tail = boundedLogTail(['before', 'x'.repeat(1_000_000), 'after'], {
      maxBytes: 4096,
      maxLineBytes: 1000,
    });
    expect(tail).toHaveLength(3);
    expect(byteLength(tail[1]!)).toBeLessThanOrEqual(1000);
    expect(tail[1]!.endsWith('…')).toBe(true);
  });
});

describe('truncateLine', () => {
  it('never splits a multi-byte character', () => {
    const cut = truncateLine('é'.repeat(100), 11);
    expect(cut).toBe('éééé…');
    expect(byteLength(cut)).toBeLessThanOrEqual(11);
  });
});

describe('firstErrorWindow', () => {
  const lines = [...numbered(30, 'ok'), 'FATAL: could not connect to database', ...numbered(30, 'after')];

  it('returns the lines around the FIRST error', () => {
    const withTwo = [...lines, 'ERROR again'];
    expect(firstErrorWindow(withTwo, { before: 2, after: 3 })).toEqual([
      'ok 28',
      'ok 29',
      'FATAL: could not connect to database',
      'after 0',
      'after 1',
      'after 2',
    ]);
  });

  it('drops the furthest lines first to fit the byte budget, always keeping the error', () => {
    const window = firstErrorWindow(lines, { before: 5, after: 20, maxBytes: 60 });
    expect(window).toContain('FATAL: could not connect to database');
    expect(window.reduce((sum, line) => sum + byteLength(line) + 1, 0)).toBeLessThanOrEqual(60);
    expect(window).toEqual(['ok 28', 'ok 29', 'FATAL: could not connect to database', 'after 0']);
  });

  it('is empty without an error and does not count "errors=0"', () => {
    expect(firstErrorWindow(['GET / 200', 'errors=0 warnings=1'])).toEqual([]);
    expect(firstErrorIndex(['fine', 'Traceback (most recent call last):'])).toBe(1);
  });
});
