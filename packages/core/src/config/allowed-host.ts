import { isIP } from 'node:net';

/** Longest DNS name (RFC 1035), which bounds the scan below. */
const maxHostNameLength = 253;

/**
 * Labels of letters, digits and hyphens joined by dots. Each repetition starts with a literal dot,
 * so the pattern cannot backtrack into itself: linear in the input.
 */
const hostNamePattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * An entry of `api.allowed_hosts`: a host name (`monitor.example.com`), a wildcard for its
 * subdomains (`*.example.com`), an IP address (`192.168.1.10`, `[fd00::1]` or `fd00::1`), or `*`
 * alone, which turns the Host check off.
 */
export function isAllowedHostPattern(entry: string): boolean {
  if (entry === '*') return true;
  if (entry.length > maxHostNameLength + 2) return false;
  const bare = entry.startsWith('[') && entry.endsWith(']') ? entry.slice(1, -1) : entry;
  if (isIP(bare) !== 0) return true;
  const name = entry.startsWith('*.') ? entry.slice(2) : entry;
  return hostNamePattern.test(name.endsWith('.') ? name.slice(0, -1) : name);
}
