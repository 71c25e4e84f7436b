import { describe, expect, it } from 'vitest';
import { eventsQuery, toDockerTimestamp } from './events-query.js';

describe('toDockerTimestamp', () => {
  it('writes seconds and a nine-digit nanosecond fraction', () => {
    expect(toDockerTimestamp(1700000000123)).toBe('1700000000.123000000');
    expect(toDockerTimestamp(1700000000005)).toBe('1700000000.005000000');
    expect(toDockerTimestamp(1700000000000)).toBe('1700000000.000000000');
    expect(toDockerTimestamp(999)).toBe('0.999000000');
  });

  it('drops sub-millisecond parts instead of rounding up past an event', () => {
    expect(toDockerTimestamp(1700000000123.9)).toBe('1700000000.123000000');
  });

  it('refuses negative and non-finite values', () => {
    expect(() => toDockerTimestamp(-1)).toThrow(RangeError);
    expect(() => toDockerTimestamp(Number.NaN)).toThrow(RangeError);
  });
});

describe('eventsQuery', () => {
  it('asks for container events of the kinds we report, and since only when given', () => {
    expect(eventsQuery(undefined)).toEqual({
      filters: {
        type: ['container'],
        event: [
          'create',
          'start',
          'restart',
          'die',
          'oom',
          'kill',
          'stop',
          'pause',
          'unpause',
          'destroy',
          'health_status',
        ],
      },
    });
    expect(eventsQuery(1700000000500).since).toBe('1700000000.500000000');
  });
});
