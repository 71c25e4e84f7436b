/**
 * A database URL as a config file may hold it: a written password is refused there
 * (`storage.url: a password is written in the file`), so it becomes `${PGPASSWORD}` and the value
 * goes in the environment of whatever loads the file. The test servers want a password from
 * outside their container; a URL without one (a DATABASE_URL to a trusting server) stays as it is.
 */
export function urlForConfigFile(url: string): {
  readonly url: string;
  readonly env: Record<string, string>;
} {
  const parsed = new URL(url);
  if (parsed.password === '') return { url, env: {} };
  // Interpolated back verbatim, so the variable holds the password as the URL spells it.
  const password = parsed.password;
  parsed.password = 'PGPASSWORD_PLACEHOLDER';
  return {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the config's interpolation syntax
    url: parsed.toString().replace('PGPASSWORD_PLACEHOLDER', '${PGPASSWORD}'),
    env: { PGPASSWORD: password },
  };
}
