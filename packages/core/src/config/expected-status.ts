/** Ranges as users write them: `200`, `"200-399"`, or a list mixing both. */
export type ExpectedStatusInput = number | string | readonly (number | string)[];

export type ExpectedStatusResult =
  | { readonly ok: true; readonly codes: readonly number[] }
  | { readonly ok: false; readonly message: string };

const rangePattern = /^\s*(\d{3})\s*-\s*(\d{3})\s*$/;
const codePattern = /^\s*(\d{3})\s*$/;

/** Expands the user's statuses into a sorted list of distinct HTTP status codes (100-599). */
export function parseExpectedStatus(input: unknown): ExpectedStatusResult {
  const parts: unknown[] = Array.isArray(input)
    ? input
    : typeof input === 'string'
      ? input.split(',')
      : [input];
  if (parts.length === 0) return { ok: false, message: 'expected at least one status code' };
  const codes = new Set<number>();
  for (const part of parts) {
    const range = rangeOf(part);
    if (range === undefined) {
      return {
        ok: false,
        message: `expected a status code (200), a range ("200-399") or a list of them, got ${JSON.stringify(part)}`,
      };
    }
    const [from, to] = range;
    if (from < 100 || to > 599 || from > to) {
      return {
        ok: false,
        message: `status ${from === to ? from : `${from}-${to}`} is not a valid HTTP status range`,
      };
    }
    for (let code = from; code <= to; code++) codes.add(code);
  }
  return { ok: true, codes: [...codes].sort((a, b) => a - b) };
}

function rangeOf(part: unknown): readonly [number, number] | undefined {
  if (typeof part === 'number') return Number.isInteger(part) ? [part, part] : undefined;
  if (typeof part !== 'string') return undefined;
  const single = codePattern.exec(part);
  if (single) return [Number(single[1]), Number(single[1])];
  const range = rangePattern.exec(part);
  if (range) return [Number(range[1]), Number(range[2])];
  return undefined;
}
