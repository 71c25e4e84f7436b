import { maxScannedLineChars, maxScannedLines } from './log-text.js';

/**
 * How many of the newest lines of the tail contain any of `patterns` (fixed, lowercase strings of
 * ours). Only the start of each line is searched: logs are untrusted and may be huge.
 */
export function countLogLinesWith(logTail: readonly string[], patterns: readonly string[]): number {
  return logTail.slice(-maxScannedLines).filter((line) => {
    const searched = line.slice(0, maxScannedLineChars).toLowerCase();
    return patterns.some((pattern) => searched.includes(pattern));
  }).length;
}
