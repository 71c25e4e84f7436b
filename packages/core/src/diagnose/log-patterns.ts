/** Lines longer than this are only searched in their first part: logs are untrusted and may be huge. */
const maxSearchedLineChars = 4096;

/**
 * The first of `patterns` (fixed, lowercase strings of ours) found in the log tail, or undefined.
 * Returning our own pattern rather than the line keeps log text out of every diagnosis.
 */
export function findLogPattern<const Pattern extends string>(
  logTail: readonly string[],
  patterns: readonly Pattern[],
): Pattern | undefined {
  const lines = logTail.map((line) => line.slice(0, maxSearchedLineChars).toLowerCase());
  return patterns.find((pattern) => lines.some((line) => line.includes(pattern.toLowerCase())));
}

/** How many lines of the tail contain any of `patterns` (fixed, lowercase strings of ours). */
export function countLogLinesWith(logTail: readonly string[], patterns: readonly string[]): number {
  return logTail.filter((line) => {
    const searched = line.slice(0, maxSearchedLineChars).toLowerCase();
    return patterns.some((pattern) => searched.includes(pattern));
  }).length;
}
