import { describe, expect, it } from 'vitest';
import { canonicalAddress, guardLabelEndpoint } from './label-endpoint-guard.js';

const container = {
  name: 'web',
  state: 'running' as const,
  ports: [
    { containerPort: 80, protocol: 'tcp' as const, hostIp: '192.168.1.5', hostPort: 8080 },
    { containerPort: 80, protocol: 'tcp' as const, hostIp: '::', hostPort: 8081 },
    { containerPort: 53, protocol: 'udp' as const, hostIp: '0.0.0.0', hostPort: 5353 },
  ],
  networks: [
    { name: 'v6', networkId: 'n6', ipAddress: '172.30.0.2', ipv6Address: 'fd00:0:0:0::2', aliases: ['web'] },
  ],
};

describe('guardLabelEndpoint', () => {
  it('allows a port only on the address it is bound to', () => {
    expect(guardLabelEndpoint({ url: 'http://192.168.1.5:8080/', container })).toEqual({
      ok: true,
      addresses: ['192.168.1.5'],
    });
    // Bound to one address: loopback on that port is someone else's.
    expect(guardLabelEndpoint({ url: 'http://127.0.0.1:8080/', container }).ok).toBe(false);
    expect(guardLabelEndpoint({ url: 'http://[::1]:8081/', container })).toEqual({
      ok: true,
      addresses: ['::1'],
    });
    // A UDP binding is not a web server.
    expect(guardLabelEndpoint({ url: 'http://127.0.0.1:5353/', container }).ok).toBe(false);
  });

  it("knows the container's IPv6 address in any spelling", () => {
    expect(guardLabelEndpoint({ url: 'http://[FD00::0:2]:8080/', container })).toEqual({
      ok: true,
      addresses: ['fd00::2'],
    });
    expect(guardLabelEndpoint({ url: 'http://web/', container })).toEqual({
      ok: true,
      addresses: ['172.30.0.2', 'fd00::2'],
    });
  });

  it('takes the default port of the scheme', () => {
    const published = {
      ...container,
      ports: [{ containerPort: 443, protocol: 'tcp' as const, hostIp: '0.0.0.0', hostPort: 443 }],
    };
    expect(guardLabelEndpoint({ url: 'https://localhost/', container: published })).toEqual({
      ok: true,
      addresses: ['127.0.0.1'],
    });
    expect(guardLabelEndpoint({ url: 'http://localhost/', container: published }).ok).toBe(false);
  });

  it('refuses a name for a running container with no address of its own (host networking)', () => {
    expect(
      guardLabelEndpoint({
        url: 'http://web:8080/',
        container: {
          ...container,
          networks: [{ name: 'host', networkId: 'h', ipAddress: '', ipv6Address: '', aliases: ['web'] }],
        },
      }),
    ).toEqual({ ok: false, reason: 'the container has no address of its own for web to resolve to' });
  });
});

describe('canonicalAddress', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['[::FFFF:a9fe:a9fe]', '169.254.169.254'],
    ['FD00:0000::0001', 'fd00::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
  ])('%s -> %s', (input, expected) => {
    expect(canonicalAddress(input)).toBe(expected);
  });
});
