import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { defaultMaxTailBytes, readTail } from './read-logs.js';

const entryBytes = 16 * 1024;

function frame(stream: 1 | 2, payload: Uint8Array | string): Buffer {
  const bytes = Buffer.from(payload);
  const header = Buffer.alloc(8);
  header.writeUInt8(stream, 0);
  header.writeUInt32BE(bytes.length, 4);
  return Buffer.concat([header, bytes]);
}

/**
 * A container's log as the engine keeps it: one entry per line, a line over 16 KiB split into
 * 16 KiB entries. `open(tail)` answers like `GET /logs?tail=N`: the last N entries, oldest first,
 * each frame made only when the reader asks for it, so `bytesSent` is what the agent read.
 */
function engineLog(lines: readonly { stream: 1 | 2; text: string }[]) {
  const entries: { stream: 1 | 2; text: string }[] = [];
  for (const { stream, text } of lines) {
    const line = `${text}\n`;
    for (let start = 0; start < line.length; start += entryBytes)
      entries.push({ stream, text: line.slice(start, start + entryBytes) });
  }
  const asked: number[] = [];
  let bytesSent = 0;
  return {
    asked,
    get bytesSent() {
      return bytesSent;
    },
    open: async (tail: number) => {
      asked.push(tail);
      const sent = entries.slice(-tail);
      let next = 0;
      return new Readable({
        read() {
          const entry = sent[next++];
          if (entry === undefined) {
            this.push(null);
            return;
          }
          const bytes = frame(entry.stream, entry.text);
          bytesSent += bytes.length;
          this.push(bytes);
        },
      });
    },
  };
}

const read = (log: ReturnType<typeof engineLog>, options: { tail?: number; maxBytes?: number } = {}) =>
  readTail({
    open: log.open,
    tail: options.tail ?? 500,
    tty: false,
    maxLines: 10_000,
    maxLineBytes: 16 * 1024,
    maxBytes: options.maxBytes ?? defaultMaxTailBytes,
    signal: new AbortController().signal,
  });

describe('readTail', () => {
  it('reads a short tail in one request', async () => {
    const log = engineLog([
      { stream: 1, text: 'listening on :8080' },
      { stream: 2, text: 'Error: connect ECONNREFUSED 127.0.0.1:5432' },
    ]);
    expect(await read(log)).toEqual(['listening on :8080', 'Error: connect ECONNREFUSED 127.0.0.1:5432']);
    expect(log.asked).toEqual([500]);
  });

  it('after two 10 MB lines reads about 2 MiB, not the 8 MB of 500 entries, and keeps the newest lines', async () => {
    const log = engineLog([
      { stream: 1, text: 'A'.repeat(10 * 1024 * 1024) },
      { stream: 2, text: 'B'.repeat(10 * 1024 * 1024) },
      { stream: 2, text: 'fatal: after two 10 MB lines' },
    ]);
    const lines = await read(log);
    // 500 entries do not fit in 1 MiB: that read is abandoned and 50 are asked for.
    expect(log.asked).toEqual([500, 50]);
    expect(log.bytesSent).toBeLessThan(2 * defaultMaxTailBytes + 256 * 1024);
    expect(lines).toEqual([
      `${'B'.repeat(16 * 1024)} [line cut at 16384 bytes]`,
      'fatal: after two 10 MB lines',
    ]);
  });

  it('narrows the tail until it fits, and keeps (marked) what the last try read when even one entry does not', async () => {
    const log = engineLog(Array.from({ length: 100 }, (_, index) => ({ stream: 1, text: `line ${index}` })));
    // 16 bytes a frame: 5 fit in 200 bytes, 50 do not.
    expect(await read(log, { tail: 500, maxBytes: 200 })).toEqual([
      'line 95',
      'line 96',
      'line 97',
      'line 98',
      'line 99',
    ]);
    expect(log.asked).toEqual([500, 50, 5]);

    const huge = engineLog([{ stream: 1, text: 'x'.repeat(1000) }]);
    expect(await read(huge, { tail: 1, maxBytes: 100 })).toEqual([
      'x'.repeat(92),
      '[log tail cut after 100 bytes]',
    ]);
  });
});
