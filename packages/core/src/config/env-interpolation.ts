/** The variables `${NAME}` in a config file is replaced from; `process.env` by default. */
export type EnvironmentVariables = Readonly<Record<string, string | undefined>>;

export type InterpolationResult =
  | { readonly ok: true; readonly value: string; readonly replaced: boolean }
  | { readonly ok: false; readonly message: string };

const namePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Compose-style `${VAR}` and `${VAR:-default}` (default when unset or empty); `$$` is a literal
 * `$`. Anything else after a `$` is left as written, so shell snippets and regexes in values survive.
 * Every missing variable is named, so one pass reports them all.
 */
export function interpolateEnv(text: string, env: EnvironmentVariables): InterpolationResult {
  let value = '';
  let replaced = false;
  const missing: string[] = [];
  let index = 0;
  while (index < text.length) {
    const dollar = text.indexOf('$', index);
    if (dollar === -1) {
      value += text.slice(index);
      break;
    }
    value += text.slice(index, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      value += '$';
      replaced = true;
      index = dollar + 2;
      continue;
    }
    if (next !== '{') {
      value += '$';
      index = dollar + 1;
      continue;
    }
    const close = text.indexOf('}', dollar + 2);
    if (close === -1) return { ok: false, message: `unclosed "\${" in "${text}"` };
    const expression = text.slice(dollar + 2, close);
    const separator = expression.indexOf(':-');
    const name = separator === -1 ? expression : expression.slice(0, separator);
    if (!namePattern.test(name)) {
      return {
        ok: false,
        message: `"\${${expression}}" is not a valid variable reference (use \${NAME} or \${NAME:-default})`,
      };
    }
    const current = env[name];
    if (current !== undefined && (current !== '' || separator === -1)) value += current;
    else if (separator !== -1) value += expression.slice(separator + 2);
    else missing.push(name);
    replaced = true;
    index = close + 1;
  }
  if (missing.length > 0) {
    const names = missing.map((name) => `\${${name}}`).join(', ');
    return {
      ok: false,
      message: `environment variable ${names} is not set (give a default with \${NAME:-value})`,
    };
  }
  return { ok: true, value, replaced };
}
