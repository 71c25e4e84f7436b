import { isSorted, knownValueSpans, type SecretSpan } from './anchored-secrets.js';
import { cutPoint, maxFieldChars, truncationMarker } from './bound-text.js';
import { findSecrets } from './secret-scanner.js';

/** What `redactSecrets` masks besides the patterns, and how much text it keeps. */
export interface RedactOptions {
  /**
   * Known secret values to mask wherever they appear, e.g. the values of a container's secret
   * environment variables. Values too short or too common to be secrets are ignored (see
   * `isMaskableValue`).
   */
  readonly extraValues?: readonly string[];
  /**
   * The most characters kept. Longer text is cut first (at a space when one is near, marked
   * `…[truncated N chars]`) and only what is kept is scanned. Default `maxFieldChars`.
   */
  readonly maxChars?: number;
}

export function redactionMarker(kind: string): string {
  return `[REDACTED:${kind}]`;
}

/**
 * Masks secrets in free text before it is recorded or leaves the host: provider keys and tokens,
 * JWTs, PEM private keys, Authorization values, passwords in URLs, `key=value` secrets,
 * high-entropy strings near such words or beside a credential, and the known values. Each secret
 * becomes `[REDACTED:<kind>]`, so a reader still sees what was there.
 *
 * Bounded and linear: the text is cut to `maxChars` before anything looks at it, and the scan
 * (`findSecrets`) reads each character a bounded number of times. Masked text is left as it is
 * by a second pass, so redacting twice is harmless.
 *
 * @example
 * ```ts
 * import { redactSecrets } from '@website-monitor/core';
 *
 * redactSecrets('connecting to postgres://app:s3cretPassw0rd@db:5432/app');
 * // 'connecting to postgres://app:[REDACTED:url_password]@db:5432/app'
 * ```
 */
export function redactSecrets(text: string, options: RedactOptions = {}): string {
  return textRedactor(options.extraValues)(text, options.maxChars);
}

/** Redacts one text, at most `maxChars` of it (default `maxFieldChars`). */
export type TextRedactor = (text: string, maxChars?: number) => string;

/**
 * `redactSecrets` with the known values prepared once, for redacting many texts.
 *
 * @example
 * ```ts
 * import { textRedactor } from '@website-monitor/core';
 *
 * const redact = textRedactor(['Sup3rS3cretValue!']);
 * redact('login with Sup3rS3cretValue! failed'); // 'login with [REDACTED:env_value] failed'
 * ```
 */
export function textRedactor(extraValues: readonly string[] = []): TextRedactor {
  const values = maskableValues(extraValues);
  return (text, maxChars = maxFieldChars) => {
    const cut = cutPoint(text, maxChars);
    if (cut === text.length) return applySpans(text, findSecrets(text, values));
    const kept = text.slice(0, cut);
    const spans = [...findSecrets(kept, values), ...straddlingValues(text, cut, values)];
    return `${applySpans(kept, spans)}${truncationMarker(text.length - cut)}`;
  };
}

/** Known values that the cut splits: the half that is kept is masked too. */
function straddlingValues(text: string, cut: number, values: readonly string[]): SecretSpan[] {
  const spans: SecretSpan[] = [];
  for (const value of values) {
    const window = text.slice(Math.max(0, cut - value.length + 1), cut + value.length - 1);
    const offset = Math.max(0, cut - value.length + 1);
    for (const span of knownValueSpans(window, [value])) {
      spans.push({ start: offset + span.start, end: cut, kind: span.kind });
    }
  }
  return spans;
}

/** Replaces each span with its marker; spans may overlap and come in any order. */
export function applySpans(text: string, spans: readonly SecretSpan[]): string {
  if (spans.length === 0) return text;
  const sorted = isSorted(spans) ? spans : [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  let result = '';
  let at = 0;
  for (const span of sorted) {
    const end = Math.min(span.end, text.length);
    if (end <= at) continue;
    result += text.slice(at, Math.max(at, span.start));
    if (span.start >= at) result += redactionMarker(span.kind);
    at = end;
  }
  return result + text.slice(at);
}

/** Known values are looked for at most this many at once, each at most this long. */
const maxKnownValues = 64;
const maxKnownValueChars = 8_192;

/**
 * The values worth looking for, longest first (a value inside a longer one is masked with it),
 * bounded in number and length so a container with thousands of variables costs no more.
 */
export function maskableValues(values: readonly string[]): string[] {
  return [...new Set(values.filter(isMaskableValue))]
    .sort((a, b) => b.length - a.length)
    .slice(0, maxKnownValues)
    .map((value) => value.slice(0, maxKnownValueChars));
}

/**
 * Env values such as `1`, `true` or `/app` would mask ordinary log text (numbers, stack-trace
 * paths) and are not secrets: only values that could be one count.
 */
export function isMaskableValue(value: string): boolean {
  if (value.length < 4) return false;
  if (value.length > 256) return true;
  if (/^\d+$/.test(value)) return false;
  if (/^\/[\w./-]*$/.test(value)) return false;
  return !/^(?:true|false|yes|no|null|none|on|off)$/i.test(value);
}
