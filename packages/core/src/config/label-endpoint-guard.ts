import { isIP } from 'node:net';
import type { ContainerNetwork, ContainerState, PublishedPort } from '../domain/container.js';

/** What the guard knows of the container whose label names the endpoint. */
export interface GuardedContainer {
  readonly name: string;
  readonly state?: ContainerState;
  readonly ports?: readonly PublishedPort[];
  /** Absent: no address counts as the container's own. */
  readonly networks?: readonly ContainerNetwork[];
}

export type LabelEndpointVerdict =
  /** The probe may go, to these addresses only (a host name must resolve to one of them). */
  | { readonly ok: true; readonly addresses: readonly string[] }
  /** Why the label may not send the probe there, for one log line. */
  | { readonly ok: false; readonly reason: string };

/**
 * Whether a `website-monitor.health_endpoint` label may send the agent's probe to `url`. A label
 * is written by whoever starts the container, so it may only point at that container:
 * - one of its own addresses on its networks (any port); or
 * - one of its published TCP ports, on the host's loopback (`127.0.0.1`, `::1`, `localhost`) when
 *   the port is published on all addresses or on loopback, or on the very address it is bound to;
 * - a host name that is one of its own names (its container name, its aliases or DNS names on a
 *   network), and then only as far as the name resolves to one of its own addresses: the prober
 *   checks the answer at connect time, so a name cannot be rebound elsewhere.
 * Everything else (the host's other loopback services, the Docker socket proxy, cloud metadata at
 * 169.254.169.254, another container) is refused. Link-local, multicast and unspecified addresses
 * never count as a container's own, even on a network that claims them.
 *
 * A container that is not running has no addresses yet: its label is accepted with nothing to
 * connect to (no probe runs while it is down), so a stop does not log a refusal.
 */
export function guardLabelEndpoint({
  url,
  container,
}: {
  url: string;
  container: GuardedContainer;
}): LabelEndpointVerdict {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  const port = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  const own = ownAddresses(container.networks ?? []);
  const published = publishedAddresses(container.ports ?? [], port);
  const running = container.state === undefined || container.state === 'running';

  if (isIP(host) !== 0) {
    const address = canonicalAddress(host);
    if (own.includes(address) || published.includes(address)) return { ok: true, addresses: [address] };
    if (!running) return { ok: true, addresses: [] };
    return {
      ok: false,
      reason: isLoopback(address)
        ? `${hostPort(address, port)} is not the container: it publishes no port ${port} there`
        : `${address} is not one of the container's own addresses`,
    };
  }

  const name = host.toLowerCase();
  if (name === 'localhost') {
    const loopback = published.filter(isLoopback);
    if (loopback.length > 0) return { ok: true, addresses: loopback };
    if (!running) return { ok: true, addresses: [] };
    return {
      ok: false,
      reason: `localhost:${port} is not the container: it publishes no port ${port} there`,
    };
  }
  if (!ownNames(container).has(name)) {
    return {
      ok: false,
      reason: `${name} is not a name of the container (its container name or a network alias)`,
    };
  }
  if (own.length === 0 && running && container.networks !== undefined) {
    return { ok: false, reason: `the container has no address of its own for ${name} to resolve to` };
  }
  return { ok: true, addresses: own };
}

/** One spelling per address: `::FFFF:7f00:1` and `127.0.0.1` are the same IPv4 address. */
export function canonicalAddress(address: string): string {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const version = isIP(bare);
  if (version === 4) return bare;
  if (version !== 6) return bare.toLowerCase();
  // The WHATWG URL parser prints IPv6 in its compressed, lower-case form.
  const compressed = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(compressed);
  if (mapped) {
    const high = Number.parseInt(mapped[1]!, 16);
    const low = Number.parseInt(mapped[2]!, 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return compressed;
}

function ownAddresses(networks: readonly ContainerNetwork[]): string[] {
  const addresses = new Set<string>();
  for (const network of networks) {
    for (const address of [network.ipAddress, network.ipv6Address]) {
      if (isIP(address) === 0) continue;
      const canonical = canonicalAddress(address);
      if (!neverOwn(canonical)) addresses.add(canonical);
    }
  }
  return [...addresses];
}

/** The host addresses on which `port` reaches this container through a TCP binding. */
function publishedAddresses(ports: readonly PublishedPort[], port: number): string[] {
  const addresses = new Set<string>();
  for (const binding of ports) {
    if (binding.protocol !== 'tcp' || binding.hostPort !== port) continue;
    const bound = binding.hostIp === '' ? '0.0.0.0' : binding.hostIp;
    if (isIP(bound) === 0) continue;
    const canonical = canonicalAddress(bound);
    if (canonical === '0.0.0.0') addresses.add('127.0.0.1');
    else if (canonical === '::') addresses.add('::1');
    else if (!neverOwn(canonical) || isLoopback(canonical)) addresses.add(canonical);
  }
  return [...addresses];
}

function ownNames(container: GuardedContainer): Set<string> {
  const names = new Set([container.name.replace(/^\//, '').toLowerCase()]);
  for (const network of container.networks ?? []) {
    for (const alias of network.aliases) names.add(alias.toLowerCase());
  }
  return names;
}

function isLoopback(address: string): boolean {
  return address === '::1' || (isIP(address) === 4 && address.startsWith('127.'));
}

/**
 * Addresses no container owns in a way the host reaches it by: loopback (the host's own),
 * link-local (cloud metadata lives at 169.254.169.254), unspecified and multicast. A network
 * that claims one of them is not believed.
 */
function neverOwn(address: string): boolean {
  if (isIP(address) === 4) {
    const [first = 0, second = 0] = address.split('.').map(Number);
    return first === 0 || first === 127 || (first === 169 && second === 254) || first >= 224;
  }
  return (
    address === '::' || address === '::1' || /^fe[89ab][0-9a-f]?:/.test(address) || address.startsWith('ff')
  );
}

function hostPort(address: string, port: number): string {
  return isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}
