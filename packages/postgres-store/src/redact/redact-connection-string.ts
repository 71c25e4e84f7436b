/**
 * Hides the password of a connection string wherever it appears in `text`:
 * `postgres://user:secret@host/db` -> `postgres://user:***@host/db`, and `password=secret`
 * (keyword/value strings and query parameters) -> `password=***`. Safe on any text, so log
 * lines and error messages can go through it whole.
 *
 * @example
 * ```ts
 * import { redactConnectionString } from '@website-monitor/postgres-store';
 *
 * redactConnectionString('cannot reach postgres://app:hunter2@db:5432/monitor');
 * // 'cannot reach postgres://app:***@db:5432/monitor'
 * ```
 */
export function redactConnectionString(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*):[^\s@/]*@/gi, '$1:***@')
    .replace(/\b(password\s*=\s*)('[^']*'|[^\s&;]+)/gi, '$1***');
}

/** The password in a connection string, if it has one (for scrubbing it from driver errors). */
export function connectionStringPassword(connectionString: string): string | undefined {
  try {
    const password = decodeURIComponent(new URL(connectionString).password);
    return password === '' ? undefined : password;
  } catch {
    return /\bpassword\s*=\s*('([^']*)'|([^\s&;]+))/i.exec(connectionString)?.slice(2).find(Boolean);
  }
}
