import { isIPv4, isIPv6 } from 'node:net';
import { isLoopbackHost } from './bearer-auth.js';

/** When repeated wrong tokens lock a client out, and for how long. */
export interface FailedAuthThrottleOptions {
  /** Wrong tokens from one client within `windowMs` before it is locked out. Default 10. */
  readonly maxFailures?: number;
  /** Default 60 s. */
  readonly windowMs?: number;
  /** The first lockout; each one that follows without a success in between doubles it. Default 60 s. */
  readonly lockMs?: number;
  /** Longest lockout. Default 15 min. */
  readonly maxLockMs?: number;
  /** Clients remembered at once; past this the least recently seen are forgotten. Default 4096. */
  readonly maxClients?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  readonly now?: () => number;
}

/**
 * Slows down token guessing: each client address may present a wrong bearer token `maxFailures`
 * times per window, then every request of its that carries a token is refused with 429 until the
 * lockout ends, before the token is even compared (so a locked client learns nothing from its
 * guesses). Memory is bounded by `maxClients`; a correct token clears the client's record.
 */
export interface FailedAuthThrottle {
  /** Milliseconds until `client` may present a token again; 0 when it may now. */
  lockedFor(client: string): number;
  /** A wrong token from `client`; returns how long it is now locked out (0 when it is not). */
  fail(client: string): number;
  /** A correct token: the client's failures are forgotten. */
  succeed(client: string): void;
  /** Clients currently remembered (for tests and metrics). */
  readonly size: number;
}

interface ClientRecord {
  windowStart: number;
  failures: number;
  lockedUntil: number;
  /** Lockouts in a row, for the doubling. */
  lockouts: number;
}

export function createFailedAuthThrottle(options: FailedAuthThrottleOptions = {}): FailedAuthThrottle {
  const maxFailures = Math.max(1, options.maxFailures ?? 10);
  const windowMs = options.windowMs ?? 60_000;
  const lockMs = options.lockMs ?? 60_000;
  const maxLockMs = Math.max(lockMs, options.maxLockMs ?? 15 * 60_000);
  const maxClients = Math.max(1, options.maxClients ?? 4096);
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order: re-inserting on each touch keeps the least recently seen
  // first, so eviction is O(1).
  const clients = new Map<string, ClientRecord>();

  /** A record that no longer locks and whose window has passed is as good as none. */
  const stale = (record: ClientRecord, at: number) =>
    record.lockedUntil <= at && record.windowStart + windowMs <= at && record.lockouts === 0;

  return {
    lockedFor(client) {
      const record = clients.get(clientKey(client));
      if (!record) return 0;
      return Math.max(0, record.lockedUntil - now());
    },
    fail(client) {
      const key = clientKey(client);
      const at = now();
      let record = clients.get(key);
      clients.delete(key);
      if (!record) {
        record = { windowStart: at, failures: 0, lockedUntil: 0, lockouts: 0 };
      } else if (record.windowStart + windowMs <= at) {
        record.windowStart = at;
        record.failures = 0;
        // A client that stayed quiet for a whole lockout's length after its last one starts over.
        if (record.lockedUntil + lockMs <= at) record.lockouts = 0;
      }
      clients.set(key, record);
      record.failures++;
      if (record.failures >= maxFailures) {
        record.lockouts++;
        const lockFor = Math.min(maxLockMs, lockMs * 2 ** Math.min(record.lockouts - 1, 30));
        record.lockedUntil = at + lockFor;
        record.failures = 0;
        record.windowStart = at;
      }
      while (clients.size > maxClients) {
        const oldest = clients.keys().next().value as string;
        clients.delete(oldest);
      }
      // Opportunistic clean-up of one stale record, so idle entries do not wait for eviction.
      const first = clients.entries().next().value;
      if (first && first[0] !== key && stale(first[1], at)) clients.delete(first[0]);
      return Math.max(0, record.lockedUntil - at);
    },
    succeed(client) {
      clients.delete(clientKey(client));
    },
    get size() {
      return clients.size;
    },
  };
}

/**
 * The key a client address is counted under, so that one machine cannot start over by switching
 * addresses it owns: every loopback address is one client (a local process may use any of
 * 127.0.0.0/8), an IPv4 address (also when mapped into IPv6) stands for itself, and an IPv6
 * address counts by its /64, the smallest block a single host is usually given.
 */
export function clientKey(address: string): string {
  const text = address.toLowerCase();
  const mapped = text.startsWith('::ffff:') ? text.slice(7) : text;
  if (isLoopbackHost(mapped)) return 'loopback';
  if (isIPv4(mapped)) return mapped;
  if (!isIPv6(text)) return text;
  const groups = expandIPv6(text);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : text;
}

/** The eight 16-bit groups of an IPv6 address, or undefined for a form this does not read. */
function expandIPv6(address: string): string[] | undefined {
  // An embedded IPv4 tail only occurs in forms whose first 64 bits are fixed anyway.
  if (address.includes('.')) return undefined;
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((group) =>
    Number.parseInt(group, 16).toString(16),
  );
}
