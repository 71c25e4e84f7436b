/**
 * One line for a log about a failed primary call, with any password taken out: a driver may echo
 * the connection string it was given, and logs travel further than the config does.
 */
export function describeError(error: unknown): string {
  return redactSecrets(firstMessage(error, 0));
}

/** Masks the password of `scheme://user:password@host` URLs and `password=...` settings. */
export function redactSecrets(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]*@/gi, '$1***@')
    .replace(/\b(password|passwd|pwd)(\s*[=:]\s*)('[^']*'|"[^"]*"|[^\s;&,]+)/gi, '$1$2***');
}

function firstMessage(error: unknown, depth: number): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  // Node reports a refused connection to a name with several addresses as an AggregateError with
  // an empty message; the inner errors say what happened.
  if (error.message === '' && error instanceof AggregateError && error.errors.length > 0 && depth < 3) {
    return firstMessage(error.errors[0], depth + 1);
  }
  const own = error.message || (typeof code === 'string' ? code : error.name);
  if (error.cause !== undefined && depth < 3) {
    const cause = firstMessage(error.cause, depth + 1);
    if (cause !== '' && !own.includes(cause)) return `${own}: ${cause}`;
  }
  return own;
}
