import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createLineSplitter } from './split-lines.js';

const captured = readFileSync(new URL('./fixtures/events-api-1.41.ndjson', import.meta.url));
const expectedLines = captured
  .toString('utf8')
  .split('\n')
  .filter((line) => line !== '');

describe('createLineSplitter', () => {
  it('gives the same lines wherever the socket cuts the stream', () => {
    for (let cut = 1; cut < captured.length; cut += 7) {
      const splitter = createLineSplitter({ maxLineBytes: 4096 });
      const lines = [
        ...splitter.push(captured.subarray(0, cut)).lines,
        ...splitter.push(captured.subarray(cut)).lines,
      ];
      expect(lines).toEqual(expectedLines);
      expect(splitter.flush()).toBeUndefined();
    }
  });

  it('survives one byte at a time, including a UTF-8 character cut in half', () => {
    const bytes = Buffer.from('{"name":"café"}\r\n{"name":"naïve"}\n', 'utf8');
    const splitter = createLineSplitter({ maxLineBytes: 4096 });
    const lines: string[] = [];
    for (const byte of bytes) lines.push(...splitter.push(Uint8Array.of(byte)).lines);
    expect(lines).toEqual(['{"name":"café"}', '{"name":"naïve"}']);
  });

  it('hands back an unterminated last line on flush', () => {
    const splitter = createLineSplitter({ maxLineBytes: 4096 });
    expect(splitter.push('{"a":1}\n{"b"').lines).toEqual(['{"a":1}']);
    expect(splitter.push(':2}').lines).toEqual([]);
    expect(splitter.flush()).toBe('{"b":2}');
  });

  it('drops a line longer than the bound and carries on with the next one', () => {
    const splitter = createLineSplitter({ maxLineBytes: 10 });
    const first = splitter.push('x'.repeat(25));
    expect(first).toEqual({ lines: [], oversized: 1 });
    expect(splitter.push(`${'y'.repeat(30)}\nok\n`).lines).toEqual(['ok']);
  });
});
