/**
 * Values our redactors produced, each with the secret values it was masked with. A record (an
 * incident, its problems, a diagnosis) is redacted where it enters the agent and then travels:
 * into the next version of the incident, into a diagnosis context. Wherever it goes with the same
 * container's secrets it is known to be masked already and is not scanned again; with other
 * secrets (a record made while the container's details were unknown) it is.
 */
const marks = new WeakMap<object, readonly string[]>();

/** The secrets of a redactor that knows none: patterns only. One array, so it can be compared. */
export const noSecretValues: readonly string[] = Object.freeze([]);

export function markRedacted<T extends object>(value: T, secrets: readonly string[]): T {
  marks.set(value, secrets);
  return value;
}

/** True when a redactor with these very secrets (the same array) produced `value`. */
export function isRedactedWith(value: object, secrets: readonly string[]): boolean {
  return marks.get(value) === secrets;
}
