import { describe, expect, it } from 'vitest';
import { containerHref, isSelfScope, parseRoute, routeHash, withHost } from './host-route.js';

describe('the dashboard address', () => {
  it('keeps the single-host addresses: nothing for the overview, #/container/<name> for a page', () => {
    expect(parseRoute('')).toEqual({ host: null, container: null });
    expect(parseRoute('#/')).toEqual({ host: null, container: null });
    expect(parseRoute('#/container/web%201')).toEqual({ host: null, container: 'web 1' });
    expect(parseRoute('#/container/%E0%A4%A')).toEqual({ host: null, container: null });
    expect(containerHref('web')).toBe('#/container/web');
  });

  it('names a host, every host, or a container of a host', () => {
    expect(parseRoute('#host=node-b')).toEqual({ host: 'node-b', container: null });
    expect(parseRoute('#host=*')).toEqual({ host: '*', container: null });
    expect(parseRoute('#host=node-b&container=web')).toEqual({ host: 'node-b', container: 'web' });
  });

  it('round-trips any host and container name, whatever characters they hold', () => {
    for (const host of ['a/b', 'a&container=x', 'h=1', 'ü.example', '*', 'x y+z', '<img src=x>']) {
      for (const container of [null, 'web', 'a&b=c', '#/x']) {
        expect(parseRoute(routeHash({ host, container }))).toEqual({ host, container });
      }
    }
  });

  it('takes a host that cannot be one (empty, control characters, too long) as no host at all', () => {
    expect(parseRoute('#host=').host).toBeNull();
    expect(parseRoute('#host=a%0Ab').host).toBeNull();
    expect(parseRoute(`#host=${'a'.repeat(254)}`).host).toBeNull();
    expect(parseRoute(`#host=${'a'.repeat(253)}`).host).toBe('a'.repeat(253));
  });

  it('scopes API reads to the picked host, and leaves them unscoped for this agent', () => {
    expect(withHost('/monitor/status', null)).toBe('/monitor/status');
    expect(withHost('/monitor/status', '*')).toBe('/monitor/status?host=*');
    expect(withHost('/monitor/incidents?hours=24', 'a&b')).toBe('/monitor/incidents?hours=24&host=a%26b');
  });

  it('offers writes only for the serving agent: no host picked, or its own host by name', () => {
    expect(isSelfScope(null, null)).toBe(true);
    expect(isSelfScope(null, 'a')).toBe(true);
    expect(isSelfScope('a', 'a')).toBe(true);
    expect(isSelfScope('b', 'a')).toBe(false);
    expect(isSelfScope('*', 'a')).toBe(false);
    // Until the agent said which host it is, a named host is not taken for its own.
    expect(isSelfScope('a', null)).toBe(false);
  });
});
