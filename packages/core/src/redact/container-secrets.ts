import type { ContainerSummary } from '../domain/container.js';
import { urlSpans } from './anchored-secrets.js';
import { maskableValues } from './redact-secrets.js';
import { isSecretName } from './secret-words.js';

/** Env entries and labels looked at: a container with more adds work, not secrets. */
const maxEntries = 1_000;
/** Only the start of a value is searched for a URL with a password. */
const maxUrlSearchChars = 4_096;

const cache = new WeakMap<object, readonly string[]>();

/**
 * The same container is inspected at every check, and each answer is a new object: by id, the
 * last answer's env and labels and what was derived from them, so an unchanged container is
 * compared (a string comparison per entry) rather than searched again.
 */
const byId = new Map<
  string,
  {
    readonly env: readonly string[];
    readonly labels: Readonly<Record<string, string>>;
    readonly secrets: readonly string[];
  }
>();
/** Containers remembered by id; past it the oldest is let go. */
const maxRemembered = 1_024;

/**
 * The secrets a container carries in its own configuration, to be masked wherever its text
 * repeats them (a log line printing its password, an error quoting its DSN): the values of env
 * variables and labels whose names say secret (`DB_PASSWORD`, `STRIPE_KEY`, `SENTRY_DSN`...) and
 * the password of any `scheme://user:password@` URL among them (`DATABASE_URL`). Other values
 * (`NODE_ENV=production`) stay readable. Computed once per inspected container.
 */
export function containerSecretValues(
  container:
    | (Pick<ContainerSummary, 'labels'> & { readonly env?: readonly string[]; readonly id?: string })
    | null
    | undefined,
): readonly string[] {
  if (!container) return [];
  const known = cache.get(container);
  if (known) return known;
  const env = container.env ?? [];
  const previous = container.id === undefined ? undefined : byId.get(container.id);
  if (previous && sameList(previous.env, env) && sameLabels(previous.labels, container.labels)) {
    cache.set(container, previous.secrets);
    return previous.secrets;
  }
  const values: string[] = [];
  const consider = (name: string, value: string) => {
    if (isSecretName(name)) values.push(value);
    const searched = value.slice(0, maxUrlSearchChars);
    for (const span of urlSpans(searched)) {
      if (span.kind === 'url_password') values.push(searched.slice(span.start, span.end));
    }
  };
  for (const entry of env.slice(0, maxEntries)) {
    const separator = entry.indexOf('=');
    if (separator > 0) consider(entry.slice(0, separator), entry.slice(separator + 1));
  }
  for (const [name, value] of Object.entries(container.labels).slice(0, maxEntries)) consider(name, value);
  const secrets = maskableValues(values);
  cache.set(container, secrets);
  if (container.id !== undefined) {
    byId.delete(container.id);
    byId.set(container.id, { env, labels: container.labels, secrets });
    if (byId.size > maxRemembered) byId.delete(byId.keys().next().value as string);
  }
  return secrets;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  if (a === b) return true;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}
