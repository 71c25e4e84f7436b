/**
 * A new incident id: a random UUID, so ids from several agents writing to one store never clash
 * and fit a `uuid` column. The random source is injectable so tests get stable ids.
 */
export function createIncidentId(options: { readonly randomUUID?: () => string } = {}): string {
  const randomUUID = options.randomUUID ?? (() => globalThis.crypto.randomUUID());
  return randomUUID();
}
