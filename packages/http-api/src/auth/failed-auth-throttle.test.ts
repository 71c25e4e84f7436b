import { describe, expect, it } from 'vitest';
import { clientKey, createFailedAuthThrottle } from './failed-auth-throttle.js';

describe('createFailedAuthThrottle', () => {
  it('locks a client out after N wrong tokens in the window, doubling, and a success clears it', () => {
    let now = 0;
    const throttle = createFailedAuthThrottle({
      maxFailures: 3,
      windowMs: 10_000,
      lockMs: 1_000,
      now: () => now,
    });
    expect(throttle.fail('10.0.0.1')).toBe(0);
    expect(throttle.fail('10.0.0.1')).toBe(0);
    expect(throttle.lockedFor('10.0.0.1')).toBe(0);
    expect(throttle.fail('10.0.0.1')).toBe(1_000);
    expect(throttle.lockedFor('10.0.0.1')).toBe(1_000);
    // Another client is not affected.
    expect(throttle.lockedFor('10.0.0.2')).toBe(0);
    now += 1_000;
    expect(throttle.lockedFor('10.0.0.1')).toBe(0);
    throttle.fail('10.0.0.1');
    throttle.fail('10.0.0.1');
    expect(throttle.fail('10.0.0.1')).toBe(2_000);
    now += 2_000;
    throttle.succeed('10.0.0.1');
    throttle.fail('10.0.0.1');
    throttle.fail('10.0.0.1');
    expect(throttle.fail('10.0.0.1')).toBe(1_000);
  });

  it('forgets failures once the window passed', () => {
    let now = 0;
    const throttle = createFailedAuthThrottle({ maxFailures: 2, windowMs: 1_000, now: () => now });
    throttle.fail('10.0.0.1');
    now += 1_000;
    expect(throttle.fail('10.0.0.1')).toBe(0);
  });

  it('keeps at most maxClients records, dropping the least recently seen', () => {
    let now = 0;
    const throttle = createFailedAuthThrottle({ maxFailures: 2, maxClients: 100, now: () => now });
    throttle.fail('10.9.9.9');
    for (let index = 0; index < 10_000; index++) {
      now++;
      throttle.fail(`10.0.${index >> 8}.${index & 255}`);
    }
    expect(throttle.size).toBeLessThanOrEqual(100);
    throttle.fail('10.9.9.9');
    // Its first failure was forgotten, so this one does not lock it.
    expect(throttle.lockedFor('10.9.9.9')).toBe(0);
  });

  it('counts a machine once: all of loopback, IPv4-mapped addresses, an IPv6 /64', () => {
    expect(clientKey('127.0.0.1')).toBe(clientKey('127.0.0.2'));
    expect(clientKey('::1')).toBe(clientKey('::ffff:127.0.0.1'));
    expect(clientKey('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe(clientKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'));
    expect(clientKey('2001:db8:1:2::1')).not.toBe(clientKey('2001:db8:1:3::1'));
  });
});
