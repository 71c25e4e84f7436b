import { describe, expect, it } from 'vitest';
import { bearerToken, isLoopbackHost, tokenMatches } from './bearer-auth.js';

describe('tokenMatches', () => {
  it('accepts the same token and refuses any other, whatever its length, without throwing', () => {
    const expected = 's3cret-token-with-some-length';
    expect(tokenMatches(expected, expected)).toBe(true);
    expect(tokenMatches(`${expected}x`, expected)).toBe(false);
    expect(tokenMatches('s', expected)).toBe(false);
    expect(tokenMatches('', expected)).toBe(false);
    expect(tokenMatches('x'.repeat(10_000), expected)).toBe(false);
    expect(tokenMatches(expected.toUpperCase(), expected)).toBe(false);
  });
});

describe('bearerToken', () => {
  it('reads the token of a Bearer header only', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer   abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe('isLoopbackHost', () => {
  it('knows loopback from the rest', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', '128.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});
