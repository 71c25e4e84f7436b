/** The schemes `storage.url` accepts; both are what libpq and `pg` understand. */
export const postgresSchemes = ['postgres:', 'postgresql:'] as const;

export function isPostgresUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  return (postgresSchemes as readonly string[]).includes(new URL(value).protocol);
}

/**
 * Why `value` is not a PostgreSQL URL, or undefined when it is. The value itself is never
 * repeated: a mistyped URL may still carry a password.
 */
export function describeNonPostgresUrl(value: string): string | undefined {
  if (isPostgresUrl(value)) return undefined;
  const scheme = URL.canParse(value) ? new URL(value).protocol : undefined;
  const got = scheme === undefined ? 'something that is not a URL' : `a ${scheme}// URL`;
  return `expected a postgres:// or postgresql:// URL, got ${got} (leave storage.url out for the embedded SQLite file)`;
}

export const literalPasswordMessage =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the message shows the user the ${VAR} syntax.
  'a password is written in the file; put the password in an environment variable: ${PGPASSWORD} or DATABASE_URL';

/**
 * Checks `storage.url` as written in the file, before `${VAR}` interpolation: the password (in
 * the user-info part or a `password=` parameter) must come from the environment, so that the
 * config file can be committed, shared and printed. `postgres://app:${PGPASSWORD}@db/app` and
 * `${DATABASE_URL}` pass; `postgres://app:secret@db/app` and `${PGPASSWORD:-secret}` do not.
 * Returns the problem, or undefined.
 */
export function literalPasswordIssue(rawText: string): string | undefined {
  const references: { token: string; hasDefault: boolean }[] = [];
  const text = rawText.replace(/\$\$|\$\{([^}]*)\}/g, (match, expression: string | undefined) => {
    if (match === '$$') return '$';
    const token = `wmref${references.length}x`;
    references.push({ token, hasDefault: (expression ?? '').includes(':-') });
    return token;
  });
  if (!URL.canParse(text)) return undefined;
  const url = new URL(text);
  const passwords = [url.password, ...url.searchParams.getAll('password')].filter((part) => part !== '');
  for (const password of passwords) {
    let rest = password;
    for (const reference of references) {
      if (!rest.includes(reference.token)) continue;
      if (reference.hasDefault) return literalPasswordMessage;
      rest = rest.replaceAll(reference.token, '');
    }
    if (rest !== '') return literalPasswordMessage;
  }
  return undefined;
}
