import { anchoredSecretSpans, mergeSpans, type SecretSpan } from './anchored-secrets.js';
import { charClass, inClass, isBlank, isWhitespace, runEnd } from './char-class.js';
import { looksRandom, minRandomLength } from './entropy.js';
import { isPlaceholderValue, WordEnding } from './secret-words.js';
import { TokenMatcher } from './token-families.js';

export type { SecretSpan } from './anchored-secrets.js';

/** How far after a secret word a random-looking string is still taken for its value. */
const contextReach = 32;
/** At most this many separator characters between a credential and a random token beside it. */
const besideReach = 8;
/** Blanks allowed around the `:` or `=` of a `key: value` pair. */
const maxSeparatorBlanks = 16;
const authorizationSchemes = new Set(['bearer', 'basic', 'token', 'digest', 'negotiate', 'apikey']);
/** The last letter of every key name and context word the scan knows: other words are skipped at once. */
const keywordLastLetters = new Set('detnylsrhDETNYLSRH');

/**
 * Every secret in `text`, in order, in one left-to-right pass: no regular expression runs over
 * the text, so the time is linear in its length whatever it holds (long base64 runs, `=` or
 * quote floods, near-miss keys, nested JSON). `knownValues` (the container's own secrets) are
 * found wherever they stand.
 *
 * What counts: provider tokens (`token-families`), PEM private keys, passwords in URLs and the
 * known values (`anchored-secrets`); the value of a `key=value`, `key: value` or JSON pair whose
 * key names a secret; `Authorization` values and `Bearer` tokens; a random-looking string a few
 * characters after a secret word ("signing key 9fQ2..."), and one right beside a credential found
 * above (the secret access key printed next to its AWS key id).
 */
export function findSecrets(text: string, knownValues: readonly string[] = []): SecretSpan[] {
  const anchored = mergeSpans(anchoredSecretSpans(text, knownValues));
  const found = new WordScan(text, anchored).run();
  return anchored.length === 0 ? mergeSpans(found) : mergeSpans([...anchored, ...found]);
}

class WordScan {
  readonly #text: string;
  readonly #anchored: readonly SecretSpan[];
  readonly #tokens: TokenMatcher;
  readonly #ending = new WordEnding();
  readonly #spans: SecretSpan[] = [];
  /** End of the last secret word on this line, or -1. */
  #keywordEnd = -1;
  /**
   * The last word on this line when no credential came after it, and it is random-looking and
   * unmasked (a credential right after it makes it a secret): start and end, or -1. Kept as two
   * numbers, not an object per word: a megabyte of short words would otherwise feed the GC.
   */
  #randomStart = -1;
  #randomEnd = -1;
  /** A word came since the last credential. */
  #wordSinceCredential = true;
  /** End of the last credential on this line, when no word came after it, or -1. */
  #credentialEnd = -1;

  constructor(text: string, anchored: readonly SecretSpan[]) {
    this.#text = text;
    this.#anchored = anchored;
    this.#tokens = new TokenMatcher(text);
  }

  run(): SecretSpan[] {
    const text = this.#text;
    const anchored = this.#anchored;
    let next = 0;
    let at = 0;
    while (at < text.length) {
      while (next < anchored.length && anchored[next]!.end <= at) next++;
      const span = anchored[next];
      if (span && span.start <= at) {
        this.#credential(span.start, span.end);
        at = span.end;
        continue;
      }
      const limit = span ? span.start : text.length;
      const code = text.charCodeAt(at);
      if (inClass(code, charClass.word)) {
        at = this.#word(at, runEnd(text, at, limit, charClass.word), limit);
      } else {
        if (code === 10 || code === 13) this.#newLine();
        at++;
      }
    }
    return this.#spans;
  }

  /** Looks at the word `[start, end)`; gives where the scan goes on. */
  #word(start: number, end: number, limit: number): number {
    const text = this.#text;
    let firstToken = -1;
    let lastTokenEnd = -1;
    // Tokens start at the word's start or after a `-`, `+`, `/`, `.` or `~` in it, as at a `\b`.
    for (let at = start; at < end; ) {
      if (
        inClass(text.charCodeAt(at), charClass.alnum) &&
        (at === start || !inClass(text.charCodeAt(at - 1), charClass.alnumUnderscore))
      ) {
        const token = this.#tokens.match(at, end);
        if (token) {
          this.#mask(at, token.end, token.kind);
          if (firstToken < 0) firstToken = at;
          lastTokenEnd = token.end;
          at = token.end;
          continue;
        }
      }
      at++;
    }
    const padded = withPadding(text, end, limit);
    if (firstToken >= 0) {
      this.#credential(firstToken, lastTokenEnd);
      return padded;
    }

    const ending = this.#ending;
    const keyLike =
      keywordLastLetters.has(text[end - 1] ?? '') &&
      ending.read(text, start, end) &&
      !isErrorCode(text, start);
    if (keyLike) {
      const valueEnd = ending.endsWith('authorization')
        ? this.#authorizationValue(end)
        : ending.is('bearer') && end - start === 6
          ? this.#bearerValue(end)
          : ending.secretKey
            ? this.#keyValue(end)
            : undefined;
      if (valueEnd !== undefined) return valueEnd;
    }

    // Absolute paths are not secrets, however random their file names.
    const random =
      end - start >= minRandomLength && text.charCodeAt(start) !== 47 && looksRandom(text, start, end);
    const nearKeyword = this.#keywordEnd >= 0 && start - this.#keywordEnd <= contextReach;
    const besideCredential =
      this.#credentialEnd >= 0 && !this.#wordSinceCredential && start - this.#credentialEnd <= besideReach;
    this.#randomStart = -1;
    if (random && (nearKeyword || besideCredential)) {
      this.#mask(start, padded, 'high_entropy');
    } else {
      if (keyLike && ending.contextWord(end - start)) this.#keywordEnd = end;
      if (random) {
        this.#randomStart = start;
        this.#randomEnd = padded;
      }
    }
    this.#wordSinceCredential = true;
    return padded;
  }

  /** After a secret key: `: value`, `=value`, `": "value"`; gives the value's end when it is one. */
  #keyValue(keyEnd: number): number | undefined {
    const at = this.#separator(keyEnd);
    return at === undefined ? undefined : this.#value(at, 'secret_value');
  }

  /** `Authorization: Bearer x`, `"authorization":"Basic x"`, `authorization=token x`: the x. */
  #authorizationValue(keyEnd: number): number | undefined {
    const text = this.#text;
    let at = this.#separator(keyEnd);
    if (at === undefined) return undefined;
    if (isQuote(text.charCodeAt(at))) at++;
    const schemeEnd = runEnd(text, at, Math.min(text.length, at + 17), charClass.alnum);
    if (schemeEnd > at && authorizationSchemes.has(text.slice(at, schemeEnd).toLowerCase())) {
      // A scheme without its credentials ("Authorization: Bearer" at a line's end) has nothing to hide.
      if (!isBlank(text.charCodeAt(schemeEnd))) return schemeEnd;
      at = skipBlanks(text, schemeEnd);
    }
    let end = at;
    while (end < text.length && !endsAuthorizationValue(text.charCodeAt(end))) end++;
    if (end === at) return undefined;
    if (!text.startsWith('[REDACTED', at)) this.#maskCredential(at, end, 'authorization');
    return end;
  }

  /** `Bearer x` where x is a token of 12 characters or more. */
  #bearerValue(wordEnd: number): number | undefined {
    const text = this.#text;
    if (!isBlank(text.charCodeAt(wordEnd))) return undefined;
    const at = skipBlanks(text, wordEnd);
    const end = runEnd(text, at, text.length, charClass.word);
    if (end - at < 12) return undefined;
    const padded = withPadding(text, end, text.length);
    this.#maskCredential(at, padded, 'bearer_token');
    return padded;
  }

  /** Past `"`, blanks, `:` / `=` / `:=`, blanks; undefined when there is no separator. */
  #separator(keyEnd: number): number | undefined {
    const text = this.#text;
    let at = keyEnd;
    if (isQuote(text.charCodeAt(at))) at++;
    at = skipBlanks(text, at);
    const separator = text.charCodeAt(at);
    if (separator !== 58 && separator !== 61) return undefined;
    at++;
    if (separator === 58 && text.charCodeAt(at) === 61) at++;
    return skipBlanks(text, at);
  }

  /**
   * A quoted value up to its closing quote (or the line's end), or a bare one up to a space or
   * `"',;&}]`. It is masked unless it is a placeholder; either way the scan goes on after it, so
   * nothing is read twice.
   */
  #value(at: number, kind: string): number | undefined {
    const text = this.#text;
    const quote = text.charCodeAt(at);
    let start = at;
    let end: number;
    let after: number;
    if (isQuote(quote)) {
      start = at + 1;
      end = start;
      while (end < text.length) {
        const code = text.charCodeAt(end);
        if (code === quote || code === 10 || code === 13) break;
        end += code === 92 /* \ */ ? 2 : 1;
      }
      end = Math.min(end, text.length);
      after = text.charCodeAt(end) === quote ? end + 1 : end;
    } else {
      end = at;
      while (end < text.length && !endsBareValue(text.charCodeAt(end))) end++;
      // `${DB_SECRET}`: the brace ends the placeholder, not the value.
      if (text.startsWith('${', at) && text.charCodeAt(end) === 125) end++;
      after = end;
    }
    if (end === start) return after === at ? undefined : after;
    if (
      text.startsWith('[REDACTED', start) ||
      (end - start <= 64 && isPlaceholderValue(text.slice(start, end)))
    )
      return after;
    this.#maskCredential(start, end, kind);
    return after;
  }

  #mask(start: number, end: number, kind: string): void {
    this.#spans.push({ start, end, kind });
  }

  #maskCredential(start: number, end: number, kind: string): void {
    this.#mask(start, end, kind);
    this.#credential(start, end);
  }

  /** A credential at `[start, end)`: a random word right before it is its other half. */
  #credential(start: number, end: number): void {
    if (this.#randomStart >= 0 && start - this.#randomEnd <= besideReach) {
      this.#mask(this.#randomStart, this.#randomEnd, 'high_entropy');
    }
    this.#randomStart = -1;
    this.#credentialEnd = end;
    this.#wordSinceCredential = false;
  }

  #newLine(): void {
    this.#keywordEnd = -1;
    this.#randomStart = -1;
    this.#credentialEnd = -1;
  }
}

/**
 * `no_api_key: set ANTHROPIC_API_KEY`, `missing_password: ...`: an error code that names a secret
 * it lacks, not a field holding one; what follows is prose.
 */
const errorCodePrefix = /^(?:no|missing|invalid|bad|empty|unknown|expired|wrong)[_-]/i;

function isErrorCode(text: string, start: number): boolean {
  return errorCodePrefix.test(text.slice(start, start + 9));
}

/** `end` moved past the `=` padding of a base64 word, when the padding ends the word. */
function withPadding(text: string, end: number, limit: number): number {
  let padded = end;
  while (padded < limit && text.charCodeAt(padded) === 61) padded++;
  return padded > end && padded < limit && inClass(text.charCodeAt(padded), charClass.word) ? end : padded;
}

function skipBlanks(text: string, from: number): number {
  let at = from;
  while (at < text.length && at - from < maxSeparatorBlanks && isBlank(text.charCodeAt(at))) at++;
  return at;
}

function isQuote(code: number): boolean {
  return code === 34 || code === 39;
}

function endsBareValue(code: number): boolean {
  return (
    isWhitespace(code) ||
    code === 34 ||
    code === 39 ||
    code === 44 ||
    code === 59 ||
    code === 38 ||
    code === 125 ||
    code === 93
  );
}

function endsAuthorizationValue(code: number): boolean {
  return isWhitespace(code) || code === 34 || code === 39 || code === 44 || code === 59;
}
