/**
 * Makes container-controlled text safe to place inside a delimited block: it can no longer
 * open or close any tag. NFKC folds look-alikes (fullwidth `＜`) into `<` first, then every angle
 * bracket becomes a single guillemet, so `</untrusted_logs>` in any case, spacing or width
 * arrives as `‹/untrusted_logs›`, which is just text. Control characters and ANSI colour codes
 * go too; long lines are cut.
 */
export function neutraliseUntrustedLine(line: string, maxLength = 400): string {
  // Bounded before anything runs over it: a Docker error string or health-check output has no
  // length limit of its own. The slack covers what cleaning removes (escape codes, zero widths).
  const bounded = line.length > maxLength * 4 ? line.slice(0, maxLength * 4) : line;
  const cleaned = bounded
    .normalize('NFKC')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing terminal escape codes is the point
    .replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/g, '')
    .replace(/</g, '‹')
    .replace(/>/g, '›');
  return cleaned.length > maxLength || bounded !== line ? `${cleaned.slice(0, maxLength)}… [cut]` : cleaned;
}

/** The newest lines that fit in `maxBytes`, oldest first, each neutralised. */
export function boundedLines(lines: readonly string[], maxBytes: number, maxLineLength = 400): string[] {
  const kept: string[] = [];
  let bytes = 0;
  for (let index = lines.length - 1; index >= 0; index--) {
    const line = neutraliseUntrustedLine(lines[index] ?? '', maxLineLength);
    bytes += Buffer.byteLength(line, 'utf8') + 1;
    if (bytes > maxBytes) break;
    kept.unshift(line);
  }
  return kept;
}
