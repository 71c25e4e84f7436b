import type { Diagnosis } from '@website-monitor/core';

/** Recent model answers by key, for `ttlMs`; the oldest entry goes first when full. */
export class AnswerCache {
  readonly #entries = new Map<string, { readonly diagnosis: Diagnosis; readonly storedAt: number }>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;

  constructor(options: { readonly ttlMs: number; readonly maxEntries?: number }) {
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries ?? 500;
  }

  get(key: string, now: number): { readonly diagnosis: Diagnosis; readonly storedAt: number } | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (now - entry.storedAt >= this.#ttlMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: string, diagnosis: Diagnosis, now: number): void {
    if (this.#ttlMs <= 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, { diagnosis, storedAt: now });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }
}
