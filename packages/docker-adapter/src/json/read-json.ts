/**
 * Small readers for untrusted JSON from the Engine API: newer API versions omit fields that are
 * unset and older ones send `null`, so every read says what it falls back to.
 */
export type JsonRecord = Readonly<Record<string, unknown>>;

export function recordAt(value: unknown, key: string): JsonRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as JsonRecord)[key];
  return typeof field === 'object' && field !== null && !Array.isArray(field)
    ? (field as JsonRecord)
    : undefined;
}

export function stringAt(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as JsonRecord)[key];
  return typeof field === 'string' ? field : undefined;
}

export function numberAt(value: unknown, key: string): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as JsonRecord)[key];
  return typeof field === 'number' && Number.isFinite(field) ? field : undefined;
}

export function booleanAt(value: unknown, key: string): boolean | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as JsonRecord)[key];
  return typeof field === 'boolean' ? field : undefined;
}

export function arrayAt(value: unknown, key: string): readonly unknown[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as JsonRecord)[key];
  return Array.isArray(field) ? field : undefined;
}

/** A `{ key: "value" }` map such as Labels, keeping only string values; null or absent gives `{}`. */
export function stringMapAt(value: unknown, key: string): Record<string, string> {
  const map = recordAt(value, key);
  const result: Record<string, string> = {};
  if (map === undefined) return result;
  for (const [name, field] of Object.entries(map)) {
    if (typeof field === 'string') result[name] = field;
  }
  return result;
}
