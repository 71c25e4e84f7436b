import { readFileSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { ContainerRuntimeError } from '@website-monitor/core';
import { describe, expect, it } from 'vitest';
import { createLineEmitter } from './demux-logs.js';
import { defaultMaxFollowedBytes, followLogsQuery, readLogStream } from './follow-logs.js';

const multiplexed = readFileSync(new URL('./fixtures/logs-multiplexed.bin', import.meta.url));
const capturedLines = [
  'err line 1',
  'err line 2',
  'err line 3',
  'out line 1',
  'out line 2',
  'out line 3',
  'héllo wörld',
  'no newline at end',
];

function frame(stream: 1 | 2, payload: Uint8Array | string): Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : Buffer.from(payload);
  const header = Buffer.alloc(8);
  header.writeUInt8(stream, 0);
  header.writeUInt32BE(bytes.length, 4);
  return Buffer.concat([header, bytes]);
}

/** A log stream the test writes into, read the way the runtime reads Docker's. */
function follow(
  options: { tty?: boolean; maxLineBytes?: number; maxBytes?: number; signal?: AbortSignal } = {},
) {
  const stream = new PassThrough();
  const lines: string[] = [];
  const done = readLogStream({
    stream,
    tty: options.tty ?? false,
    maxLineBytes: options.maxLineBytes ?? 4096,
    ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
    signal: options.signal ?? new AbortController().signal,
    onLine: (line) => lines.push(line),
    streamError: (cause) => new Error(cause === undefined ? 'closed early' : `broken: ${String(cause)}`),
  });
  return { stream, lines, done };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('followLogsQuery', () => {
  it('asks for both streams, following, from since in seconds.nanoseconds', () => {
    expect(followLogsQuery(1795841859123)).toEqual({
      stdout: true,
      stderr: true,
      follow: true,
      timestamps: false,
      since: '1795841859.123000000',
    });
  });

  it('without since asks only for what comes next, never the whole log', () => {
    expect(followLogsQuery(undefined)).toMatchObject({ follow: true, tail: 0 });
    expect(followLogsQuery(undefined)).not.toHaveProperty('since');
  });
});

describe('readLogStream', () => {
  it('delivers each line as soon as it is complete, before the stream ends', async () => {
    const { stream, lines, done } = follow();
    stream.write(frame(1, 'starting\nlisten'));
    await tick();
    expect(lines).toEqual(['starting']);
    stream.write(frame(2, 'warning: slow disk\n'));
    stream.write(frame(1, 'ing on :8080\n'));
    await tick();
    expect(lines).toEqual(['starting', 'warning: slow disk', 'listening on :8080']);
    stream.end();
    await done;
  });

  it('gives the same lines wherever the frames are cut, one byte at a time included', async () => {
    for (const size of [1, 2, 3, 7, 8, 9, 13, 64]) {
      const { stream, lines, done } = follow();
      for (let offset = 0; offset < multiplexed.length; offset += size)
        stream.write(multiplexed.subarray(offset, offset + size));
      stream.end();
      await done;
      expect(lines).toEqual(capturedLines);
    }
  });

  it('delivers the unterminated last line when the stream ends', async () => {
    const { stream, lines, done } = follow();
    stream.end(frame(2, 'Error: listen EADDRINUSE: address already in use :::8080'));
    await done;
    expect(lines).toEqual(['Error: listen EADDRINUSE: address already in use :::8080']);
  });

  it('cuts a huge line at the bound, on a character boundary, and keeps reading', async () => {
    const { stream, lines, done } = follow({ maxLineBytes: 9, maxBytes: 20 * 1024 * 1024 });
    stream.write(frame(1, `${'é'.repeat(6)}\n`)); // 12 bytes: a cut at 9 would split the fifth é
    const megabyte = Buffer.alloc(1024 * 1024, 'x');
    for (let index = 0; index < 10; index++) stream.write(frame(1, megabyte));
    stream.write(frame(1, '\nafter\n'));
    stream.end();
    await done;
    expect(lines).toEqual(['éééé [line cut at 9 bytes]', 'xxxxxxxxx [line cut at 9 bytes]', 'after']);
  });

  it('stops reading a 10 MB line after the byte budget: the socket is closed, not drained', async () => {
    // A source that makes each 16 KiB frame only when read, as the engine does: what it was
    // asked for is what the agent read.
    const entry = 16 * 1024;
    const total = 10 * 1024 * 1024;
    let produced = 0;
    const stream = new Readable({
      read() {
        if (produced === 0) this.push(frame(2, 'starting\n'));
        if (produced >= total) {
          this.push(frame(1, '\nfatal: after a 10 MB line\n'));
          this.push(null);
          return;
        }
        produced += entry;
        this.push(frame(1, Buffer.alloc(entry, 'A')));
      },
    });
    const lines: string[] = [];
    const done = readLogStream({
      stream,
      tty: false,
      maxLineBytes: 4096,
      signal: new AbortController().signal,
      onLine: (line) => lines.push(line),
      streamError: () => new Error('not this one'),
    });
    const failure = await done.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(ContainerRuntimeError.isInstance(failure)).toBe(true);
    expect(String((failure as Error).message)).toMatch(/stopped reading after 1048576 bytes/);
    expect(stream.destroyed).toBe(true);
    // The budget and what the stream had buffered ahead (its high-water mark), never the 10 MB.
    expect(produced).toBeLessThan(defaultMaxFollowedBytes + 256 * 1024);
    // The line completed within the budget stands; the cut-off partial line is not passed off as whole.
    expect(lines).toEqual(['starting']);
  });

  it('replaces invalid UTF-8 and passes binary output through as text', async () => {
    const { stream, lines, done } = follow();
    stream.write(frame(1, new Uint8Array([0x66, 0xff, 0xfe, 0x6f, 0x0a])));
    stream.write(frame(2, new Uint8Array([0x00, 0x01, 0xc3, 0x0a])));
    stream.end();
    await done;
    expect(lines).toEqual(['f\uFFFD\uFFFDo', '\u0000\u0001\uFFFD']);
  });

  it('reads a TTY container’s raw output without frames', async () => {
    const { stream, lines, done } = follow({ tty: true });
    stream.write('tty line 1\r\ntty ');
    stream.end('line 2\r\n');
    await done;
    expect(lines).toEqual(['tty line 1', 'tty line 2']);
  });

  it('on abort resolves at once, closes the stream and delivers nothing more', async () => {
    const controller = new AbortController();
    const { stream, lines, done } = follow({ signal: controller.signal });
    stream.write(frame(1, 'one\n'));
    await tick();
    controller.abort();
    await done;
    expect(stream.destroyed).toBe(true);
    expect(lines).toEqual(['one']);
  });

  it('rejects with the mapped error when the connection breaks or closes without an end', async () => {
    const broken = follow();
    broken.stream.write(frame(1, 'one\n'));
    broken.stream.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    await expect(broken.done).rejects.toThrow('broken: Error: aborted');
    expect(broken.lines).toEqual(['one']);

    const cut = follow();
    cut.stream.destroy();
    await expect(cut.done).rejects.toThrow('closed early');
  });

  it('rejects with onLine’s own error and stops reading', async () => {
    const stream = new PassThrough();
    const bug = new TypeError('consumer bug');
    const seen: string[] = [];
    const done = readLogStream({
      stream,
      tty: false,
      maxLineBytes: 100,
      signal: new AbortController().signal,
      onLine: (line) => {
        seen.push(line);
        throw bug;
      },
      streamError: () => new Error('not this one'),
    });
    stream.write(frame(1, 'a\nb\n'));
    await expect(done).rejects.toBe(bug);
    expect(seen).toEqual(['a']);
    expect(stream.destroyed).toBe(true);
  });
});

describe('createLineEmitter', () => {
  it('holds at most maxLineBytes + 1 bytes for a 10 MB line without a newline', () => {
    const lines: string[] = [];
    const emitter = createLineEmitter({ maxLineBytes: 4096, onLine: (line) => lines.push(line) });
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    let mostHeld = 0;
    for (let written = 0; written < 10 * 1024 * 1024; written += chunk.length) {
      emitter.push({ stream: 'stdout', data: chunk });
      mostHeld = Math.max(mostHeld, emitter.pendingBytes);
    }
    expect(mostHeld).toBe(4097);
    expect(lines).toEqual([]);
    emitter.flush();
    expect(lines).toEqual([`${'a'.repeat(4096)} [line cut at 4096 bytes]`]);
    expect(emitter.pendingBytes).toBe(0);
  });
});
