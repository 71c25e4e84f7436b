/**
 * Bounding the untrusted log text that goes into a `DiagnosisContext`: by lines and by bytes, and
 * every line by bytes, so one enormous line cannot crowd out the rest or a prompt's budget.
 */

export const defaultTailLines = 200;
export const defaultTailBytes = 16 * 1024;
export const defaultMaxLineBytes = 2048;
export const defaultErrorWindow = { before: 5, after: 20, maxBytes: 8 * 1024 } as const;

/** Words that mark the first failure in a log; whole words, so `errors=0` does not count. */
const errorLinePattern =
  /\b(error|err|fatal|panic|exception|traceback|critical|crit|segmentation fault|segfault|oomkilled|out of memory|killed)\b/i;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function byteLength(text: string): number {
  return encoder.encode(text).length;
}

/** The start of `line` within `maxBytes` of UTF-8, marked with … when cut. */
export function truncateLine(line: string, maxBytes: number = defaultMaxLineBytes): string {
  const bytes = encoder.encode(line);
  if (bytes.length <= maxBytes) return line;
  const marker = '…';
  const room = Math.max(0, maxBytes - byteLength(marker));
  // A cut inside a multi-byte character decodes to U+FFFD: drop it.
  return `${decoder.decode(bytes.subarray(0, room)).replace(/\uFFFD+$/, '')}${marker}`;
}

/** The newest lines, oldest first, within `maxLines` and `maxBytes` (a newline per line counted). */
export function boundedLogTail(
  lines: readonly string[],
  options: { readonly maxLines?: number; readonly maxBytes?: number; readonly maxLineBytes?: number } = {},
): readonly string[] {
  const maxLines = options.maxLines ?? defaultTailLines;
  const maxBytes = options.maxBytes ?? defaultTailBytes;
  const maxLineBytes = Math.min(options.maxLineBytes ?? defaultMaxLineBytes, maxBytes);
  const kept: string[] = [];
  let used = 0;
  for (let i = lines.length - 1; i >= 0 && kept.length < maxLines; i--) {
    const line = truncateLine(lines[i]!, maxLineBytes);
    const size = byteLength(line) + 1;
    if (used + size > maxBytes) break;
    kept.push(line);
    used += size;
  }
  return kept.reverse();
}

/** Index of the first line that looks like an error, or -1. Only a line's start is searched. */
export function firstErrorIndex(
  lines: readonly string[],
  maxLineBytes: number = defaultMaxLineBytes,
): number {
  return lines.findIndex((line) => errorLinePattern.test(line.slice(0, maxLineBytes)));
}

/**
 * The lines around the first error: `before` lines of lead-up, the error, `after` lines of what
 * followed, within `maxBytes`. The window grows outwards from the error line, one line on each
 * side in turn, so when the budget runs out the lines furthest from the error are the ones left
 * out and the error line itself is always kept. Empty when no line looks like an error.
 */
export function firstErrorWindow(
  lines: readonly string[],
  options: {
    readonly before?: number;
    readonly after?: number;
    readonly maxBytes?: number;
    readonly maxLineBytes?: number;
  } = {},
): readonly string[] {
  const before = options.before ?? defaultErrorWindow.before;
  const after = options.after ?? defaultErrorWindow.after;
  const maxBytes = options.maxBytes ?? defaultErrorWindow.maxBytes;
  const maxLineBytes = Math.min(options.maxLineBytes ?? defaultMaxLineBytes, maxBytes);
  const index = firstErrorIndex(lines, maxLineBytes);
  if (index < 0) return [];
  const line = (i: number) => truncateLine(lines[i]!, maxLineBytes);
  let first = index;
  let last = index;
  let used = byteLength(line(index)) + 1;
  // Grow outwards, nearest lines first, alternating: what led to the error and what followed.
  let canGrowBack = true;
  let canGrowForward = true;
  while (canGrowBack || canGrowForward) {
    if (canGrowBack) {
      const size = first - 1 >= 0 && index - (first - 1) <= before ? byteLength(line(first - 1)) + 1 : -1;
      if (size > 0 && used + size <= maxBytes) {
        first -= 1;
        used += size;
      } else canGrowBack = false;
    }
    if (canGrowForward) {
      const size = last + 1 < lines.length && last + 1 - index <= after ? byteLength(line(last + 1)) + 1 : -1;
      if (size > 0 && used + size <= maxBytes) {
        last += 1;
        used += size;
      } else canGrowForward = false;
    }
  }
  const window: string[] = [];
  for (let i = first; i <= last; i++) window.push(line(i));
  return window;
}
