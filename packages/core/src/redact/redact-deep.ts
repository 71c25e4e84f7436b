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
  const walk = new DeepRedaction(textRedactor(options.extraValues), options);
  return walk.value(value, 0) as T;
}

class DeepRedaction {
  readonly #redact: TextRedactor;
  readonly #maxField: number;
  #remaining: number;

  constructor(redact: TextRedactor, options: RedactDeepOptions) {
    this.#redact = redact;
    this.#maxField = options.maxFieldChars ?? maxFieldChars;
    this.#remaining = options.maxTotalChars ?? defaultMaxTotalChars;
  }

  value(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.text(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth >= maxDepth) return '[too deep]';
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
