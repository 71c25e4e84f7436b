import { isWhitespace } from './char-class.js';

/**
 * The longest string field a record keeps (a diagnosis, an action's output, a reason). Larger
 * than the longest output a built-in action keeps (a custom script's 64 KiB and its header).
 */
export const maxFieldChars = 80_000;

/** How far back from the limit a cut looks for a space, so it does not fall inside a token. */
const cutSearchChars = 1_024;

/** Marks where a field was cut and how much of it was left out. */
export function truncationMarker(droppedChars: number): string {
  return `…[truncated ${droppedChars} chars]`;
}

/** Room kept for the marker, so a cut field stays within its limit (and a second cut changes nothing). */
const markerRoom = truncationMarker(Number.MAX_SAFE_INTEGER).length;

/**
 * Where to cut `text` so that what is kept, with its marker, fits in `maxChars`: at the last
 * whitespace within the last KiB before the limit, so a secret is not cut in two halves that no
 * pattern recognises; at the limit when there is none. `text.length` when it fits.
 */
export function cutPoint(text: string, maxChars: number): number {
  if (text.length <= maxChars) return text.length;
  const limit = Math.max(0, maxChars - markerRoom);
  for (let at = limit; at > 0 && at > limit - cutSearchChars; at--) {
    if (isWhitespace(text.charCodeAt(at - 1))) return at;
  }
  return limit;
}
