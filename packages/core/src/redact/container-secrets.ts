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
 * The secrets a container carries in its own configuration, to be masked wherever its text
 * repeats them (a log line printing its password, an error quoting its DSN): the values of env
 * variables and labels whose names say secret (`DB_PASSWORD`, `STRIPE_KEY`, `SENTRY_DSN`...) and
 * the password of any `scheme://user:password@` URL among them (`DATABASE_URL`). Other values
 * (`NODE_ENV=production`) stay readable. Computed once per inspected container.
 */
export function containerSecretValues(
  container: (Pick<ContainerSummary, 'labels'> & { readonly env?: readonly string[] }) | null | undefined,
): readonly string[] {
  if (!container) return [];
  const known = cache.get(container);
  if (known) return known;
  const values: string[] = [];
  const consider = (name: string, value: string) => {
    if (isSecretName(name)) values.push(value);
    const searched = value.slice(0, maxUrlSearchChars);
    for (const span of urlSpans(searched)) {
      if (span.kind === 'url_password') values.push(searched.slice(span.start, span.end));
    }
  };
  for (const entry of (container.env ?? []).slice(0, maxEntries)) {
    const separator = entry.indexOf('=');
    if (separator > 0) consider(entry.slice(0, separator), entry.slice(separator + 1));
  }
  for (const [name, value] of Object.entries(container.labels).slice(0, maxEntries)) consider(name, value);
  const secrets = maskableValues(values);
  cache.set(container, secrets);
  return secrets;
}
