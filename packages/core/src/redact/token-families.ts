import { charClass, inClass, runEnd } from './char-class.js';

/**
 * Provider tokens with a fixed prefix (the gitleaks/trufflehog rule families), matched by hand
 * at the start of a word or sub-word: a literal prefix, then a run of the family's alphabet.
 *
 * Why not regular expressions: `\beyJ[\w-]+\.eyJ...` on `eyJ-eyJ-eyJ-...` scans to the end of
 * the run from every `eyJ` and fails, which is quadratic (a 64 KB label took 17 s). Here a
 * family that fails after scanning a run remembers where that run ended: every start inside it
 * would end the run at the same place and fail the same way, so it is not tried again. Each
 * character is therefore scanned a bounded number of times per family.
 */
export interface TokenMatch {
  readonly end: number;
  readonly kind: string;
}

const { alnum, base64url, upperDigit, alnumDash, alnumUnderscore } = charClass;

const awsKeyPrefixes = ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'AGPA', 'AIDA', 'AROA', 'ANPA', 'ANVA', 'AIPA'];
const githubPrefixes = ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'];
const stripePrefixes = ['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_'];
const slackTokenLetters = 'abposr';

type Family =
  | 'anthropic'
  | 'openai'
  | 'stripe'
  | 'google'
  | 'github'
  | 'githubPat'
  | 'gitlab'
  | 'slack'
  | 'jwt';

/** Per family, the end of the last run it failed on: starts before it fail the same way. */
export class TokenMatcher {
  readonly #failedBefore = new Map<Family, number>();
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  /** A token starting at `start` and ending within `limit`, or undefined. */
  match(start: number, limit: number): TokenMatch | undefined {
    const text = this.#text;
    switch (text.charCodeAt(start)) {
      case 115: // s
        if (text.startsWith('sk-ant-', start))
          return this.#run('anthropic', 'anthropic_key', start, 7, limit, base64url, 20);
        if (startsWithAny(text, start, stripePrefixes))
          return this.#run('stripe', 'stripe_key', start, 8, limit, alnum, 16);
        // sk-proj-, sk-svcacct-, sk-admin-: the infix is part of the run's alphabet.
        if (text.startsWith('sk-', start))
          return this.#run('openai', 'openai_key', start, 3, limit, base64url, 20);
        return undefined;
      case 114: // r
        return startsWithAny(text, start, stripePrefixes)
          ? this.#run('stripe', 'stripe_key', start, 8, limit, alnum, 16)
          : undefined;
      case 65: // A
        if (startsWithAny(text, start, awsKeyPrefixes)) return awsKeyId(text, start, limit);
        if (text.startsWith('AIza', start))
          return this.#run('google', 'google_api_key', start, 4, limit, base64url, 35);
        return undefined;
      case 103: // g
        if (startsWithAny(text, start, githubPrefixes))
          return this.#run('github', 'github_token', start, 4, limit, alnum, 36);
        if (text.startsWith('github_pat_', start))
          return this.#run('githubPat', 'github_token', start, 11, limit, alnumUnderscore, 22);
        if (text.startsWith('glpat-', start))
          return this.#run('gitlab', 'gitlab_token', start, 6, limit, base64url, 20);
        return undefined;
      case 120: // x
        if (
          text.startsWith('xox', start) &&
          slackTokenLetters.includes(text[start + 3] ?? ' ') &&
          text[start + 4] === '-'
        )
          return this.#run('slack', 'slack_token', start, 5, limit, alnumDash, 10);
        return undefined;
      case 101: // e
        return text.startsWith('eyJ', start) ? this.#jwt(start, limit) : undefined;
      default:
        return undefined;
    }
  }

  #run(
    family: Family,
    kind: string,
    start: number,
    prefixLength: number,
    limit: number,
    alphabet: number,
    minLength: number,
  ): TokenMatch | undefined {
    if (start < (this.#failedBefore.get(family) ?? -1)) return undefined;
    const from = start + prefixLength;
    const end = runEnd(this.#text, from, limit, alphabet);
    if (end - from >= minLength) return { end, kind };
    this.#failedBefore.set(family, end);
    return undefined;
  }

  /** Three base64url parts joined by dots, the first two starting with `eyJ` (`{"`). */
  #jwt(start: number, limit: number): TokenMatch | undefined {
    if (start < (this.#failedBefore.get('jwt') ?? -1)) return undefined;
    const text = this.#text;
    const headerEnd = runEnd(text, start + 3, limit, base64url);
    const fail = () => {
      this.#failedBefore.set('jwt', headerEnd);
      return undefined;
    };
    if (headerEnd - start < 8 || text[headerEnd] !== '.' || !text.startsWith('eyJ', headerEnd + 1))
      return fail();
    const payloadEnd = runEnd(text, headerEnd + 4, limit, base64url);
    if (payloadEnd - headerEnd < 9 || text[payloadEnd] !== '.') return fail();
    return { end: runEnd(text, payloadEnd + 1, limit, base64url), kind: 'jwt' };
  }
}

/** `AKIA` and 16 upper-case letters or digits, as a whole word. */
function awsKeyId(text: string, start: number, limit: number): TokenMatch | undefined {
  const end = start + 20;
  if (end > limit || runEnd(text, start + 4, end, upperDigit) !== end) return undefined;
  if (end < text.length && inClass(text.charCodeAt(end), alnumUnderscore)) return undefined;
  return { end, kind: 'aws_key' };
}

function startsWithAny(text: string, start: number, prefixes: readonly string[]): boolean {
  return prefixes.some((prefix) => text.startsWith(prefix, start));
}
