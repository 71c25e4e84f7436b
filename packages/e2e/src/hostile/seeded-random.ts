/**
 * A small deterministic PRNG (mulberry32) for the hostile-input suite: the same seed gives the
 * same inputs in the same order, so a failure found once can be replayed with `HOSTILE_SEED=N`.
 * Not for anything secret.
 */
export interface SeededRandom {
  readonly seed: number;
  /** In [0, 1). */
  next(): number;
  /** A whole number in [min, max]. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** `length` random bytes (any value 0-255). */
  bytes(length: number): Buffer;
  /** `length` characters drawn from `alphabet`. */
  text(length: number, alphabet: string): string;
  /** A generator of its own, seeded from this one (independent sequences per area). */
  fork(label: string): SeededRandom;
}

export function createSeededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    seed,
    next,
    int,
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(0, items.length - 1)] as T;
    },
    bytes(length) {
      const buffer = Buffer.alloc(length);
      for (let index = 0; index < length; index++) buffer[index] = int(0, 255);
      return buffer;
    },
    text(length, alphabet) {
      let result = '';
      for (let index = 0; index < length; index++) result += alphabet[int(0, alphabet.length - 1)];
      return result;
    },
    fork(label) {
      let hash = seed >>> 0;
      for (const char of label) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
      return createSeededRandom(hash ^ int(0, 0xffffffff));
    },
  };
}

/**
 * The suite's seed: `HOSTILE_SEED` when set (to replay a failure), otherwise a fresh one. Every
 * report line and failure message carries it.
 */
export function suiteSeed(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = env.HOSTILE_SEED?.trim();
  if (fromEnv) {
    const parsed = Number(fromEnv);
    if (!Number.isInteger(parsed) || parsed < 0 || parsed > 0xffffffff) {
      throw new Error(`HOSTILE_SEED must be a whole number from 0 to 4294967295, got "${fromEnv}"`);
    }
    return parsed;
  }
  return (Date.now() ^ (process.pid << 16)) >>> 0;
}
