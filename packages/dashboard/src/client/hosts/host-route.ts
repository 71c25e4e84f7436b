/** The API's "every host" (`?host=*`) and the fleet view's address (`#host=*`). */
export const everyHost = '*';

/** What a DNS name may be; longer text in the address is not a host name. */
const maxHostLength = 253;

/**
 * Where the page is. `host`: null for the agent serving the page (nothing in the address, what
 * a single-host user always sees), a host name, or `*` for the whole fleet. `container`: that
 * container's page, or null for the overview.
 */
export interface DashboardRoute {
  readonly host: string | null;
  readonly container: string | null;
}

/**
 * Reads the address: `#/container/<name>` (the serving agent's host, as before), `#host=<host>`,
 * `#host=*` and `#host=<host>&container=<name>`. Anything else is the overview of this host.
 */
export function parseRoute(hash: string): DashboardRoute {
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  if (text.startsWith('/container/')) {
    const name = decode(text.slice('/container/'.length));
    return { host: null, container: name === null || name === '' ? null : name };
  }
  if (text === '' || text.startsWith('/')) return { host: null, container: null };
  const params = new URLSearchParams(text);
  const host = params.get('host');
  const container = params.get('container');
  return {
    host: host !== null && isHostName(host) ? host : null,
    container: container === null || container === '' ? null : container,
  };
}

/** The address of a route: the inverse of `parseRoute`. */
export function routeHash(route: DashboardRoute): string {
  if (route.host === null)
    return route.container === null ? '#/' : `#/container/${encodeURIComponent(route.container)}`;
  const host = `#host=${encodeURIComponent(route.host)}`;
  return route.container === null ? host : `${host}&container=${encodeURIComponent(route.container)}`;
}

/** A container's page; `host` null keeps the serving agent's host implicit. */
export function containerHref(name: string, host: string | null = null): string {
  return routeHash({ host, container: name });
}

/** The query that scopes an API read to the picked host (`''` for the serving agent's own). */
export function hostQuery(host: string | null): string {
  return host === null ? '' : `host=${encodeURIComponent(host)}`;
}

/** Appends the host query to an API path that may already carry one. */
export function withHost(path: string, host: string | null): string {
  const query = hostQuery(host);
  if (query === '') return path;
  return `${path}${path.includes('?') ? '&' : '?'}${query}`;
}

/**
 * Whether the picked host is the one the serving agent acts on: only then are writes (heal,
 * approve, reject) offered. `self` null: the agent names no fleet (an older agent, one host).
 */
export function isSelfScope(host: string | null, self: string | null): boolean {
  return host === null || (self !== null && host === self);
}

function isHostName(text: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  return text.length > 0 && text.length <= maxHostLength && !/[\u0000-\u001f\u007f-\u009f]/.test(text);
}

function decode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
