import { highEntropyNearKeyword, redactionMarker, secretPatterns } from './secret-patterns.js';

export interface RedactOptions {
  /**
   * Known secret values to mask wherever they appear, e.g. the values of a container's
   * environment. Values too short or too common to be secrets are ignored (see `isMaskableValue`).
   */
  readonly extraValues?: readonly string[];
}

/**
 * Masks secrets in free text before it leaves the host: provider keys and tokens, JWTs, PEM
 * private keys, Authorization values, passwords in URLs, `key=value` secrets and high-entropy
 * strings near such words. Each secret becomes `[REDACTED:<kind>]`, so a reader still sees what
 * was there.
 */
export function redactSecrets(text: string, options: RedactOptions = {}): string {
  let result = maskValues(text, options.extraValues ?? []);
  for (const { kind, pattern, replace } of secretPatterns) {
    const marker = redactionMarker(kind);
    result = result.replace(pattern, (match: string, ...rest: unknown[]) => {
      if (!replace) return marker;
      const groups = rest.filter((part): part is string => typeof part === 'string' || part === undefined);
      return replace(marker, match, ...groups.map((group) => group ?? ''));
    });
  }
  return result.replace(
    highEntropyNearKeyword,
    (match, keyword: string, between: string, candidate: string) =>
      looksRandom(candidate) ? `${keyword}${between}${redactionMarker('high_entropy')}` : match,
  );
}

/**
 * Env values such as `1`, `true` or `/app` would mask ordinary log text (numbers, stack-trace
 * paths) and are not secrets: only values that could be one count.
 */
export function isMaskableValue(value: string): boolean {
  if (value.length < 4) return false;
  if (/^\d+$/.test(value)) return false;
  if (/^\/[\w./-]*$/.test(value)) return false;
  return !/^(?:true|false|yes|no|null|none|on|off)$/i.test(value);
}

function maskValues(text: string, values: readonly string[]): string {
  const maskable = [...new Set(values.filter(isMaskableValue))].sort((a, b) => b.length - a.length);
  let result = text;
  for (const value of maskable) result = result.split(value).join(redactionMarker('env_value'));
  return result;
}

/** Shannon entropy in bits per character, plus a letter and a digit: random tokens, not words. */
export function looksRandom(candidate: string): boolean {
  if (candidate.startsWith('[REDACTED') || !/[0-9]/.test(candidate) || !/[A-Za-z]/.test(candidate))
    return false;
  return shannonEntropy(candidate) >= 3.5;
}

export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const share = count / text.length;
    entropy -= share * Math.log2(share);
  }
  return entropy;
}
