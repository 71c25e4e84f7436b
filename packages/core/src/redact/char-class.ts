/**
 * ASCII character classes for the secret scanner, as bits in one lookup table: a class test is
 * one array read, and everything outside ASCII belongs to no class (a separator).
 */
export const charClass = {
  /** `A-Z a-z 0-9` */
  alnum: 1,
  /** `A-Z a-z 0-9 _ -`: base64url, and most token alphabets. */
  base64url: 2,
  /** `A-Z 0-9`: AWS key ids. */
  upperDigit: 4,
  /** `A-Z a-z 0-9 _ - + / . ~`: one word of the scan (base64, paths, key names, JWTs). */
  word: 8,
  /** `A-Z a-z 0-9 -`: Slack tokens. */
  alnumDash: 16,
  /** `A-Z a-z 0-9 _` */
  alnumUnderscore: 32,
  /** Base64 and the characters of a PEM body and its header lines. */
  pem: 64,
} as const;

const table = new Uint8Array(128);

function mark(characters: string, bits: number): void {
  for (const character of characters) {
    const code = character.charCodeAt(0);
    table[code] = (table[code] ?? 0) | bits;
  }
}

const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const lower = 'abcdefghijklmnopqrstuvwxyz';
const digits = '0123456789';
const { alnum, base64url, upperDigit, word, alnumDash, alnumUnderscore, pem } = charClass;
mark(upper + digits, alnum | base64url | upperDigit | word | alnumDash | alnumUnderscore | pem);
mark(lower, alnum | base64url | word | alnumDash | alnumUnderscore | pem);
mark('_', base64url | word | alnumUnderscore);
mark('-', base64url | word | alnumDash | pem);
mark('+/.', word | pem);
mark('~', word);
mark('=:, \t\r\n', pem);

/** True when the character at `code` belongs to every class in `bits`. */
export function inClass(code: number, bits: number): boolean {
  return code < 128 && ((table[code] ?? 0) & bits) === bits;
}

/** The end of the run of `bits` characters that starts at `from`, at most `limit`. */
export function runEnd(text: string, from: number, limit: number, bits: number): number {
  let end = from;
  while (end < limit && inClass(text.charCodeAt(end), bits)) end++;
  return end;
}

export function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

export function isWhitespace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 11 || code === 12;
}
