import { describe, expect, it } from 'vitest';
import { parseByteSize } from './byte-size.js';

describe('parseByteSize', () => {
  it.each([
    [268_435_456, 268_435_456],
    ['1024', 1024],
    ['256MiB', 256 * 1024 ** 2],
    ['256 MiB', 256 * 1024 ** 2],
    ['256mib', 256 * 1024 ** 2],
    ['512MB', 512_000_000],
    ['1.5GiB', 1.5 * 1024 ** 3],
    ['64KiB', 65_536],
    ['10kB', 10_000],
    ['2 GB', 2_000_000_000],
    ['1TiB', 1024 ** 4],
  ])('reads %j as %d bytes', (input, bytes) => {
    expect(parseByteSize(input)).toEqual({ ok: true, bytes });
  });

  it.each([
    [0, /positive number of bytes/],
    [-5, /positive number of bytes/],
    [1.5, /positive number of bytes/],
    ['0MiB', /greater than 0 bytes/],
    ['256 MeB', /units: B, kB/],
    ['lots', /expected a size like/],
    ['-1MiB', /expected a size like/],
    [true, /got true/],
    [null, /got null/],
  ])('rejects %j', (input, message) => {
    const result = parseByteSize(input);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toMatch(message);
  });
});
