import { describe, expect, it } from 'vitest';
import { createHostCheck, hostNameOf } from './host-check.js';

describe('hostNameOf', () => {
  it('takes the name out of a Host header, and refuses what is not one', () => {
    expect(hostNameOf('LocalHost:9090')).toBe('localhost');
    expect(hostNameOf('[::1]:9090')).toBe('::1');
    expect(hostNameOf('[0:0:0:0:0:0:0:1]')).toBe('::1');
    expect(hostNameOf('example.com.')).toBe('example.com');
    expect(hostNameOf('127.0.0.1')).toBe('127.0.0.1');
    for (const bad of ['a:', 'a:port', 'a:123456', '[::1', '[nope]:1', '[::1]x', 'x'.repeat(301)]) {
      expect(hostNameOf(bad), bad).toBeUndefined();
    }
  });
});

describe('createHostCheck', () => {
  it('on loopback: loopback names only, whatever the port', () => {
    const allowed = createHostCheck({ bindHost: '127.0.0.1' });
    for (const host of [
      'localhost:9090',
      'LOCALHOST',
      'app.localhost:1',
      '127.0.0.1:9090',
      '127.0.0.2',
      '[::1]:9090',
    ]) {
      expect(allowed(host), host).toBe(true);
    }
    for (const host of [
      'attacker.example',
      'attacker.example:9090',
      'localhost.attacker.example',
      '192.168.1.10',
      '',
      'a:b',
    ]) {
      expect(allowed(host), host).toBe(false);
    }
    // Not a browser: nothing to rebind.
    expect(allowed(undefined)).toBe(true);
  });

  it('adds the listen address and the configured names', () => {
    const allowed = createHostCheck({
      bindHost: '192.168.1.10',
      allowedHosts: ['monitor.example.com', '*.internal.example', '[fd00::1]'],
    });
    for (const host of [
      '192.168.1.10:9090',
      'Monitor.Example.com',
      'a.internal.example',
      'b.a.internal.example:1',
      '[fd00:0::1]',
    ]) {
      expect(allowed(host), host).toBe(true);
    }
    for (const host of [
      'internal.example',
      'xinternal.example',
      'example.com',
      '10.0.0.1',
      'monitor.example.com.evil',
    ]) {
      expect(allowed(host), host).toBe(false);
    }
  });

  it('on every address (0.0.0.0, ::): any IP address, but still no foreign name', () => {
    for (const bindHost of ['0.0.0.0', '::']) {
      const allowed = createHostCheck({ bindHost });
      expect(allowed('10.1.2.3:9090')).toBe(true);
      expect(allowed('[fd00::5]:9090')).toBe(true);
      expect(allowed('localhost')).toBe(true);
      expect(allowed('attacker.example')).toBe(false);
    }
  });

  it('`*` turns it off', () => {
    expect(createHostCheck({ bindHost: '127.0.0.1', allowedHosts: ['*'] })('anything.example')).toBe(true);
  });
});
