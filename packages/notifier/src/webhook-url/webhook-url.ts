/**
 * A webhook URL is a credential (Slack's path is the token; many services put a key in the
 * query), so logs and errors only ever show its origin.
 */
export function describeWebhookUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const hidden = parsed.pathname.length > 1 || parsed.search !== '' ? '/…' : '';
    return `${parsed.protocol}//${parsed.host}${hidden}`;
  } catch {
    return '(invalid URL)';
  }
}

/** Throws a one-line error for a URL that is not http(s); never echoes the URL itself. */
export function assertWebhookUrl(url: string, field: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`${field} is not a valid URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new TypeError(`${field} must be an http(s) URL, got ${parsed.protocol}`);
  }
}
