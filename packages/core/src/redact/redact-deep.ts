import { maxFieldChars, truncationMarker } from './bound-text.js';
import { type TextRedactor, textRedactor } from './redact-secrets.js';

/** Known values and size bounds for `redactDeep`. */
export interface RedactDeepOptions {
  /** Known secret values, as for `redactSecrets`. */
  readonly extraValues?: readonly string[];
  /** The most characters kept of one string. Default `maxFieldChars`. */
  readonly maxFieldChars?: number;
  /**
   * The most characters kept of all strings together, in walk order; past it a string becomes
   * its truncation marker. Default 256 KiB.
   */
  readonly maxTotalChars?: number;
}

/** What the walk redacts each string with: `redactSecrets` with the options' known values, or the caller's own. */
export interface RedactDeepWalkOptions extends Omit<RedactDeepOptions, 'extraValues'> {
  readonly redact: TextRedactor;
  /**
   * Parts already redacted (a record the agent masked where it entered): kept as they are, their
   * strings only counted against `maxTotalChars`. A part that would not fit is walked like any other.
   */
  readonly alreadyRedacted?: (value: object) => boolean;
}

export const defaultMaxTotalChars = 256 * 1024;
/** Deeper values are cut, which also ends a walk over a cycle. */
const maxDepth = 16;

/**
 * Every string in plain data (objects, arrays) redacted and bounded, the rest kept: keys,
 * numbers, booleans, null. Used for what holds container text in unknown places (a diagnosis
 * context, a notification payload). Bounded in total, so a container with a thousand 512 KB
 * labels costs what one bounded string costs.
 *
 * @example
 * ```ts
 * import { redactDeep } from '@website-monitor/core';
 *
 * redactDeep({ url: 'postgres://app:s3cretPassw0rd@db/app', tries: 3 });
 * // { url: 'postgres://app:[REDACTED:url_password]@db/app', tries: 3 }
 * ```
 */
export function redactDeep<T>(value: T, options: RedactDeepOptions = {}): T {
  return redactDeepWith(value, { ...options, redact: textRedactor(options.extraValues) });
}

/** `redactDeep` with the caller's text redactor (one that remembers what it masked, say). */
export function redactDeepWith<T>(value: T, options: RedactDeepWalkOptions): T {
  return new DeepRedaction(options).value(value, 0) as T;
}

class DeepRedaction {
  readonly #redact: TextRedactor;
  readonly #maxField: number;
  readonly #alreadyRedacted: ((value: object) => boolean) | undefined;
  #remaining: number;

  constructor(options: RedactDeepWalkOptions) {
    this.#redact = options.redact;
    this.#maxField = options.maxFieldChars ?? maxFieldChars;
    this.#remaining = options.maxTotalChars ?? defaultMaxTotalChars;
    this.#alreadyRedacted = options.alreadyRedacted;
  }

  value(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.text(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth >= maxDepth) return '[too deep]';
    if (this.#alreadyRedacted?.(value)) {
      const chars = stringChars(value, depth, this.#maxField);
      if (chars !== undefined && chars <= this.#remaining) {
        this.#remaining -= chars;
        return value;
      }
    }
    if (Array.isArray(value)) return value.map((item) => this.value(item, depth + 1));
    const prototype = Object.getPrototypeOf(value);
    // Plain data only: a Date, an Error or a class instance is not ours to take apart.
    if (prototype !== Object.prototype && prototype !== null) return value;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = this.value(item, depth + 1);
    return copy;
  }

  text(text: string): string {
    if (text.length === 0) return text;
    if (this.#remaining <= 0) return truncationMarker(text.length);
    const redacted = this.#redact(text, Math.min(this.#maxField, this.#remaining));
    this.#remaining -= redacted.length;
    return redacted;
  }
}

/**
 * The characters of every string in `value`, or undefined when one string is longer than
 * `maxField` or the value is nested deeper than the walk goes (it must then be walked and cut).
 */
function stringChars(value: unknown, depth: number, maxField: number): number | undefined {
  if (typeof value === 'string') return value.length <= maxField ? value.length : undefined;
  if (value === null || typeof value !== 'object') return 0;
  if (depth >= maxDepth) return undefined;
  let total = 0;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    const chars = stringChars(item, depth + 1, maxField);
    if (chars === undefined) return undefined;
    total += chars;
  }
  return total;
}
