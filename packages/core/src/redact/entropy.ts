/** Below this many characters a string says too little about how random it is. */
export const minRandomLength = 20;

/** Bits per character from which a token with letters and digits reads as random. */
const randomEntropyBits = 3.5;

const counts = new Uint32Array(128);

/**
 * Shannon entropy in bits per character of `text[start, end)`. Characters outside ASCII count
 * as one symbol: the scanner only asks about ASCII words.
 */
export function shannonEntropy(text: string, start = 0, end = text.length): number {
  const length = end - start;
  if (length <= 0) return 0;
  counts.fill(0);
  for (let index = start; index < end; index++) {
    const code = text.charCodeAt(index);
    counts[code < 128 ? code : 0]!++;
  }
  let entropy = 0;
  for (const count of counts) {
    if (count === 0) continue;
    const share = count / length;
    entropy -= share * Math.log2(share);
  }
  return entropy;
}

/**
 * A random token rather than a word or a path: long enough, a letter and a digit, and high
 * entropy. Linear in the length.
 */
export function looksRandom(text: string, start = 0, end = text.length): boolean {
  if (end - start < minRandomLength) return false;
  let letter = false;
  let digit = false;
  for (let index = start; index < end && !(letter && digit); index++) {
    const code = text.charCodeAt(index);
    if (code >= 48 && code <= 57) digit = true;
    else if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) letter = true;
  }
  return letter && digit && shannonEntropy(text, start, end) >= randomEntropyBits;
}
