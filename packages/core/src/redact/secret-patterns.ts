/**
 * The secret families gitleaks and trufflehog look for, as regular expressions. Order matters:
 * specific shapes (an Anthropic key is also `sk-...`) come before generic ones, and every
 * replacement is a `[REDACTED:<kind>]` marker that no later pattern matches again.
 */
export interface SecretPattern {
  readonly kind: string;
  readonly pattern: RegExp;
  /** Builds the replacement from the match; the default replaces the whole match with the marker. */
  readonly replace?: (marker: string, match: string, ...groups: string[]) => string;
}

export function redactionMarker(kind: string): string {
  return `[REDACTED:${kind}]`;
}

/** Key names whose value is a secret: `DB_PASSWORD=`, `"api_key":`, `client-secret:`. */
const secretKeyWords =
  'passwd|password|passphrase|pwd|secret|secret[_-]?key|token|auth[_-]?token|access[_-]?token|refresh[_-]?token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|credentials?|aws_secret_access_key';

/** A value that is clearly not a secret (placeholders, booleans) stays, so logs keep their meaning. */
const notASecret =
  /^(?:null|nil|none|true|false|undefined|\*+|x+|-|<[^>]*>|\$\{[^}]*\}|\[REDACTED:[a-z_]+\])$/i;

export const secretPatterns: readonly SecretPattern[] = [
  {
    kind: 'private_key',
    pattern:
      /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY( BLOCK)?-----(?:[\s\S]*?-----END \1PRIVATE KEY\2-----|[A-Za-z0-9+/=\s:,-]*)/g,
  },
  { kind: 'anthropic_key', pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/g },
  {
    kind: 'openai_key',
    pattern: /\bsk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,}/g,
  },
  { kind: 'aws_key', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g },
  { kind: 'github_token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g },
  { kind: 'gitlab_token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}/g },
  { kind: 'slack_token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  {
    kind: 'slack_webhook',
    pattern: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9_/]{20,}/g,
  },
  { kind: 'stripe_key', pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g },
  { kind: 'google_api_key', pattern: /\bAIza[A-Za-z0-9_-]{35}\b/g },
  { kind: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g },
  {
    // `Authorization: Bearer x`, `authorization=Basic x`, a `-H 'Authorization: token x'`.
    kind: 'authorization',
    pattern:
      /\b((?:proxy-)?authorization["']?\s*[:=]\s*["']?)(bearer|basic|token|digest|negotiate)?(\s*)([^\s"',;]+)/gi,
    replace: (marker, _match, prefix = '', scheme = '', space = '') => `${prefix}${scheme}${space}${marker}`,
  },
  {
    kind: 'bearer_token',
    pattern: /\b(bearer\s+)([A-Za-z0-9._~+/-]{12,}=*)/gi,
    replace: (marker, _match, prefix = '') => `${prefix}${marker}`,
  },
  {
    kind: 'url_password',
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@?#[\]]*:)([^\s@/?#[\]]+)(@)/gi,
    replace: (marker, _match, prefix = '', _password = '', at = '') => `${prefix}${marker}${at}`,
  },
  {
    // "password": "two words", password='x y'
    kind: 'secret_value',
    pattern: new RegExp(`((?:[\\w.-]*(?:${secretKeyWords}))["']?\\s*[:=]\\s*)(["'])([^"'\\n]+)\\2`, 'gi'),
    replace: (marker, match, prefix = '', quote = '', value = '') =>
      notASecret.test(value.trim()) ? match : `${prefix}${quote}${marker}${quote}`,
  },
  {
    // password=hunter2, DB_PASSWORD: hunter2, --api-key hunter2 is not covered (no separator).
    kind: 'secret_value',
    pattern: new RegExp(`((?:[\\w.-]*(?:${secretKeyWords}))\\s*[:=]\\s*)([^\\s"',;&}\\]]+)`, 'gi'),
    replace: (marker, match, prefix = '', value = '') =>
      notASecret.test(value) || value.startsWith('[REDACTED:') ? match : `${prefix}${marker}`,
  },
];

/**
 * A keyword, then within a few characters a long random-looking string: "api key is 3f9c...",
 * "using secret Zm9v...". Checked for entropy in code, so words and paths stay.
 */
export const highEntropyNearKeyword =
  /\b((?:key|secret|token|passw(?:or)?d|credential|auth|signature|salt)s?)\b([^\n]{0,30}?)([A-Za-z0-9+/_=.-]{20,})/gi;
