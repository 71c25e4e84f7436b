import { isIP } from 'node:net';
import { isLoopbackHost } from '../auth/bearer-auth.js';

/** Longer than any DNS name plus a port: refused before it is parsed. */
const maxHostHeaderLength = 300;

export interface HostCheckOptions {
  /** The address the server listens on; a Host naming it is allowed. */
  readonly bindHost: string;
  /**
   * More names (`api.allowed_hosts`): `monitor.example.com`, `*.example.com` (its subdomains), an
   * IP address, or `*` to allow any Host (the check is then off).
   */
  readonly allowedHosts?: readonly string[];
}

/** Whether a request's `Host` header names this server. */
export type HostCheck = (hostHeader: string | undefined) => boolean;

/**
 * Defends against DNS rebinding: a page on `attacker.example` whose name is made to resolve to
 * 127.0.0.1 reaches the loopback API from the victim's browser as the same origin, but its
 * requests still say `Host: attacker.example`. Allowed are loopback names (`localhost`,
 * `*.localhost`, which browsers never resolve through DNS, and loopback addresses), the listen
 * address, and the configured names. When the server listens on every address (0.0.0.0, ::)
 * any IP address is allowed too: a rebinding page has a name, never an address, for its origin.
 * A request without a Host (HTTP/1.0, a script) is not from a browser and passes.
 */
export function createHostCheck(options: HostCheckOptions): HostCheck {
  const bind = canonicalHost(options.bindHost);
  const wildcardBind = bind === '0.0.0.0' || bind === '::' || bind === '';
  const exact = new Set<string>();
  const suffixes: string[] = [];
  let anyHost = false;
  for (const entry of options.allowedHosts ?? []) {
    const name = entry.trim().toLowerCase();
    if (name === '*') anyHost = true;
    else if (name.startsWith('*.')) suffixes.push(canonicalHost(name.slice(1)));
    else exact.add(canonicalHost(name));
  }
  return (hostHeader) => {
    if (anyHost || hostHeader === undefined) return true;
    const name = hostNameOf(hostHeader);
    if (name === undefined || name === '') return false;
    if (name === 'localhost' || name.endsWith('.localhost')) return true;
    if (name === bind || exact.has(name)) return true;
    if (isIP(name) !== 0) return isLoopbackHost(name) || wildcardBind;
    return suffixes.some((suffix) => name.endsWith(suffix) && name.length > suffix.length);
  };
}

/**
 * The host name of a `Host` header, lower-cased, without its port, brackets or trailing dot;
 * undefined when the header is not a host with an optional numeric port.
 */
export function hostNameOf(header: string): string | undefined {
  if (header.length > maxHostHeaderLength) return undefined;
  const text = header.trim().toLowerCase();
  let name: string;
  let port: string;
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end < 0) return undefined;
    name = text.slice(1, end);
    if (isIP(name) !== 6) return undefined;
    const rest = text.slice(end + 1);
    if (rest !== '' && !rest.startsWith(':')) return undefined;
    port = rest.slice(1);
  } else {
    const colon = text.indexOf(':');
    name = colon < 0 ? text : text.slice(0, colon);
    port = colon < 0 ? '' : text.slice(colon + 1);
    if (port === '' && colon >= 0) return undefined;
  }
  if (port !== '' && !/^\d{1,5}$/.test(port)) return undefined;
  return canonicalHost(name);
}

/** `[::1]` -> `::1`, `Example.COM.` -> `example.com`; IPv6 in its shortest form. */
function canonicalHost(host: string): string {
  let name = host.trim().toLowerCase();
  if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (isIP(name) === 6) {
    try {
      return new URL(`http://[${name}]/`).hostname.slice(1, -1);
    } catch {
      return name;
    }
  }
  return name;
}
