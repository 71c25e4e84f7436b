export type ByteSizeResult =
  | { readonly ok: true; readonly bytes: number }
  | { readonly ok: false; readonly message: string };

/** Decimal (kB, MB, GB) and binary (KiB, MiB, GiB) units; a bare number is bytes. */
const unitBytes: Readonly<Record<string, number>> = {
  b: 1,
  k: 1_000,
  kb: 1_000,
  m: 1_000_000,
  mb: 1_000_000,
  g: 1_000_000_000,
  gb: 1_000_000_000,
  t: 1_000_000_000_000,
  tb: 1_000_000_000_000,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

const sizePattern = /^(\d+(?:\.\d+)?)\s*([A-Za-z]*)$/;

/**
 * `268435456`, `"256MiB"`, `"256 MiB"`, `"1.5GB"` to a whole number of bytes greater than zero.
 * Units are case-insensitive; `MB` is 10^6 and `MiB` is 2^20, as `df -H` and `df -h` have it.
 */
export function parseByteSize(value: unknown): ByteSizeResult {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value <= 0) {
      return {
        ok: false,
        message: `expected a positive number of bytes or a size like "256MiB", got ${value}`,
      };
    }
    return { ok: true, bytes: value };
  }
  if (typeof value !== 'string') {
    return {
      ok: false,
      message: `expected a size like "256MiB" or a number of bytes, got ${describe(value)}`,
    };
  }
  const match = sizePattern.exec(value.trim());
  const unit = unitBytes[(match?.[2] ?? '').toLowerCase() || 'b'];
  if (!match || unit === undefined) {
    return {
      ok: false,
      message: `expected a size like "256MiB", "512MB" or a number of bytes, got "${value}" (units: B, kB, MB, GB, TB, KiB, MiB, GiB, TiB)`,
    };
  }
  const bytes = Math.floor(Number(match[1]) * unit);
  if (bytes <= 0) return { ok: false, message: `must be greater than 0 bytes, got "${value}"` };
  return { ok: true, bytes };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a mapping' : String(value);
}
