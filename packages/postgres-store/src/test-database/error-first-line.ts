/**
 * The first line of what went wrong, for a one-line "tried X (why)": testcontainers' errors run
 * over several lines, and a refused connection to `localhost` is an AggregateError with no
 * message of its own (its code says it).
 */
export function errorFirstLine(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const text = error.message || (error as { code?: string }).code || error.name;
  return text.split('\n')[0] ?? text;
}
